"""Checking a notification's contents (form, API or import row) and what its submission
needs; quantities in kilograms of the pure substance."""

import csv
import datetime
import decimal
import functools
from dataclasses import dataclass, field

from django.utils import timezone

from drugcontrol.core.bounds import (
    decimal_limit,
    field_problem,
    model_field,
    read_decimal,
)
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.models import Country
from drugcontrol.core.quantities import MEASURED_UNITS, VOLUME_UNITS, to_kg
from drugcontrol.core.reference import DATA_DIR
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import Party, PartyKind
from drugcontrol.precursors.models import (
    NOTIFICATION_TRANSPORT_MODES,
    Notification,
    NotificationKind,
    NotificationLine,
    NotificationParty,
    PartyRole,
)
from drugcontrol.precursors.selectors import (
    country_terms,
    is_scheduled,
    reply_terms,
)
from drugcontrol.substances.cas import cas_is_valid
from drugcontrol.substances.models import Substance, SurveillanceChemical

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
    kilograms = to_kg(quantity, unit, density=density)
    if kilograms is None:
        return None
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
    cas: str = ""


@dataclass
class PartyEntry:
    role: str
    party: Party | None  # a party on file the officer chose
    data: entity_services.PartyInput | None  # or a new one
    address: str = ""
    reported_name: str = ""  # the name as typed beside a party on file (else the party's own)

    @property
    def name_as_reported(self) -> str:
        """The name the notification keeps: as typed, else the new or chosen party's."""
        return self.reported_name or (self.data.name if self.data else self.party.name)


@dataclass
class NotificationInput:
    kind: str
    importing_country: Country | None
    transit_countries: list[Country] = field(default_factory=list)
    invoice_number: str = ""
    import_permit_number: str = ""
    import_permit_date: datetime.date | None = None
    reply_deadline: datetime.date | None = None
    transport_mode: str = ""
    point_of_exit: str = ""
    point_of_entry: str = ""
    expected_dispatch: datetime.date | None = None
    remarks: str = ""
    lines: list[LineInput] = field(default_factory=list)
    parties: list[PartyEntry] = field(default_factory=list)


def country_from_code(code, name, errors) -> Country | None:
    """The country of a code, None for none; an unknown code is an error on `name`."""
    if not (code or "").strip():
        return None
    country = country_by_code(code)
    if country is None:
        errors[name] = [_("Unknown country code.")]
    return country


def _described_chemical(item: dict, prefix: str, errors: dict) -> bool:
    """A PEN Light line may describe a chemical the list and the registry lack: its name or
    description, a valid CAS number and its HS code."""
    cas = (item.get("cas") or "").strip()
    if not cas:
        return False
    if not cas_is_valid(cas):
        errors[f"{prefix}.cas"] = [_("Not a valid CAS number.")]
    if not (item.get("hs_code") or "").strip():
        errors[f"{prefix}.hs_code"] = [_("Give the HS code of a chemical described by CAS number.")]
    return True


def _validate_line(item: dict, prefix: str, kind: str, errors: dict) -> LineInput | None:
    substance = chemical = None
    described = False
    if item.get("substance_id"):
        substance = Substance.objects.filter(pk=item["substance_id"]).first()
        if substance is None:
            errors[f"{prefix}.substance"] = [_("Unknown substance.")]
    elif item.get("surveillance_chemical_id"):
        chemical = SurveillanceChemical.objects.filter(pk=item["surveillance_chemical_id"]).first()
        if chemical is None:
            errors[f"{prefix}.substance"] = [_("Not on the special surveillance list.")]
    elif (item.get("substance") or "").strip():
        from drugcontrol.substances.selectors import find_by_name, surveillance_match

        text = item["substance"].strip()
        substance = find_by_name(text)
        if substance is None and kind == NotificationKind.LIGHT:
            chemical = surveillance_match(text)
            if chemical is None:
                described = _described_chemical(item, prefix, errors)
        if substance is None and chemical is None and not described:
            errors[f"{prefix}.substance"] = [
                _("Unknown substance: %(name)s.") % {"name": text[:100]}
            ]
    elif kind == NotificationKind.LIGHT and _described_chemical(item, prefix, errors):
        described = True
    else:
        errors[f"{prefix}.substance"] = [_("Choose a substance.")]
    if substance is not None and kind == NotificationKind.SCHEDULED and not is_scheduled(substance):
        errors[f"{prefix}.substance"] = [
            _("%(name)s is not in Table I or II of the 1988 Convention.") % {"name": substance.name}
        ]
    if substance is not None and kind == NotificationKind.LIGHT:
        chemical = SurveillanceChemical.objects.filter(substance=substance).first()
        if chemical is None:
            described = _described_chemical(item, prefix, errors)
            if not described:
                errors[f"{prefix}.substance"] = [_("Not on the special surveillance list.")]
    quantity = read_decimal(
        item.get("quantity"), f"{prefix}.quantity", errors, field=LINE_QUANTITY, positive=True
    )
    if quantity is None and f"{prefix}.quantity" not in errors:
        errors[f"{prefix}.quantity"] = [_("A quantity is required.")]
    unit = item.get("unit") or ""
    if unit not in MEASURED_UNITS:
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
    if density is None and substance is not None and unit in VOLUME_UNITS:
        density = default_densities().get(substance.cas)
    if unit in VOLUME_UNITS and density is None and f"{prefix}.density" not in errors:
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
        description=(item.get("description") or item.get("substance") or "").strip()
        if described
        else (item.get("description") or "").strip(),
        cas=(item.get("cas") or "").strip() if described else "",
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
        reported = item.get("name") if isinstance(item.get("name"), str) else ""
        reported = reported.strip()
        problem = field_problem(model_field(NotificationParty, "reported_name"), reported)
        if problem:
            errors[f"{prefix}.name"] = [problem]
            return None
        return PartyEntry(role, party, None, address or party.address, reported)
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
            errors[f"{prefix}.{name}"] = list(messages)
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
    importing = country_from_code(raw.get("importing_country"), "importing_country", errors)
    if importing is not None and importing.iso3 == exporting_country_id:
        errors["importing_country"] = [_("The importing country is the exporting country.")]
    transits = []
    for index, code in enumerate(raw.get("transit_countries") or []):
        country = country_from_code(code, f"transit_countries.{index}", errors)
        if country is None:
            continue
        if country.iso3 in (exporting_country_id, importing.iso3 if importing else None):
            errors[f"transit_countries.{index}"] = [
                _("A transit country is neither the exporting nor the importing country.")
            ]
        elif country not in transits:
            transits.append(country)
    transport = raw.get("transport_mode") or ""
    if transport and transport not in dict(NOTIFICATION_TRANSPORT_MODES):
        errors["transport_mode"] = [_("Unknown transport mode.")]
    dispatch = _date(raw, "expected_dispatch", errors)
    permit_date = _date(raw, "import_permit_date", errors)
    deadline = _date(raw, "reply_deadline", errors)
    if deadline is not None and kind == NotificationKind.LIGHT:
        errors["reply_deadline"] = [
            _("A voluntary notification sets no reply deadline: answers are voluntary.")
        ]
    elif deadline is not None and importing is not None:
        problem = deadline_problem(deadline, importing.iso3, timezone.localdate())
        if problem:
            errors["reply_deadline"] = [problem]
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
        import_permit_number=(raw.get("import_permit_number") or "").strip(),
        import_permit_date=permit_date,
        reply_deadline=deadline,
        transport_mode=transport,
        point_of_exit=(raw.get("point_of_exit") or "").strip(),
        point_of_entry=(raw.get("point_of_entry") or "").strip(),
        expected_dispatch=dispatch,
        remarks=(raw.get("remarks") or "").strip(),
        lines=lines,
        parties=parties,
    )


def _date(raw: dict, name: str, errors: dict) -> datetime.date | None:
    value = raw.get(name) or None
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            errors[name] = [_("Give the date as YYYY-MM-DD.")]
            return None
    return value


def deadline_problem(deadline: datetime.date, importing_country_id: str, today) -> str | None:
    """Why a reply deadline the exporting authority asks for cannot be set: in the past, or
    beyond the importing country's reply days (from `today`, the day of submission)."""
    if deadline < today:
        return _("The reply deadline is in the past.")
    days, _explicit = reply_terms(importing_country_id)
    if deadline > today + datetime.timedelta(days=days):
        return _(
            "The importing country's terms give at most %(days)s days for the answer: "
            "the deadline can be %(latest)s at the latest."
        ) % {"days": days, "latest": (today + datetime.timedelta(days=days)).isoformat()}
    return None


def _light_problems(notification: Notification) -> dict[str, list[str]]:
    """PEN Light's own mandatory fields: exporter and importer, and each line a chemical of
    the special surveillance list (or described with CAS number and HS code) with its
    quantity."""
    problems: dict[str, list[str]] = {}
    roles = {p.role for p in notification.parties.all()}
    for role, label in ((PartyRole.EXPORTER, "exporter"), (PartyRole.IMPORTER, "importer")):
        if role not in roles:
            problems[f"parties.{label}"] = [_("Name the %(role)s.") % {"role": role.label}]
    lines = list(notification.lines.all())
    if not lines:
        problems["lines"] = [_("Add at least one substance with its quantity.")]
    for index, line in enumerate(lines):
        if line.surveillance_chemical_id is None and not (line.cas and line.hs_code):
            problems[f"lines.{index}.substance"] = [
                _(
                    "Choose a chemical of the special surveillance list, or describe it "
                    "with its CAS number and HS code."
                )
            ]
    return problems


def submission_problems(notification: Notification, today=None) -> dict[str, list[str]]:
    """What article 12(10)(a) asks for and the notification lacks, by field (for PEN Light:
    its own mandatory fields)."""
    today = today or timezone.localdate()
    if notification.kind == NotificationKind.LIGHT:
        return _light_problems(notification)
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
    if (
        notification.importing_country_id
        and country_terms(notification.importing_country_id).import_permit_required
    ):
        if not notification.import_permit_number:
            problems["import_permit_number"] = [
                _("The importing country's law requires an import permit: give its number.")
            ]
        if notification.import_permit_date is None:
            problems["import_permit_date"] = [_("Give the date of the import permit.")]
    if notification.reply_deadline is not None and notification.importing_country_id:
        problem = deadline_problem(
            notification.reply_deadline, notification.importing_country_id, today
        )
        if problem:
            problems["reply_deadline"] = [problem]
    return problems
