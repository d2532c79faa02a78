"""Reporting and changing incidents. Reporting an incident also registers its parties,
correlates them with every party on file, widens the audience to the countries whose
parties correlate and to those where a named party is registered or whose national is named,
and raises the alerts, all in one transaction with one audit event."""

import datetime
import decimal
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from drugcontrol.core.alerts import alerts_raise
from drugcontrol.core.attachments import (  # noqa: F401  (re-exported)
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    check_attachment,
)
from drugcontrol.core.audit import record_event, snapshot
from drugcontrol.core.bounds import check_instances, field_problem, model_field, read_decimal
from drugcontrol.core.countries import country_by_code
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.messages import gettext as _
from drugcontrol.core.models import Country
from drugcontrol.core.permissions import require
from drugcontrol.core.quantities import TransportMode, Unit
from drugcontrol.core.sequences import create_with_reference
from drugcontrol.core.versioning import versioned_change
from drugcontrol.entities import services as entity_services
from drugcontrol.entities.models import (
    Audience,
    Correlation,
    CorrelationStatus,
    Party,
    PartyKind,
    PartyLink,
    PartyLinkCountry,
)
from drugcontrol.incidents import alerts as incident_alerts
from drugcontrol.incidents.models import (
    LOCODE_PATTERN,
    RECORD_TYPE,
    CountryRole,
    Incident,
    IncidentAudience,
    IncidentCountry,
    IncidentKind,
    IncidentParty,
    IncidentSubstance,
    PartyRole,
    PaymentMethod,
)
from drugcontrol.substances.models import Substance, SurveillanceChemical
from drugcontrol.substances.selectors import surveillance_match

INCIDENT_FIELDS = [
    "reference",
    "kind",
    "occurred_on",
    "distribution",
    "form",
    "concealment",
    "modus_operandi",
    "transport_mode",
    "description",
    "place_of_seizure",
    "seizure_locode",
    "payment_method",
    "notification_reference",
]
# What the reporting organisation may change afterwards: all but the reference and the
# distribution (widening or narrowing an audience is not an edit).
EDITABLE = set(INCIDENT_FIELDS) - {"reference", "distribution"}
# Free text of the report, each bounded by its column.
TEXT_FIELDS = (
    "form",
    "concealment",
    "modus_operandi",
    "description",
    "place_of_seizure",
    "notification_reference",
)


@dataclass
class SubstanceLine:
    substance: Substance | None
    description: str
    quantity: decimal.Decimal | None
    unit: str
    purity: decimal.Decimal | None
    # The special surveillance list's entry the substance or description is, if any.
    surveillance_chemical: SurveillanceChemical | None = None


@dataclass
class PartyEntry:
    role: str
    party: Party | None  # an existing party the reporter chose
    data: entity_services.PartyInput | None  # or a new one
    nationality: Country | None = None  # a person's, as reported
    reported_name: str = ""  # the name as typed, kept as typed (else the party's own)


@dataclass
class IncidentInput:
    kind: str
    occurred_on: datetime.date
    distribution: str
    form: str = ""
    concealment: str = ""
    modus_operandi: str = ""
    transport_mode: str = TransportMode.UNKNOWN
    description: str = ""
    place_of_seizure: str = ""
    seizure_locode: str = ""
    payment_method: str = ""
    notification_reference: str = ""
    countries: list[tuple[Country, str]] = field(default_factory=list)
    substances: list[SubstanceLine] = field(default_factory=list)
    parties: list[PartyEntry] = field(default_factory=list)


def validate_incident(raw: dict, *, visible_parties=None) -> IncidentInput:
    """Check a report (from the form, the API or an import row). Every bad field is named,
    nested ones as `countries.0.role`, `substances.1.quantity`, `parties.2.name`."""
    errors: dict[str, list[str]] = {}
    kind = raw.get("kind") or ""
    if kind not in IncidentKind.values:
        errors["kind"] = [_("Unknown incident kind.")]
    occurred = raw.get("occurred_on")
    if isinstance(occurred, str):
        try:
            occurred = datetime.date.fromisoformat(occurred.strip())
        except ValueError:
            errors["occurred_on"] = [_("Give the date as YYYY-MM-DD.")]
            occurred = None
    if occurred is None and "occurred_on" not in errors:
        errors["occurred_on"] = [_("A date is required.")]
    elif occurred and occurred > timezone.localdate():
        errors["occurred_on"] = [_("The date is in the future.")]
    distribution = raw.get("distribution") or Audience.COUNTRIES_INVOLVED
    if distribution not in Audience.values:
        errors["distribution"] = [_("Unknown distribution level.")]
    transport = raw.get("transport_mode") or TransportMode.UNKNOWN
    if transport not in TransportMode.values:
        errors["transport_mode"] = [_("Unknown transport mode.")]
    texts = {name: _text(raw, name, errors) for name in TEXT_FIELDS}
    locode = _locode(raw.get("seizure_locode"), errors)
    payment = raw.get("payment_method") or ""
    if payment not in ("", *PaymentMethod.values):
        errors["payment_method"] = [_("Unknown payment method.")]
    countries = []
    for index, item in enumerate(raw.get("countries") or []):
        role = item.get("role") or ""
        country = country_by_code(item.get("country"))
        if country is None:
            errors[f"countries.{index}.country"] = [_("Unknown country code.")]
        if role not in CountryRole.values:
            errors[f"countries.{index}.role"] = [_("Unknown role.")]
        if country and role in CountryRole.values:
            countries.append((country, role))
    substances = []
    for index, item in enumerate(raw.get("substances") or []):
        prefix = f"substances.{index}"
        substance = None
        if item.get("substance_id"):
            substance = Substance.objects.filter(pk=item["substance_id"]).first()
            if substance is None:
                errors[f"{prefix}.substance_id"] = [_("Unknown substance.")]
        description = (item.get("description") or "").strip()
        if substance is None and not description and f"{prefix}.substance_id" not in errors:
            errors[f"{prefix}.substance_id"] = [_("Choose a substance or describe it.")]
        quantity = read_decimal(
            item.get("quantity"),
            f"{prefix}.quantity",
            errors,
            field=model_field(IncidentSubstance, "quantity"),
            positive=True,
        )
        unit = item.get("unit") or ""
        if quantity is not None and unit not in Unit.values:
            errors[f"{prefix}.unit"] = [_("Choose a unit for the quantity.")]
        purity = read_decimal(
            item.get("purity"),
            f"{prefix}.purity",
            errors,
            field=model_field(IncidentSubstance, "purity"),
            positive=True,
            maximum=100,
        )
        chemical = None
        if f"{prefix}.substance_id" not in errors:
            chemical = surveillance_match(description, substance=substance)
        substances.append(SubstanceLine(substance, description, quantity, unit, purity, chemical))
    parties = []
    for index, item in enumerate(raw.get("parties") or []):
        prefix = f"parties.{index}"
        role = item.get("role") or ""
        if role not in PartyRole.values:
            errors[f"{prefix}.role"] = [_("Unknown role.")]
        nationality = _nationality(item, prefix, errors)
        if item.get("party_id"):
            party = (visible_parties or Party.objects.none()).filter(pk=item["party_id"]).first()
            if party is None:
                errors[f"{prefix}.party_id"] = [_("Unknown party.")]
            elif nationality is not None and party.kind != PartyKind.PERSON:
                errors[f"{prefix}.nationality"] = [_("A nationality is given for a person.")]
            reported = item.get("name") if isinstance(item.get("name"), str) else ""
            reported = reported.strip()
            problem = field_problem(model_field(IncidentParty, "reported_name"), reported)
            if problem:
                errors[f"{prefix}.name"] = [problem]
            parties.append(PartyEntry(role, party, None, nationality, reported))
            continue
        if nationality is not None and (item.get("kind") or PartyKind.COMPANY) != PartyKind.PERSON:
            errors[f"{prefix}.nationality"] = [_("A nationality is given for a person.")]
        identifiers = [(k, item.get(k) or "") for k in ("phone", "email")]
        try:
            data = entity_services.validate_party(
                kind=item.get("kind") or PartyKind.COMPANY,
                name=item.get("name") or "",
                country_code=item.get("country") or None,
                address=item.get("address") or "",
                identifiers=identifiers,
            )
        except ValidationFailed as error:
            for name, messages in error.details.items():
                errors[f"{prefix}.{name}"] = list(messages)
            continue
        parties.append(PartyEntry(role, None, data, nationality))
    if errors:
        raise ValidationFailed(errors)
    return IncidentInput(
        kind=kind,
        occurred_on=occurred,
        distribution=distribution,
        transport_mode=transport,
        seizure_locode=locode,
        payment_method=payment,
        **texts,
        countries=countries,
        substances=substances,
        parties=parties,
    )


def _text(raw: dict, name: str, errors: dict) -> str:
    """A free-text field, trimmed, refused by name when its column cannot hold it."""
    value = raw.get(name) or ""
    if not isinstance(value, str):
        errors[name] = [_("Give text.")]
        return ""
    value = value.strip()
    problem = field_problem(model_field(Incident, name), value)
    if problem:
        errors[name] = [problem]
    return value


def _locode(value, errors: dict) -> str:
    """A UN/LOCODE (`CNSHA`, or `CN SHA` as often written), upper-cased; blank is none."""
    if value is None or value == "":
        return ""
    code = re.sub(r"\s+", "", value).upper() if isinstance(value, str) else None
    if code is None or (code and not re.fullmatch(LOCODE_PATTERN, code)):
        errors["seizure_locode"] = [
            _("Give a UN/LOCODE: two letters of the country and three letters or digits.")
        ]
        return ""
    return code


def _nationality(item: dict, prefix: str, errors: dict) -> Country | None:
    code = item.get("nationality")
    if not code:
        return None
    country = country_by_code(code) if isinstance(code, str) and len(code) <= 3 else None
    if country is None:
        errors[f"{prefix}.nationality"] = [_("Unknown country code.")]
    return country


def incident_create(*, actor, data: IncidentInput) -> Incident:
    require(actor, "incidents.incident_report")
    organisation = actor.organisation
    return create_with_reference(
        Incident,
        f"{organisation.country_id}-{data.occurred_on.year}-",
        lambda reference: _create(actor, organisation, data, reference),
    )


def _create(actor, organisation, data: IncidentInput, reference: str) -> Incident:
    now = timezone.now()
    incident = Incident.objects.create(
        reference=reference,
        kind=data.kind,
        occurred_on=data.occurred_on,
        reporting_organisation=organisation,
        reporting_country_id=organisation.country_id,
        distribution=data.distribution,
        form=data.form,
        concealment=data.concealment,
        modus_operandi=data.modus_operandi,
        transport_mode=data.transport_mode,
        description=data.description,
        place_of_seizure=data.place_of_seizure,
        seizure_locode=data.seizure_locode,
        payment_method=data.payment_method,
        notification_reference=data.notification_reference,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    IncidentCountry.objects.bulk_create(
        [
            IncidentCountry(incident=incident, country=country, role=role, sequence=index)
            for index, (country, role) in enumerate(dict.fromkeys(data.countries))
        ]
    )
    lines = [
        IncidentSubstance(
            incident=incident,
            substance=line.substance,
            description=line.description,
            surveillance_chemical=line.surveillance_chemical,
            quantity=line.quantity,
            unit=line.unit,
            purity=line.purity,
        )
        for line in data.substances
    ]
    check_instances(lines, "substances")
    IncidentSubstance.objects.bulk_create(lines)
    audience = {organisation.country_id: "reporter"}
    for country, _role in data.countries:
        audience.setdefault(country.iso3, "role")
    _set_audience(incident, audience)
    parties = [_attach_party(incident, actor, entry) for entry in data.parties]
    correlated = _correlated_countries(incident, parties)
    nationals = _national_countries(incident, parties, data.parties)
    _widen_audience(incident, nationals=nationals, correlated=correlated)
    _sync_link_countries(incident)
    _raise_alerts(incident, data, correlated, nationals)
    record_event(
        actor=actor,
        action="incidents.incident_created",
        obj=incident,
        after={
            **snapshot(incident, INCIDENT_FIELDS),
            "countries": [f"{c.iso3}:{r}" for c, r in data.countries],
            "parties": [p.pk for p in parties],
            "correlated_countries": sorted(correlated),
            "national_countries": sorted(nationals),
        },
    )
    return incident


def _widen_audience(incident: Incident, *, nationals: set[str], correlated: set[str]) -> None:
    """An incident shared with the countries involved reaches the countries its alerts go
    to, each with its reason; a narrower one stays where it is (derived data follows its
    source)."""
    if incident.distribution != Audience.COUNTRIES_INVOLVED:
        return
    _set_audience(incident, {code: "nationality" for code in sorted(nationals)})
    _set_audience(incident, {code: "correlation" for code in sorted(correlated)})


def _national_countries(incident: Incident, parties: list[Party], entries) -> set[str]:
    """Countries (other than the reporter's) where a named party is registered or whose
    national is named."""
    countries = {party.country_id for party in parties}
    countries |= {entry.nationality.iso3 for entry in entries if entry.nationality is not None}
    countries.discard(None)
    countries.discard(incident.reporting_country_id)
    return countries


def _set_audience(incident: Incident, countries: dict[str, str]) -> None:
    existing = set(incident.audience.values_list("country_id", flat=True))
    IncidentAudience.objects.bulk_create(
        [
            IncidentAudience(incident=incident, country_id=code, reason=reason)
            for code, reason in countries.items()
            if code not in existing
        ]
    )


def _attach_party(incident: Incident, actor, entry: PartyEntry) -> Party:
    party = entry.party
    reported = entry.reported_name or (party.name if party else entry.data.name)
    if party is None:
        party = entity_services.party_register(actor=actor, data=entry.data)
    IncidentParty.objects.create(
        incident=incident,
        party=party,
        role=entry.role,
        reported_name=reported,
        nationality=entry.nationality,
    )
    entity_services.party_link(
        party=party,
        record_type=RECORD_TYPE,
        record_id=incident.pk,
        organisation=incident.reporting_organisation,
        audience=incident.distribution,
        role=entry.role,
        reported_name=reported,
    )
    return party


def _correlated_countries(incident: Incident, parties: list[Party]) -> set[str]:
    """Countries (other than the reporter's) that hold a party correlated with these."""
    ids = {p.pk for p in parties}
    if not ids:
        return set()
    correlations = Correlation.objects.filter(
        Q(party_a_id__in=ids) | Q(party_b_id__in=ids)
    ).exclude(status=CorrelationStatus.REJECTED)
    others = {c.party_b_id if c.party_a_id in ids else c.party_a_id for c in correlations}
    countries = set(
        Party.objects.filter(pk__in=others)
        .exclude(owner_country__isnull=True)
        .values_list("owner_country_id", flat=True)
    )
    # Countries that see a record the correlated party appears in hold it on file too.
    countries |= set(
        PartyLink.objects.filter(party_id__in=others).values_list("country_id", flat=True)
    )
    countries.discard(None)
    countries.discard(incident.reporting_country_id)
    return countries


def _sync_link_countries(incident: Incident) -> None:
    """The incident's party links carry the incident's audience, so the parties are seen by
    exactly those who see the incident."""
    links = list(PartyLink.objects.filter(record_type=RECORD_TYPE, record_id=str(incident.pk)))
    audience = list(incident.audience.values_list("country_id", flat=True))
    PartyLinkCountry.objects.bulk_create(
        [PartyLinkCountry(link=link, country_id=code) for link in links for code in audience],
        ignore_conflicts=True,
    )


def _raise_alerts(
    incident: Incident, data: IncidentInput, correlated: set[str], nationals: set[str]
) -> None:
    """One alert per country: named in a role, else naming its party or national, else
    holding a correlated party."""
    if incident.distribution not in (Audience.COUNTRIES_INVOLVED, Audience.ALL):
        return  # a record kept at home raises no alert abroad
    url = settings.SITE_URL.rstrip("/") + reverse("incidents:detail", args=[incident.pk])
    named = {country.iso3 for country, _role in data.countries} - {incident.reporting_country_id}
    reporter = incident.reporting_organisation
    # Raw values: the text is rendered in each reader's language (incidents/alerts.py).
    params = {
        "reference": incident.reference,
        "kind": incident.kind,
        "organisation": reporter.name,
        "date": incident.occurred_on.isoformat(),
    }
    for event, message_key, countries in (
        (incident_alerts.COUNTRY_NAMED, "incidents.country_named", named),
        (incident_alerts.NATIONAL_NAMED, "incidents.national_named", nationals - named),
        (
            incident_alerts.PARTY_CORRELATED,
            "incidents.party_correlated",
            correlated - named - nationals,
        ),
    ):
        if countries:
            alerts_raise(
                record_kind=RECORD_TYPE,
                event=event,
                country_codes=countries,
                message_key=message_key,
                params=params,
                record_id=incident.pk,
                url=url,
                sender_organisation=reporter,
            )


def incident_update(
    *, actor, incident: Incident, expected_version: int | None, **changes
) -> Incident:
    """The reporting organisation changes descriptive fields (version-checked)."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed({name: [_("This field cannot be changed.")] for name in unknown})
    require(actor, "incidents.incident_change", incident)
    raw = {**snapshot(incident, INCIDENT_FIELDS), **changes}
    raw["occurred_on"] = changes.get("occurred_on", incident.occurred_on)
    checked = validate_incident({k: raw.get(k) for k in (*EDITABLE, "distribution")})
    with versioned_change(
        incident,
        expected_version=expected_version,
        actor=actor,
        action="incidents.incident_updated",
        fields=INCIDENT_FIELDS,
    ) as change:
        for name in changes:
            setattr(change.record, name, getattr(checked, name))
    current = change.record
    return current


def incident_add_party(*, actor, incident: Incident, entry: PartyEntry) -> Incident:
    """Add a party to an incident already reported (the reporting organisation only)."""
    require(actor, "incidents.incident_change", incident)
    with transaction.atomic():
        party = _attach_party(incident, actor, entry)
        correlated = _correlated_countries(incident, [party])
        nationals = _national_countries(incident, [party], [entry])
        _widen_audience(incident, nationals=nationals, correlated=correlated)
        _sync_link_countries(incident)
        known = IncidentInput(
            kind=incident.kind, occurred_on=incident.occurred_on, distribution=incident.distribution
        )
        _raise_alerts(incident, known, correlated, nationals)
        Incident.objects.filter(pk=incident.pk).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        record_event(
            actor=actor,
            action="incidents.party_added",
            obj=incident,
            after={
                "party": party.pk,
                "role": entry.role,
                "nationality": entry.nationality.iso3 if entry.nationality else None,
                "correlated_countries": sorted(correlated),
                "national_countries": sorted(nationals),
            },
        )
    incident.refresh_from_db()
    return incident


# --- attachments ------------------------------------------------------------------------------


def incident_attach(*, actor, incident: Incident, name: str, content: bytes):
    """Attach a file to an incident (the reporting organisation): at most 10 MB, and only
    documents and images whose content matches their extension."""
    from django.core.files.base import ContentFile

    from drugcontrol.incidents.models import IncidentAttachment

    require(actor, "incidents.incident_change", incident)
    safe_name, content_type = check_attachment(name, content)
    with transaction.atomic():
        attachment = IncidentAttachment(
            incident=incident, name=safe_name, content_type=content_type, size=len(content)
        )
        attachment.file.save(safe_name, ContentFile(content), save=False)
        attachment.save()
        record_event(
            actor=actor,
            action="incidents.attachment_added",
            obj=incident,
            after={"attachment": attachment.pk, "name": safe_name, "size": len(content)},
        )
    return attachment
