"""What is on file for a country's Form D draft, read through the visibility rules of the
records it comes from, so a draft never holds what its author may not see:

- seizures: incidents the country reported (seizures and illicit laboratories) in the
  calendar year, with their substances, grouped by substance, unit and country of origin;
  split by whether the substance is in Table I or II of the 1988 Convention (section 1)
  or a chemical no convention lists (section 2; also a row linked to a chemical of the
  special surveillance list when it was reported, and a description that names one, for
  rows reported before the chemical was on the list). Narcotic drugs and psychotropic
  substances belong to other returns and are left out;
- methods: the concealment methods and modus operandi of those incidents, grouped by
  text, citing their references;
- stopped shipments: notifications the country objected to, and notifications from or to
  the country whose shipment was seized or stopped, answered or closed in the year; and
  the stopped or suspended shipments the country reported as incidents;
- licit trade: cleared and shipped notifications exported or imported by the country for
  dispatch in the year, kilograms of the pure substance per substance and partner;
- requirements: the country's legitimate requirements for the year.

A read module: the service (`services/annual_reports.py`) writes what it returns."""

import datetime
import decimal
from collections import Counter, defaultdict

from django.db.models import Q, Sum
from django.utils import timezone

from drugcontrol.core.quantities import MASS_UNITS, VOLUME_IN_L, VOLUME_UNITS, to_kg
from drugcontrol.core.visibility import visible
from drugcontrol.incidents.models import Incident, IncidentCountry, IncidentKind, IncidentSubstance
from drugcontrol.precursors.models import (
    FormDSection,
    FormDUnit,
    LegitimateRequirement,
    Notification,
    NotificationLine,
    Outcome,
    Status,
    StopReason,
    TradeDirection,
)
from drugcontrol.substances.models import Listing, SurveillanceChemical

SEIZURE_KINDS = (IncidentKind.SEIZURE, IncidentKind.ILLICIT_LABORATORY)
STOPPED_KINDS = (IncidentKind.STOPPED_SHIPMENT, IncidentKind.SUSPENDED_SHIPMENT)
TRADED = (Status.CLEARED, Status.SHIPPED)
MAX_METHOD_ROWS = 100  # the most frequent methods; the rest are counted in the last row
MAX_REFERENCES = 300  # characters of references a row cites
QUANTUM = decimal.Decimal("0.001")


def scheduled_substance_ids() -> set[int]:
    """Substances in Table I or II of the 1988 Convention (not removed)."""
    return set(
        Listing.objects.filter(
            instrument="1988", removed="", schedule__in=["Table I", "Table II"]
        ).values_list("substance_id", flat=True)
    )


def drug_substance_ids() -> set[int]:
    """Substances the 1961 or 1971 Conventions list: reported on other returns."""
    return set(
        Listing.objects.filter(instrument__in=["1961", "1971"], removed="").values_list(
            "substance_id", flat=True
        )
    )


def _year_range(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _moments(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    start, end = _year_range(year)
    return (
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        timezone.make_aware(datetime.datetime.combine(end, datetime.time.max)),
    )


def _measured(quantity, unit) -> tuple[decimal.Decimal | None, str]:
    """(quantity, "kg" or "l"): weights in kilograms, volumes in litres; (None, "") when
    the quantity is a count (tablets, units) or not given."""
    if quantity is None or not unit:
        return None, ""
    if unit in MASS_UNITS:
        return to_kg(quantity, unit), FormDUnit.KG
    if unit in VOLUME_UNITS:
        return quantity * VOLUME_IN_L[unit], FormDUnit.L
    return None, ""


def _references(references) -> str:
    text = ""
    for reference in sorted(set(references)):
        candidate = f"{text}, {reference}" if text else reference
        if len(candidate) > MAX_REFERENCES - 5:
            return f"{text}, …"
        text = candidate
    return text


def _origins(incident_ids) -> dict[int, str]:
    """Each incident's country of origin (else of departure), where it names one."""
    found: dict[int, str] = {}
    rows = IncidentCountry.objects.filter(
        incident_id__in=incident_ids, role__in=("origin", "departure")
    ).values_list("incident_id", "role", "country_id", "sequence")
    for incident_id, _role, country, _sequence in sorted(
        rows, key=lambda r: (r[0], r[1] != "origin", r[3])
    ):
        found.setdefault(incident_id, country)
    return found


def _seizures(user, country: str, year: int) -> list[dict]:
    start, end = _year_range(year)
    incidents = visible(Incident, user).filter(
        reporting_country_id=country, occurred_on__range=(start, end), kind__in=SEIZURE_KINDS
    )
    items = list(
        IncidentSubstance.objects.filter(incident__in=incidents).values_list(
            "incident_id",
            "incident__reference",
            "substance_id",
            "substance__name_en",
            "description",
            "quantity",
            "unit",
            "surveillance_chemical_id",
            "surveillance_chemical__name",
        )
    )
    scheduled, drugs = scheduled_substance_ids(), drug_substance_ids()
    watched = {
        name.casefold(): (pk, name, substance)
        for pk, name, substance in SurveillanceChemical.objects.values_list(
            "pk", "name", "substance_id"
        )
    }
    watched_substance = {substance: (pk, name) for pk, name, substance in watched.values()}
    origins = _origins({item[0] for item in items})
    groups: dict[tuple, dict] = {}
    for incident_id, reference, substance, name, description, quantity, unit, *linked in items:
        chemical = None
        if substance in scheduled:
            section = FormDSection.SCHEDULED_SEIZURES
        elif linked[0] is not None:  # linked to the surveillance list when reported
            section = FormDSection.OTHER_SEIZURES
            chemical = (linked[0], linked[1])
            name = name or linked[1]
        elif substance is not None and substance not in drugs:
            section = FormDSection.OTHER_SEIZURES
            chemical = watched_substance.get(substance)
        elif substance is None and (description or "").strip().casefold() in watched:
            section = FormDSection.OTHER_SEIZURES
            pk, listed_name, substance = watched[description.strip().casefold()]
            chemical, name = (pk, listed_name), listed_name
        else:
            continue  # a drug, or an unidentified description: not Form D's
        amount, measure = _measured(quantity, unit)
        origin = origins.get(incident_id, "")
        key = (section, substance, chemical[0] if chemical else None, measure, origin)
        group = groups.setdefault(
            key,
            {
                "section": section,
                "substance_id": substance if section == FormDSection.SCHEDULED_SEIZURES else None,
                "chemical_name": name if section == FormDSection.OTHER_SEIZURES else "",
                "surveillance_chemical_id": chemical[0] if chemical else None,
                "quantity": None,
                "unit": measure,
                "incidents": set(),
                "country_id": origin or None,
                "references": [],
            },
        )
        if amount is not None:
            group["quantity"] = (group["quantity"] or 0) + amount
        group["incidents"].add(incident_id)
        group["references"].append(reference)
    rows = []
    for key, group in sorted(groups.items(), key=lambda item: [str(part) for part in item[0]]):
        section, substance, chemical, measure, origin = key
        rows.append(
            {
                "section": group["section"],
                "key": f"{section}:{substance or ''}:{chemical or ''}:{measure}:{origin}",
                "substance_id": group["substance_id"],
                "chemical_name": group["chemical_name"][:300],
                "surveillance_chemical_id": group["surveillance_chemical_id"],
                "quantity": _rounded(group["quantity"]),
                "unit": group["unit"],
                "count": len(group["incidents"]),
                "country_id": group["country_id"],
                "reference": _references(group["references"]),
            }
        )
    return rows


def _rounded(quantity) -> decimal.Decimal | None:
    return None if quantity is None else decimal.Decimal(quantity).quantize(QUANTUM)


def _methods(user, country: str, year: int) -> list[dict]:
    start, end = _year_range(year)
    incidents = visible(Incident, user).filter(
        reporting_country_id=country, occurred_on__range=(start, end)
    )
    cited: dict[str, list[str]] = defaultdict(list)
    for reference, concealment, modus in incidents.filter(
        ~Q(concealment="") | ~Q(modus_operandi="")
    ).values_list("reference", "concealment", "modus_operandi"):
        for text in (concealment, modus):
            text = " ".join((text or "").split())[:5000]
            if text:
                cited[text].append(reference)
    counts = Counter({text: len(set(references)) for text, references in cited.items()})
    rows = []
    for text, count in counts.most_common(MAX_METHOD_ROWS):
        rows.append(
            {
                "section": FormDSection.METHODS,
                "key": f"methods:{text[:180]}",
                "text": text,
                "count": count,
                "reference": _references(cited[text]),
            }
        )
    return rows


def _stopped(user, country: str, year: int) -> list[dict]:
    first, last = _moments(year)
    seen = visible(Notification, user)
    objected = Q(
        importing_country_id=country, status=Status.OBJECTED, answered_at__range=(first, last)
    )
    stopped = (Q(exporting_country_id=country) | Q(importing_country_id=country)) & Q(
        outcome__in=(Outcome.SEIZED, Outcome.STOPPED), outcome_at__range=(first, last)
    )
    rows = []
    lines = (
        NotificationLine.objects.filter(notification__in=seen.filter(objected | stopped))
        .select_related("notification", "surveillance_chemical")
        .order_by("notification__reference", "pk")
    )
    for line in lines:
        notification = line.notification
        reason = notification.outcome or notification.objection_ground or StopReason.OTHER
        rows.append(
            {
                "section": FormDSection.STOPPED,
                "key": f"stopped:notification:{line.pk}",
                "substance_id": line.substance_id,
                "chemical_name": line.surveillance_chemical.name
                if line.surveillance_chemical
                else "",
                "quantity": line.quantity_kg,
                "unit": FormDUnit.KG,
                "country_id": notification.exporting_country_id,
                "other_country_id": notification.importing_country_id,
                "reason": reason if reason in StopReason.values else StopReason.OTHER,
                "reference": notification.reference,
            }
        )
    start, end = _year_range(year)
    incidents = visible(Incident, user).filter(
        reporting_country_id=country, occurred_on__range=(start, end), kind__in=STOPPED_KINDS
    )
    items = IncidentSubstance.objects.filter(incident__in=incidents).values_list(
        "pk", "incident_id", "incident__reference", "substance_id", "substance__name_en",
        "description", "quantity", "unit",
    )  # fmt: skip
    items = list(items)
    places = defaultdict(dict)
    for incident_id, role, code in IncidentCountry.objects.filter(
        incident_id__in={item[1] for item in items}
    ).values_list("incident_id", "role", "country_id"):
        places[incident_id].setdefault(role, code)
    scheduled = scheduled_substance_ids()
    for pk, incident_id, reference, substance, name, description, quantity, unit in items:
        amount, measure = _measured(quantity, unit)
        where = places[incident_id]
        rows.append(
            {
                "section": FormDSection.STOPPED,
                "key": f"stopped:incident:{pk}",
                "substance_id": substance if substance in scheduled else None,
                "chemical_name": "" if substance in scheduled else (name or description)[:300],
                "quantity": _rounded(amount),
                "unit": measure,
                "country_id": where.get("origin") or where.get("departure"),
                "other_country_id": where.get("destination"),
                "reason": StopReason.STOPPED,
                "reference": reference,
            }
        )
    return rows


def _trade(user, country: str, year: int) -> list[dict]:
    scheduled = scheduled_substance_ids()
    seen = (
        visible(Notification, user)
        .filter(status__in=TRADED)
        .exclude(outcome__in=(Outcome.SEIZED, Outcome.STOPPED))
    )
    rows = []
    for direction, own, partner in (
        (TradeDirection.IMPORT, "importing_country_id", "notification__exporting_country_id"),
        (TradeDirection.EXPORT, "notification__exporting_country_id", "importing_country_id"),
    ):
        totals = (
            NotificationLine.objects.filter(
                notification__in=seen, year=year, substance_id__in=scheduled, **{own: country}
            )
            .values_list("substance_id", partner)
            .annotate(total=Sum("quantity_kg"))
            .order_by("substance_id", partner)
        )
        for substance, partner_code, total in totals:
            rows.append(
                {
                    "section": FormDSection.TRADE,
                    "key": f"trade:{direction}:{substance}:{partner_code}",
                    "substance_id": substance,
                    "direction": direction,
                    "country_id": partner_code,
                    "quantity": _rounded(total),
                    "unit": FormDUnit.KG,
                }
            )
    return rows


def _requirements(user, country: str, year: int) -> list[dict]:
    requirements = (
        visible(LegitimateRequirement, user)
        .filter(country_id=country, year=year)
        .order_by("substance__name_en", "form")
    )
    return [
        {
            "section": FormDSection.REQUIREMENTS,
            "key": f"requirements:{substance}:{form}",
            "substance_id": substance,
            "is_preparation": form == "preparations",
            "quantity": quantity,
            "unit": FormDUnit.KG,
        }
        for substance, form, quantity in requirements.values_list(
            "substance_id", "form", "quantity_kg"
        )
    ]


def form_d_figures(*, user, country: str, year: int) -> list[dict]:
    """The generated rows of a country's Form D for a year, section by section: dicts of
    the row's columns (`substance_id`, `country_id`, ...) with the `section` and the `key`
    each row is generated under. Only records `user` may see are read."""
    return [
        *_seizures(user, country, year),
        *_methods(user, country, year),
        *_stopped(user, country, year),
        *_trade(user, country, year),
        *_requirements(user, country, year),
    ]
