"""Every write of the precursors app: the notification workflow (each step one transaction
with one audit event), invocations, legitimate requirements, the surveillance list and
suspicious order reports."""

import csv
import datetime
import decimal
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.bounds import (
    check_instances,
    decimal_limit,
    model_field,
    read_decimal,
    read_int,
)
from drugcontrol.core.errors import Conflict, ValidationFailed, check_version
from drugcontrol.core.models import Country, Organisation, OrganisationKind
from drugcontrol.core.permissions import require
from drugcontrol.core.reference import DATA_DIR
from drugcontrol.core.sequences import create_numbered, next_reference
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Audience, Party, PartyKind
from drugcontrol.precursors import risk
from drugcontrol.precursors.models import (
    AWAITING_ANSWER,
    Finding,
    ImportingCountryPolicy,
    Invocation,
    InvocationScope,
    LegitimateRequirement,
    LegitimateRequirementRevision,
    Notification,
    NotificationKind,
    NotificationLine,
    NotificationMessage,
    NotificationParty,
    NotificationTransit,
    ObjectionGround,
    Outcome,
    PartyRole,
    RequirementForm,
    Status,
    SurveillanceChemical,
    TransportMode,
    Unit,
)
from drugcontrol.substances.models import Listing, Substance

RECORD_TYPE = "precursors.notification"
ORDER_RECORD_TYPE = "precursors.suspiciousorder"
DEFAULT_REPLY_DAYS = 15
NOTIFICATION_FIELDS = [
    "reference",
    "kind",
    "status",
    "importing_country_id",
    "invoice_number",
    "transport_mode",
    "point_of_exit",
    "point_of_entry",
    "expected_dispatch",
    "reply_deadline",
    "objection_ground",
    "outcome",
]
MASS_IN_KG = {Unit.KG: decimal.Decimal(1), Unit.G: decimal.Decimal("0.001"), Unit.T: 1000}
VOLUME_IN_L = {Unit.L: decimal.Decimal(1), Unit.ML: decimal.Decimal("0.001")}
KG = decimal.Decimal("0.001")
LINE_QUANTITY = model_field(NotificationLine, "quantity")


@functools.cache
def default_densities() -> dict[str, decimal.Decimal]:
    """Densities (kg/l) of liquid precursors by CAS number, from the shipped data file."""
    path = DATA_DIR / "precursors" / "densities.csv"
    with path.open(encoding="utf-8") as handle:
        return {
            row["cas"]: decimal.Decimal(row["density_kg_per_l"]) for row in csv.DictReader(handle)
        }


def pure_kg(
    *,
    quantity: decimal.Decimal,
    unit: str,
    concentration: decimal.Decimal,
    density: decimal.Decimal | None,
) -> decimal.Decimal | None:
    """Kilograms of the pure substance in a line; None when a volume has no density."""
    if unit in MASS_IN_KG:
        kilograms = quantity * MASS_IN_KG[unit]
    elif density is None:
        return None
    else:
        kilograms = quantity * VOLUME_IN_L[unit] * density
    return (kilograms * concentration / 100).quantize(KG)


# --- validation -------------------------------------------------------------------------------


@dataclass
class LineInput:
    substance: Substance | None
    surveillance_chemical: SurveillanceChemical | None
    is_preparation: bool
    concentration: decimal.Decimal
    quantity: decimal.Decimal
    unit: str
    density: decimal.Decimal | None
    quantity_kg: decimal.Decimal
    hs_code: str = ""
    description: str = ""


@dataclass
class PartyEntry:
    role: str
    party: Party | None
    data: entity_services.PartyInput | None
    address: str = ""


@dataclass
class NotificationInput:
    kind: str
    importing_country: Country | None
    transit_countries: list[Country] = field(default_factory=list)
    invoice_number: str = ""
    transport_mode: str = ""
    point_of_exit: str = ""
    point_of_entry: str = ""
    expected_dispatch: datetime.date | None = None
    remarks: str = ""
    lines: list[LineInput] = field(default_factory=list)
    parties: list[PartyEntry] = field(default_factory=list)


def _country(code, name, errors) -> Country | None:
    code = (code or "").strip().upper()
    if not code:
        return None
    country = Country.objects.filter(iso3=code).first()
    if country is None:
        errors[name] = [_("Unknown country code.")]
    return country


def country_for(code: str, field: str = "country") -> Country:
    """The country with this ISO alpha-3 code, or a validation error naming the field."""
    errors: dict = {}
    country = _country(code, field, errors)
    if country is None:
        raise ValidationFailed(errors or {field: [_("Unknown country code.")]})
    return country


def substance_for(substance_id: int | None, field: str = "substance_id") -> Substance | None:
    """The registry substance with this id (None for none), or a validation error."""
    if substance_id is None:
        return None
    substance = Substance.objects.filter(pk=substance_id).first()
    if substance is None:
        raise ValidationFailed({field: [_("Unknown substance.")]})
    return substance


def _scheduled(substance: Substance) -> bool:
    return Listing.objects.filter(
        substance=substance, instrument="1988", removed="", schedule__in=["Table I", "Table II"]
    ).exists()


def _validate_line(item: dict, prefix: str, kind: str, errors: dict) -> LineInput | None:
    substance = chemical = None
    if item.get("substance_id"):
        substance = Substance.objects.filter(pk=item["substance_id"]).first()
        if substance is None:
            errors[f"{prefix}.substance"] = [_("Unknown substance.")]
    elif item.get("surveillance_chemical_id"):
        chemical = SurveillanceChemical.objects.filter(pk=item["surveillance_chemical_id"]).first()
        if chemical is None:
            errors[f"{prefix}.substance"] = [_("Not on the special surveillance list.")]
    elif (item.get("substance") or "").strip():
        from drugcontrol.substances.selectors import find_by_name

        text = item["substance"].strip()
        substance = find_by_name(text)
        if substance is None and kind == NotificationKind.LIGHT:
            chemical = SurveillanceChemical.objects.filter(name__iexact=text).first() or (
                SurveillanceChemical.objects.filter(cas=text).first()
            )
        if substance is None and chemical is None:
            errors[f"{prefix}.substance"] = [
                _("Unknown substance: %(name)s.") % {"name": text[:100]}
            ]
    else:
        errors[f"{prefix}.substance"] = [_("Choose a substance.")]
    if substance is not None and kind == NotificationKind.SCHEDULED and not _scheduled(substance):
        errors[f"{prefix}.substance"] = [
            _("%(name)s is not in Table I or II of the 1988 Convention.") % {"name": substance.name}
        ]
    if substance is not None and kind == NotificationKind.LIGHT:
        chemical = SurveillanceChemical.objects.filter(substance=substance).first()
        if chemical is None:
            errors[f"{prefix}.substance"] = [_("Not on the special surveillance list.")]
    quantity = read_decimal(
        item.get("quantity"), f"{prefix}.quantity", errors, field=LINE_QUANTITY, positive=True
    )
    if quantity is None and f"{prefix}.quantity" not in errors:
        errors[f"{prefix}.quantity"] = [_("A quantity is required.")]
    unit = item.get("unit") or ""
    if unit not in Unit.values:
        errors[f"{prefix}.unit"] = [_("Choose a unit.")]
    is_preparation = bool(item.get("is_preparation"))
    concentration = read_decimal(
        item.get("concentration"),
        f"{prefix}.concentration",
        errors,
        field=model_field(NotificationLine, "concentration"),
        positive=True,
        maximum=100,
    )
    if concentration is None:
        concentration = decimal.Decimal(100)
    density = read_decimal(
        item.get("density"),
        f"{prefix}.density",
        errors,
        field=model_field(NotificationLine, "density"),
        positive=True,
        maximum=25,
    )
    if density is None and substance is not None and unit in VOLUME_IN_L:
        density = default_densities().get(substance.cas)
    if unit in VOLUME_IN_L and density is None and f"{prefix}.density" not in errors:
        errors[f"{prefix}.density"] = [
            _("Give the density (kg/l) to convert a volume into kilograms.")
        ]
    if any(key.startswith(prefix + ".") for key in errors):
        return None
    kilograms = pure_kg(quantity=quantity, unit=unit, concentration=concentration, density=density)
    if kilograms is not None and kilograms > decimal_limit(
        model_field(NotificationLine, "quantity_kg")
    ):
        errors[f"{prefix}.quantity"] = [_("The quantity is too large.")]
        return None
    return LineInput(
        substance=substance,
        surveillance_chemical=chemical,
        is_preparation=is_preparation,
        concentration=concentration,
        quantity=quantity,
        unit=unit,
        density=density,
        quantity_kg=kilograms,
        hs_code=(item.get("hs_code") or "").strip(),
        description=(item.get("description") or "").strip(),
    )


def _validate_party(item: dict, prefix: str, errors: dict, visible_parties) -> PartyEntry | None:
    role = item.get("role") or ""
    if role not in PartyRole.values:
        errors[f"{prefix}.role"] = [_("Unknown role.")]
    address = (item.get("address") or "").strip()
    if item.get("party_id"):
        party = (visible_parties or Party.objects.none()).filter(pk=item["party_id"]).first()
        if party is None:
            errors[f"{prefix}.party_id"] = [_("Unknown party.")]
            return None
        return PartyEntry(role, party, None, address or party.address)
    try:
        data = entity_services.validate_party(
            kind=item.get("kind") or PartyKind.COMPANY,
            name=item.get("name") or "",
            country_code=item.get("country") or None,
            address=address,
            identifiers=[(k, item.get(k) or "") for k in ("phone", "email")],
        )
    except ValidationFailed as error:
        for name, messages in error.details.items():
            errors[f"{prefix}.{name}"] = [str(m) for m in messages]
        return None
    return PartyEntry(role, None, data, address)


def validate_notification(raw: dict, *, exporting_country_id: str, visible_parties=None):
    """Check a notification (form, API or import row). Bad fields are named, nested ones as
    `lines.0.quantity` or `parties.1.name`. Completeness for submission is checked apart
    (`submission_problems`), so that a draft may be saved unfinished."""
    errors: dict[str, list[str]] = {}
    kind = raw.get("kind") or NotificationKind.SCHEDULED
    if kind not in NotificationKind.values:
        errors["kind"] = [_("Unknown notification kind.")]
    importing = _country(raw.get("importing_country"), "importing_country", errors)
    if importing is not None and importing.iso3 == exporting_country_id:
        errors["importing_country"] = [_("The importing country is the exporting country.")]
    transits = []
    for index, code in enumerate(raw.get("transit_countries") or []):
        country = _country(code, f"transit_countries.{index}", errors)
        if country is None:
            continue
        if country.iso3 in (exporting_country_id, importing.iso3 if importing else None):
            errors[f"transit_countries.{index}"] = [
                _("A transit country is neither the exporting nor the importing country.")
            ]
        elif country not in transits:
            transits.append(country)
    transport = raw.get("transport_mode") or ""
    if transport and transport not in TransportMode.values:
        errors["transport_mode"] = [_("Unknown transport mode.")]
    dispatch = raw.get("expected_dispatch") or None
    if isinstance(dispatch, str):
        try:
            dispatch = datetime.date.fromisoformat(dispatch.strip())
        except ValueError:
            errors["expected_dispatch"] = [_("Give the date as YYYY-MM-DD.")]
            dispatch = None
    lines = [
        _validate_line(item, f"lines.{index}", kind, errors)
        for index, item in enumerate(raw.get("lines") or [])
    ]
    parties = [
        _validate_party(item, f"parties.{index}", errors, visible_parties)
        for index, item in enumerate(raw.get("parties") or [])
    ]
    if errors:
        raise ValidationFailed(errors)
    return NotificationInput(
        kind=kind,
        importing_country=importing,
        transit_countries=transits,
        invoice_number=(raw.get("invoice_number") or "").strip(),
        transport_mode=transport,
        point_of_exit=(raw.get("point_of_exit") or "").strip(),
        point_of_entry=(raw.get("point_of_entry") or "").strip(),
        expected_dispatch=dispatch,
        remarks=(raw.get("remarks") or "").strip(),
        lines=lines,
        parties=parties,
    )


def submission_problems(notification: Notification, today=None) -> dict[str, list[str]]:
    """What article 12(10)(a) asks for and the notification lacks, by field."""
    today = today or timezone.localdate()
    problems: dict[str, list[str]] = {}
    roles = {p.role: p for p in notification.parties.all()}
    for role, label in ((PartyRole.EXPORTER, "exporter"), (PartyRole.IMPORTER, "importer")):
        party = roles.get(role)
        if party is None:
            problems[f"parties.{label}"] = [_("Name the %(role)s.") % {"role": role.label}]
        elif not party.address.strip():
            problems[f"parties.{label}.address"] = [
                _("Give the address of the %(role)s.") % {"role": role.label}
            ]
    if not notification.lines.exists():
        problems["lines"] = [_("Add at least one substance with its quantity.")]
    if notification.importing_country_id is None:
        problems["importing_country"] = [_("Choose the importing country.")]
    if not notification.point_of_entry:
        problems["point_of_entry"] = [_("Give the expected point of entry.")]
    if notification.expected_dispatch is None:
        problems["expected_dispatch"] = [_("Give the expected date of dispatch.")]
    elif notification.expected_dispatch < today:
        problems["expected_dispatch"] = [_("The dispatch date is before the submission.")]
    return problems


# --- permissions: the rules are in permissions.py ----------------------------------------------


def _locked(notification: Notification, expected_version: int | None) -> Notification:
    current = Notification.objects.select_for_update().get(pk=notification.pk)
    check_version(current, expected_version)
    return current


def _require_status(notification: Notification, allowed, message) -> None:
    if notification.status not in allowed:
        raise Conflict(message, details={"status": notification.status})


def _save(notification: Notification, *, now=None, **changes) -> Notification:
    for name, value in changes.items():
        setattr(notification, name, value)
    notification.updated_at = now or timezone.now()
    notification.version += 1  # the row is locked (select_for_update) by every caller
    notification.save()
    return notification


def _moved(current: Notification, *, actor, action: str, at, now, **changes) -> Notification:
    """Save a change of status and record it, in the caller's transaction."""
    current = _save(current, now=now, **changes)
    record_event(
        actor=actor, action=action, obj=current, after=_dated({"status": current.status}, at)
    )
    return current


def _dated(after: dict, at) -> dict:
    """An event's record of when the step happened, where that is not when it was recorded
    (a notification imported from history)."""
    return {**after, "at": at.isoformat()} if at else after


def _url(notification: Notification) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("precursors:detail", args=[notification.pk])


# --- creating and editing drafts --------------------------------------------------------------


def _write_contents(notification: Notification, actor, data: NotificationInput) -> None:
    notification.transits.all().delete()
    notification.lines.all().delete()
    notification.parties.all().delete()
    NotificationTransit.objects.bulk_create(
        [
            NotificationTransit(notification=notification, country=country, sequence=index)
            for index, country in enumerate(data.transit_countries)
        ]
    )
    year = (data.expected_dispatch or timezone.localdate()).year
    lines = [
        NotificationLine(
            notification=notification,
            substance=line.substance,
            surveillance_chemical=line.surveillance_chemical,
            is_preparation=line.is_preparation,
            concentration=line.concentration,
            quantity=line.quantity,
            unit=line.unit,
            density=line.density,
            quantity_kg=line.quantity_kg,
            hs_code=line.hs_code,
            description=line.description,
            importing_country=data.importing_country,
            year=year,
        )
        for line in data.lines
    ]
    check_instances(lines, "lines")
    NotificationLine.objects.bulk_create(lines)
    # A draft's parties are seen by whoever sees the draft: the exporting country's readers.
    entity_services.record_links_clear(record_type=RECORD_TYPE, record_id=notification.pk)
    for entry in data.parties:
        party = entry.party or entity_services.party_register(actor=actor, data=entry.data)
        reported_name = entry.data.name if entry.data else party.name
        NotificationParty.objects.create(
            notification=notification,
            party=party,
            role=entry.role,
            reported_name=reported_name,
            address=entry.address,
        )
        entity_services.party_link(
            party=party,
            record_type=RECORD_TYPE,
            record_id=notification.pk,
            organisation=notification.exporting_authority,
            audience=Audience.COUNTRY,
            role=entry.role,
            reported_name=reported_name,
        )


def _contents_snapshot(data: NotificationInput) -> dict:
    return {
        "transit_countries": [c.iso3 for c in data.transit_countries],
        "lines": [
            {
                "substance": line.substance.pk if line.substance else None,
                "surveillance_chemical": line.surveillance_chemical.pk
                if line.surveillance_chemical
                else None,
                "quantity": str(line.quantity),
                "unit": line.unit,
                "quantity_kg": str(line.quantity_kg),
            }
            for line in data.lines
        ],
        "parties": [
            {"role": e.role, "name": e.data.name if e.data else e.party.name} for e in data.parties
        ],
    }


def notification_create(*, actor, data: NotificationInput, at=None) -> Notification:
    """Save a draft, seen only by the exporting country until it is submitted. `at` dates
    the step for records imported from history (default: now); so do the other steps'."""
    require(actor, "precursors.notification_draft")
    if data.importing_country is None:
        raise ValidationFailed({"importing_country": [_("Choose the importing country.")]})
    organisation = actor.organisation
    now = at or timezone.now()
    prefix = "PEN" if data.kind == NotificationKind.SCHEDULED else "VN"
    prefix = f"{prefix}-{organisation.country_id}-{timezone.localdate(now).year}-"

    def create() -> Notification:
        notification = Notification.objects.create(
            reference=next_reference(Notification, prefix),
            kind=data.kind,
            status=Status.DRAFT,
            exporting_country_id=organisation.country_id,
            exporting_authority=organisation,
            importing_country=data.importing_country,
            invoice_number=data.invoice_number,
            transport_mode=data.transport_mode,
            point_of_exit=data.point_of_exit,
            point_of_entry=data.point_of_entry,
            expected_dispatch=data.expected_dispatch,
            remarks=data.remarks,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        _write_contents(notification, actor, data)
        record_event(
            actor=actor,
            action="precursors.notification_created",
            obj=notification,
            after=_dated(
                {**snapshot(notification, NOTIFICATION_FIELDS), **_contents_snapshot(data)}, at
            ),
        )
        return notification

    return create_numbered(create)


def notification_update(
    *, actor, notification: Notification, data: NotificationInput, expected_version: int | None
) -> Notification:
    """Replace a draft's contents (the exporting authority, before submission)."""
    require(actor, "precursors.notification_export_step", notification)
    if data.importing_country is None:
        raise ValidationFailed({"importing_country": [_("Choose the importing country.")]})
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(current, (Status.DRAFT,), _("Only a draft can be changed."))
        before = snapshot(current, NOTIFICATION_FIELDS)
        _write_contents(current, actor, data)
        current = _save(
            current,
            kind=data.kind,
            importing_country=data.importing_country,
            invoice_number=data.invoice_number,
            transport_mode=data.transport_mode,
            point_of_exit=data.point_of_exit,
            point_of_entry=data.point_of_entry,
            expected_dispatch=data.expected_dispatch,
            remarks=data.remarks,
        )
        record_event(
            actor=actor,
            action="precursors.notification_updated",
            obj=current,
            before=before,
            after={**snapshot(current, NOTIFICATION_FIELDS), **_contents_snapshot(data)},
        )
    return current


# --- the exchange -----------------------------------------------------------------------------


def reply_terms(country_id: str) -> tuple[int, bool]:
    policy = ImportingCountryPolicy.objects.filter(country_id=country_id).first()
    if policy is None:
        return DEFAULT_REPLY_DAYS, False
    return policy.reply_days, policy.explicit_clearance


def _importing_authority(country_id: str) -> Organisation | None:
    return (
        Organisation.objects.filter(
            country_id=country_id, kind=OrganisationKind.COMPETENT_AUTHORITY, is_active=True
        )
        .order_by("pk")
        .first()
    )


def notification_submit(
    *, actor, notification: Notification, expected_version: int | None = None, at=None
) -> Notification:
    """Send the notification to the importing country: sets the reply deadline, computes the
    risk findings, links the parties for correlation and alerts the importing and transit
    countries."""
    require(actor, "precursors.notification_export_step", notification)
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(current, (Status.DRAFT,), _("This notification was already submitted."))
        now = at or timezone.now()
        risk.load(current)
        problems = submission_problems(current, today=timezone.localdate(now))
        if problems:
            raise ValidationFailed(
                problems, message=_("The notification lacks what article 12(10)(a) requires.")
            )
        days, explicit = reply_terms(current.importing_country_id)
        # The rules read what is on file besides this notification, so they may run first.
        findings = risk.evaluate(current, today=timezone.localdate(now))
        current = _save(
            current,
            now=now,
            status=Status.SUBMITTED,
            submitted_at=now,
            reply_deadline=timezone.localdate(now) + datetime.timedelta(days=days),
            explicit_clearance=explicit,
            importing_authority=_importing_authority(current.importing_country_id),
            highest_severity=max(
                (f.severity for f in findings if f.rule not in risk.READER_DEPENDENT), default=0
            ),
        )
        Finding.objects.bulk_create(
            [
                Finding(
                    notification=current,
                    rule=f.rule,
                    severity=f.severity,
                    facts=f.facts,
                    created_at=now,
                )
                for f in findings
            ]
        )
        countries = [
            current.exporting_country_id,
            current.importing_country_id,
            *(transit.country_id for transit in current.transits.all()),
        ]
        # The draft's links give way to links for every country the notification involves.
        entity_services.record_links_clear(record_type=RECORD_TYPE, record_id=current.pk)
        for item in current.parties.all():
            entity_services.party_link(
                party=item.party,
                record_type=RECORD_TYPE,
                record_id=current.pk,
                organisation=current.exporting_authority,
                audience=Audience.COUNTRIES_INVOLVED,
                countries=countries,
                role=item.role,
                reported_name=item.reported_name,
            )
        _alert_submitted(current, countries[2:])
        record_event(
            actor=actor,
            action="precursors.notification_submitted",
            obj=current,
            after=_dated(
                {
                    "status": current.status,
                    "reply_deadline": current.reply_deadline.isoformat(),
                    "explicit_clearance": explicit,
                    "findings": [f"{f.rule}:{f.severity}" for f in findings],
                },
                at,
            ),
        )
    return current


def _alert_submitted(notification: Notification, transit_codes) -> None:
    # Raw values: the text is rendered in each reader's language (precursors/alerts.py).
    params = {
        "reference": notification.reference,
        "country": notification.exporting_country_id,
        "deadline": notification.reply_deadline.isoformat(),
    }
    for event, countries in (
        ("notification_received", [notification.importing_country_id]),
        ("notification_transit", transit_codes),
    ):
        if countries:
            alerts_raise(
                record_kind=RECORD_TYPE,
                event=event,
                country_codes=countries,
                message_key=f"precursors.{event}",
                params=params,
                record_id=notification.pk,
                url=_url(notification),
                sender_organisation=notification.exporting_authority,
            )


def notification_acknowledge(
    *, actor, notification: Notification, expected_version: int | None = None, at=None
) -> Notification:
    require(actor, "precursors.notification_answer", notification)
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(
            current, (Status.SUBMITTED,), _("Only a newly submitted notification is acknowledged.")
        )
        now = at or timezone.now()
        return _moved(
            current,
            actor=actor,
            action="precursors.notification_acknowledged",
            at=at,
            now=now,
            status=Status.ACKNOWLEDGED,
            acknowledged_at=now,
        )


def notification_answer(
    *,
    actor,
    notification: Notification,
    decision: str,
    ground: str = "",
    detail: str = "",
    expected_version: int | None = None,
    at=None,
) -> Notification:
    """Clear or object (with a ground). The first answer wins: a second one, even from an
    officer who read the same version, is a conflict."""
    require(actor, "precursors.notification_answer", notification)
    if decision not in ("clear", "object"):
        raise ValidationFailed({"decision": [_("Answer with clear or object.")]})
    if decision == "object" and ground not in ObjectionGround.values:
        raise ValidationFailed({"ground": [_("Give the ground for the objection.")]})
    if decision == "object" and ground == ObjectionGround.OTHER and not detail.strip():
        raise ValidationFailed({"detail": [_("Explain the ground for the objection.")]})
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(current, AWAITING_ANSWER, _("This notification was already answered."))
        now = at or timezone.now()
        hours = int((now - current.submitted_at).total_seconds() // 3600)
        current = _save(
            current,
            now=now,
            status=Status.CLEARED if decision == "clear" else Status.OBJECTED,
            answered_at=now,
            response_hours=max(hours, 0),
            answered_late=timezone.localdate(now) > current.reply_deadline,
            acknowledged_at=current.acknowledged_at or now,
            objection_ground=ground if decision == "object" else "",
            objection_detail=detail.strip() if decision == "object" else "",
        )
        params = {"reference": current.reference, "country": current.importing_country_id}
        if decision == "object":
            params["ground"] = ground
        alerts_raise(
            record_kind=RECORD_TYPE,
            event="notification_answered",
            country_codes=[current.exporting_country_id],
            message_key="precursors.notification_cleared"
            if decision == "clear"
            else "precursors.notification_objected",
            params=params,
            record_id=current.pk,
            url=_url(current),
            sender_organisation=actor.organisation,
        )
        record_event(
            actor=actor,
            action="precursors.notification_cleared"
            if decision == "clear"
            else "precursors.notification_objected",
            obj=current,
            after=_dated(
                {
                    "status": current.status,
                    "objection_ground": current.objection_ground,
                    "response_hours": current.response_hours,
                },
                at,
            ),
        )
    return current


def may_ship(notification: Notification, today=None) -> bool:
    """Cleared; or past the deadline without an answer where the importing country does not
    require explicit clearance."""
    today = today or timezone.localdate()
    if notification.status == Status.CLEARED:
        return True
    return (
        notification.status in AWAITING_ANSWER
        and not notification.explicit_clearance
        and notification.reply_deadline is not None
        and notification.reply_deadline < today
    )


def notification_ship(
    *, actor, notification: Notification, expected_version: int | None = None, at=None
) -> Notification:
    require(actor, "precursors.notification_export_step", notification)
    with transaction.atomic():
        current = _locked(notification, expected_version)
        now = at or timezone.now()
        if not may_ship(current, today=timezone.localdate(now)):
            raise Conflict(
                _(
                    "The shipment may leave only once cleared, or after the deadline when the "
                    "importing country does not require explicit clearance."
                ),
                details={"status": current.status},
            )
        return _moved(
            current,
            actor=actor,
            action="precursors.notification_shipped",
            at=at,
            now=now,
            status=Status.SHIPPED,
            closed_at=now,
        )


def notification_close(
    *,
    actor,
    notification: Notification,
    action: str,
    expected_version: int | None = None,
    at=None,
) -> Notification:
    """`withdraw` before the importing country answers; `cancel` the shipment after."""
    require(actor, "precursors.notification_export_step", notification)
    allowed = {
        "withdraw": (AWAITING_ANSWER, Status.WITHDRAWN),
        "cancel": ((Status.CLEARED, Status.OBJECTED), Status.CANCELLED),
    }
    if action not in allowed:
        raise ValidationFailed({"action": [_("Unknown action.")]})
    statuses, target = allowed[action]
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(
            current,
            statuses,
            _("A notification is withdrawn before it is answered and cancelled after.")
            if action == "withdraw"
            else _("Only a cleared or objected notification is cancelled."),
        )
        now = at or timezone.now()
        return _moved(
            current,
            actor=actor,
            action=f"precursors.notification_{target}",
            at=at,
            now=now,
            status=target,
            closed_at=now,
        )


def notification_record_outcome(
    *,
    actor,
    notification: Notification,
    outcome: str,
    expected_version: int | None = None,
    at=None,
) -> Notification:
    """After shipment, either authority records what became of it."""
    require(actor, "precursors.notification_follow_up", notification)
    if outcome not in Outcome.values:
        raise ValidationFailed({"outcome": [_("Unknown outcome.")]})
    with transaction.atomic():
        current = _locked(notification, expected_version)
        _require_status(current, (Status.SHIPPED,), _("Record the outcome after shipment."))
        before = current.outcome
        now = at or timezone.now()
        current = _save(current, now=now, outcome=outcome, outcome_at=now)
        current.parties.update(outcome=outcome)
        record_event(
            actor=actor,
            action="precursors.outcome_recorded",
            obj=current,
            before={"outcome": before},
            after=_dated({"outcome": outcome}, at),
        )
    return current


def message_post(*, actor, notification: Notification, body: str) -> NotificationMessage:
    """A message between the exporting and the importing authority."""
    require(actor, "precursors.notification_follow_up", notification)
    side = actor.organisation.country_id
    if notification.status == Status.DRAFT:
        raise Conflict(_("Submit the notification before writing to the importing country."))
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": [_("Write a message.")]})
    if len(body) > 5000:
        raise ValidationFailed({"body": [_("The message is longer than 5,000 characters.")]})
    other = (
        notification.importing_country_id
        if side == notification.exporting_country_id
        else notification.exporting_country_id
    )
    with transaction.atomic():
        message = NotificationMessage.objects.create(
            notification=notification, author=actor, organisation=actor.organisation, body=body
        )
        alerts_raise(
            record_kind=RECORD_TYPE,
            event="notification_message",
            country_codes=[other],
            message_key="precursors.notification_message",
            params={"reference": notification.reference, "message": body[:500]},
            record_id=notification.pk,
            url=_url(notification),
            sender_organisation=actor.organisation,
        )
        record_event(
            actor=actor,
            action="precursors.message_posted",
            obj=notification,
            after={"message": message.pk, "length": len(body)},
        )
    return message


# --- invocations and requirements -------------------------------------------------------------


def policy_set(
    *,
    actor,
    country: Country,
    reply_days: int,
    explicit_clearance: bool,
    expected_version: int | None = None,
) -> ImportingCountryPolicy:
    require(actor, "precursors.reference_keep", country.iso3)
    errors: dict = {}
    reply_days = read_int(reply_days, "reply_days", errors, minimum=1, maximum=90)
    if reply_days is None:
        raise ValidationFailed(errors or {"reply_days": [_("Between 1 and 90 days.")]})
    with transaction.atomic():
        policy, created = ImportingCountryPolicy.objects.select_for_update().get_or_create(
            country=country
        )
        if not created:
            check_version(policy, expected_version)
        before = snapshot(policy, ["reply_days", "explicit_clearance"])
        policy.reply_days = int(reply_days)
        policy.explicit_clearance = bool(explicit_clearance)
        policy.updated_at = timezone.now()
        policy.version = 1 if created else policy.version + 1
        policy.save()
        record_event(
            actor=actor,
            action="precursors.policy_set",
            object_type="precursors.importingcountrypolicy",
            object_id=country.iso3,
            before=None if created else before,
            after=snapshot(policy, ["reply_days", "explicit_clearance"]),
        )
    return policy


def invocation_add(
    *,
    actor,
    country: Country,
    scope: str,
    substance: Substance | None = None,
    since: datetime.date,
    notes: str = "",
) -> Invocation:
    require(actor, "precursors.reference_keep", country.iso3)
    errors = {}
    if scope not in InvocationScope.values:
        errors["scope"] = [_("Unknown scope.")]
    if scope == InvocationScope.SUBSTANCE and substance is None:
        errors["substance"] = [_("Choose the substance.")]
    if scope == InvocationScope.SUBSTANCE and substance is not None and not _scheduled(substance):
        errors["substance"] = [_("Only substances in Table I or II can be invoked.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        invocation, created = Invocation.objects.get_or_create(
            country=country,
            scope=scope,
            substance=substance if scope == InvocationScope.SUBSTANCE else None,
            defaults={"since": since, "notes": notes.strip()},
        )
        if not created:
            raise Conflict(_("This invocation is already on file."))
        record_event(
            actor=actor,
            action="precursors.invocation_added",
            obj=invocation,
            after=snapshot(invocation, ["country_id", "scope", "substance_id", "since", "notes"]),
        )
    return invocation


def invocation_remove(*, actor, invocation: Invocation) -> None:
    require(actor, "precursors.reference_keep", invocation.country_id)
    with transaction.atomic():
        record_event(
            actor=actor,
            action="precursors.invocation_removed",
            obj=invocation,
            before=snapshot(invocation, ["country_id", "scope", "substance_id", "since"]),
        )
        invocation.delete()


def requirement_set(
    *,
    actor,
    country: Country,
    substance: Substance,
    year: int,
    quantity_kg,
    form: str = RequirementForm.SUBSTANCE,
    updated_on: datetime.date | None = None,
    source: str = "",
    expected_version: int | None = None,
) -> LegitimateRequirement:
    """Record (or revise) a country's annual requirement; every figure is kept."""
    require(actor, "precursors.reference_keep", country.iso3)
    errors: dict = {}
    quantity = read_decimal(
        quantity_kg,
        "quantity_kg",
        errors,
        field=model_field(LegitimateRequirement, "quantity_kg"),
    )
    if quantity is None and "quantity_kg" not in errors:
        errors["quantity_kg"] = [_("A quantity is required.")]
    if form not in RequirementForm.values:
        errors["form"] = [_("Unknown form.")]
    year = read_int(year, "year", errors, minimum=1990, maximum=2100)
    if year is None and "year" not in errors:
        errors["year"] = [_("Not a plausible year.")]
    if errors:
        raise ValidationFailed(errors)
    updated_on = updated_on or timezone.localdate()
    with transaction.atomic():
        requirement, created = LegitimateRequirement.objects.select_for_update().get_or_create(
            country=country,
            substance=substance,
            form=form,
            year=int(year),
            defaults={"quantity_kg": quantity, "updated_on": updated_on, "source": source},
        )
        before = None
        if not created:
            check_version(requirement, expected_version)
            before = {"quantity_kg": str(requirement.quantity_kg)}
            requirement.quantity_kg = quantity
            requirement.updated_on = updated_on
            requirement.source = source or requirement.source
            requirement.version += 1
            requirement.save()
        LegitimateRequirementRevision.objects.create(
            requirement=requirement,
            quantity_kg=quantity,
            updated_on=updated_on,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        record_event(
            actor=actor,
            action="precursors.requirement_set",
            obj=requirement,
            before=before,
            after={
                "country": country.iso3,
                "substance": substance.pk,
                "form": form,
                "year": int(year),
                "quantity_kg": str(quantity),
            },
        )
    return requirement


# --- suspicious orders ------------------------------------------------------------------------


def suspicious_order_report(*, actor, raw: dict):
    """An operator tells its national authority about an order or inquiry it found odd."""
    from drugcontrol.precursors.models import SuspiciousOrder
    from drugcontrol.substances.selectors import find_by_name

    require(actor, "precursors.order_report")
    organisation = actor.organisation
    errors: dict[str, list[str]] = {}
    received = raw.get("received_on") or ""
    try:
        received = (
            received
            if isinstance(received, datetime.date)
            else datetime.date.fromisoformat(received.strip())
        )
        if received > timezone.localdate():
            errors["received_on"] = [_("The date is in the future.")]
    except ValueError:
        errors["received_on"] = [_("Give the date as YYYY-MM-DD.")]
    chemical = (raw.get("chemical") or "").strip()
    if not chemical:
        errors["chemical"] = [_("Name the chemical asked for.")]
    quantity = read_decimal(
        raw.get("quantity"),
        "quantity",
        errors,
        field=model_field(SuspiciousOrder, "quantity"),
        positive=True,
    )
    unit = raw.get("unit") or ""
    if quantity is not None and unit not in Unit.values:
        errors["unit"] = [_("Choose a unit.")]
    customer = (raw.get("customer_name") or "").strip()
    if not customer:
        errors["customer_name"] = [_("Name the customer.")]
    customer_country = _country(raw.get("customer_country"), "customer_country", errors)
    reasons = (raw.get("reasons") or "").strip()
    if not reasons:
        errors["reasons"] = [_("Say why the order is suspicious.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        party = entity_services.party_register(
            actor=actor,
            data=entity_services.validate_party(
                kind=PartyKind.COMPANY,
                name=customer,
                country_code=customer_country.iso3 if customer_country else None,
            ),
        )
        order = SuspiciousOrder.objects.create(
            reference=next_reference(
                SuspiciousOrder, f"SOR-{organisation.country_id}-{received.year}-"
            ),
            reporting_organisation=organisation,
            country_id=organisation.country_id,
            received_on=received,
            substance=find_by_name(chemical),
            chemical_description=chemical,
            quantity=quantity,
            unit=unit if quantity is not None else "",
            customer_name=customer,
            customer_country=customer_country,
            customer_party=party,
            reasons=reasons,
            created_by=actor,
        )
        # The customer is seen by whoever may read the report (its country's authority).
        entity_services.party_link(
            party=party,
            record_type=ORDER_RECORD_TYPE,
            record_id=order.pk,
            organisation=organisation,
            audience=Audience.COUNTRY,
            role="customer",
            reported_name=order.customer_name,
        )
        alerts_raise(
            record_kind="precursors.suspiciousorder",
            event="suspicious_order",
            country_codes=[organisation.country_id],
            message_key="precursors.suspicious_order",
            params={"organisation": organisation.name, "reference": order.reference},
            record_id=order.pk,
            url=settings.SITE_URL.rstrip("/") + reverse("precursors:order", args=[order.pk]),
            sender_organisation=organisation,
        )
        record_event(
            actor=actor,
            action="precursors.suspicious_order_reported",
            obj=order,
            after=snapshot(
                order, ["reference", "received_on", "chemical_description", "customer_name"]
            ),
        )
    return order


def suspicious_order_review(*, actor, order, decision: str, expected_version: int | None = None):
    """The national authority closes a report (`dismiss`) or turns it into a suspicious-order
    incident (`incident`), which then follows the incidents module's alerts and matching."""
    from drugcontrol.incidents import services as incident_services
    from drugcontrol.precursors.models import SuspiciousOrder, SuspiciousOrderStatus

    require(actor, "precursors.order_review", order)
    if decision not in ("dismiss", "incident"):
        raise ValidationFailed({"decision": [_("Unknown decision.")]})
    with transaction.atomic():
        current = SuspiciousOrder.objects.select_for_update().get(pk=order.pk)
        check_version(current, expected_version)
        if current.status != SuspiciousOrderStatus.NEW:
            raise Conflict(_("This report was already reviewed."))
        incident = None
        if decision == "incident":
            data = incident_services.validate_incident(
                {
                    "kind": "suspicious_order",
                    "occurred_on": current.received_on,
                    "distribution": Audience.COUNTRIES_INVOLVED,
                    "description": current.reasons,
                    "countries": [{"country": current.customer_country_id, "role": "destination"}]
                    if current.customer_country_id
                    else [],
                    "substances": [
                        {
                            "substance_id": current.substance_id,
                            "description": ""
                            if current.substance_id
                            else current.chemical_description,
                            "quantity": current.quantity,
                            "unit": current.unit if current.unit in ("g", "kg", "l", "ml") else "",
                        }
                    ],
                    "parties": [{"role": "consignee", "party_id": current.customer_party_id}],
                },
                visible_parties=Party.objects.filter(pk=current.customer_party_id),
            )
            incident = incident_services.incident_create(actor=actor, data=data)
        current.status = (
            SuspiciousOrderStatus.INCIDENT if incident else SuspiciousOrderStatus.REVIEWED
        )
        current.incident_id = incident.pk if incident else None
        current.version += 1
        current.save()
        record_event(
            actor=actor,
            action="precursors.suspicious_order_reviewed",
            obj=current,
            after={"status": current.status, "incident": current.incident_id},
        )
    return current


# --- the special surveillance list ------------------------------------------------------------

SURVEILLANCE_COLUMNS = ("name", "cas", "hs_code", "notes")
SURVEILLANCE_MAX_ROWS = 5000


def surveillance_load(
    *, actor, content: bytes, edition: str, name: str = "list.csv", progress=None
) -> dict:
    """Replace the list with a file's rows (CSV or XLSX with `name,cas,hs_code,notes`); a
    bad file changes nothing and names each bad row."""
    from drugcontrol.core.tabular import read_table, where
    from drugcontrol.substances.models import Substance as SubstanceModel

    require(actor, "precursors.surveillance_load")
    if not edition.strip():
        raise ValidationFailed({"edition": [_("Name the edition of the list.")]})
    table = read_table(name, content, required=("name", "cas"), max_rows=SURVEILLANCE_MAX_ROWS)
    rows, errors, seen = [], {}, set()
    for row in table.rows:
        entry = row.get("name", "")
        problems = {}
        if not entry:
            problems["name"] = [_("A name is required.")]
        elif entry.lower() in seen:
            problems["name"] = [_("Listed twice.")]
        cas = row.get("cas", "")
        if cas and not _cas_valid(cas):
            problems["cas"] = [_("Not a valid CAS number.")]
        if problems:
            errors[where(row.number)] = problems
            continue
        seen.add(entry.lower())
        rows.append(
            SurveillanceChemical(
                name=entry[:300],
                cas=cas,
                hs_code=row.get("hs_code", "")[:12],
                notes=row.get("notes", "")[:500],
                edition=edition.strip()[:40],
                substance=SubstanceModel.objects.filter(cas=cas).first() if cas else None,
            )
        )
    if errors:
        raise ValidationFailed(errors, message=_("Nothing was loaded: fix these rows."))
    with transaction.atomic():
        kept = SurveillanceChemical.objects.count()
        # Entries already used on notifications stay; the others are replaced.
        used = set(
            NotificationLine.objects.exclude(surveillance_chemical=None).values_list(
                "surveillance_chemical__name", flat=True
            )
        )
        SurveillanceChemical.objects.exclude(name__in=used).delete()
        for chemical in rows:
            SurveillanceChemical.objects.update_or_create(
                name=chemical.name,
                defaults={
                    "cas": chemical.cas,
                    "hs_code": chemical.hs_code,
                    "notes": chemical.notes,
                    "edition": chemical.edition,
                    "substance": chemical.substance,
                },
            )
        record_event(
            actor=actor,
            action="precursors.surveillance_loaded",
            object_type="precursors.surveillancechemical",
            object_id=edition.strip()[:40],
            before={"entries": kept},
            after={"entries": len(rows), "edition": edition.strip()},
        )
    return {"loaded": len(rows), "edition": edition.strip()}


def surveillance_summary(result: dict) -> str:
    return _("%(count)s chemicals were loaded.") % {"count": result.get("loaded", 0)}


def _cas_valid(cas: str) -> bool:
    """CAS registry numbers end in a check digit over the other digits."""
    parts = cas.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 1:
        return False
    digits = (parts[0] + parts[1])[::-1]
    return sum((i + 1) * int(d) for i, d in enumerate(digits)) % 10 == int(parts[2])
