"""Risk findings on a submitted notification: each rule is a small function that returns
findings with a severity and the facts behind them; `describe` turns the facts into a
sentence in the reader's language. The rules are documented in docs/precursors.md."""

import datetime
import decimal
import statistics
from dataclasses import dataclass

from django.db.models import Prefetch, Q, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from drugcontrol.entities.models import Correlation, CorrelationStatus
from drugcontrol.precursors.models import (
    COUNTING,
    Invocation,
    InvocationScope,
    LegitimateRequirement,
    Notification,
    NotificationLine,
    NotificationParty,
    Outcome,
    PartyRole,
    RequirementForm,
    Severity,
    Status,
)
from drugcontrol.substances.models import Listing

RECORD_TYPE = "precursors.notification"
# Ephedrine, pseudoephedrine, P-2-P and 3,4-MDP-2-P: the substances whose annual legitimate
# requirements governments are asked to publish (Commission resolution 49/3).
REQUIREMENT_CAS = frozenset({"299-42-3", "90-82-4", "103-79-7", "4676-39-5"})
NEARLY_USED = decimal.Decimal("0.8")
UNUSUAL_FACTOR = 5
INCIDENT_WINDOW_DAYS = 365
LISTED = 20  # records a finding names (it counts them all)
# Rules whose findings rest on other records (incidents, other countries' notifications):
# each reader is shown them only as far as the records behind them are visible to that
# reader, so they are re-counted when read and left out of the stored highest severity.
READER_DEPENDENT = ("party_flagged", "transit_incidents")
SAME_PARTY_SCORE = 95  # correlation score above which two parties are taken for one


@dataclass
class Result:
    rule: str
    severity: int
    facts: dict


def _kg(value) -> str:
    return str(decimal.Decimal(value).quantize(decimal.Decimal("0.001")))


def _lines_by_substance(notification: Notification) -> dict[tuple, dict]:
    """This notification's pure-substance kilograms per (substance, form)."""
    totals: dict[tuple, dict] = {}
    for line in notification.lines.all():
        if line.substance_id is None:
            continue
        form = RequirementForm.PREPARATIONS if line.is_preparation else RequirementForm.SUBSTANCE
        entry = totals.setdefault(
            (line.substance_id, form),
            {"substance": line.substance, "kg": decimal.Decimal(0)},
        )
        entry["kg"] += line.quantity_kg
    return totals


def requirement(notification: Notification, today) -> list[Result]:
    """Cumulative exports to the importing country this year against its legitimate
    requirement; or no requirement on file for a substance that should have one."""
    results = []
    country = notification.importing_country_id
    for (substance_id, form), entry in _lines_by_substance(notification).items():
        year = notification.expected_dispatch.year
        substance = entry["substance"]
        on_file = LegitimateRequirement.objects.filter(
            country_id=country, substance_id=substance_id, form=form, year=year
        ).first()
        facts = {
            "substance": substance_id,
            "substance_name": substance.name_en,
            "substance_name_zh": substance.name_zh,
            "form": form,
            "year": year,
            "country": country,
            "this_kg": _kg(entry["kg"]),
        }
        if on_file is None:
            tracked = (
                substance.cas in REQUIREMENT_CAS
                or LegitimateRequirement.objects.filter(substance_id=substance_id).exists()
            )
            if tracked:
                results.append(Result("requirement_missing", Severity.MEDIUM, facts))
            continue
        earlier = (
            NotificationLine.objects.filter(
                importing_country_id=country,
                substance_id=substance_id,
                year=year,
                is_preparation=form == RequirementForm.PREPARATIONS,
                notification__status__in=COUNTING,
            )
            .exclude(notification=notification)
            .aggregate(total=Sum("quantity_kg"))["total"]
            or 0
        )
        total = earlier + entry["kg"]
        facts |= {
            "requirement_kg": _kg(on_file.quantity_kg),
            "earlier_kg": _kg(earlier),
            "total_kg": _kg(total),
            "updated_on": on_file.updated_on.isoformat(),
        }
        if total > on_file.quantity_kg:
            results.append(Result("requirement_exceeded", Severity.HIGH, facts))
        elif total > on_file.quantity_kg * NEARLY_USED:
            results.append(Result("requirement_nearly_used", Severity.LOW, facts))
    return results


def _importer(notification: Notification) -> NotificationParty | None:
    return next((p for p in notification.parties.all() if p.role == PartyRole.IMPORTER), None)


def unusual_quantity(notification: Notification, today) -> list[Result]:
    """A quantity more than five times the median of this importer's earlier notifications
    of the substance (at least three), or else of the route's (at least five)."""
    results = []
    importer = _importer(notification)
    earlier = NotificationLine.objects.exclude(notification=notification).exclude(
        notification__status=Status.DRAFT
    )
    for (substance_id, form), entry in _lines_by_substance(notification).items():
        same = earlier.filter(
            substance_id=substance_id, is_preparation=form == RequirementForm.PREPARATIONS
        )
        history, basis = [], ""
        if importer is not None:
            history = list(
                same.filter(
                    notification__parties__party_id=importer.party_id,
                    notification__parties__role=PartyRole.IMPORTER,
                )
                .order_by("-pk")
                .values_list("quantity_kg", flat=True)[:50]
            )
            basis = "importer"
        if len(history) < 3:
            history = list(
                same.filter(
                    importing_country_id=notification.importing_country_id,
                    notification__exporting_country_id=notification.exporting_country_id,
                )
                .order_by("-pk")
                .values_list("quantity_kg", flat=True)[:100]
            )
            basis = "route"
            if len(history) < 5:
                continue
        median = statistics.median(history)
        if median > 0 and entry["kg"] > median * UNUSUAL_FACTOR:
            results.append(
                Result(
                    "quantity_unusual",
                    Severity.MEDIUM,
                    {
                        "substance": substance_id,
                        "substance_name": entry["substance"].name_en,
                        "substance_name_zh": entry["substance"].name_zh,
                        "basis": basis,
                        "this_kg": _kg(entry["kg"]),
                        "median_kg": _kg(median),
                        "count": len(history),
                    },
                )
            )
    return results


def alike(party_ids) -> dict[int, dict[int, int]]:
    """For each party: itself and the parties the matching engine correlates with it (not
    rejected), with the best score. One query for all."""
    alike = {party_id: {party_id: 100} for party_id in party_ids}
    correlations = (
        Correlation.objects.filter(Q(party_a_id__in=alike) | Q(party_b_id__in=alike))
        .exclude(status__in=(CorrelationStatus.REJECTED, CorrelationStatus.WITHDRAWN))
        .values_list("party_a_id", "party_b_id", "score")
    )
    for a, b, score in correlations:
        for mine, other in ((a, b), (b, a)):
            if mine in alike:
                alike[mine][other] = max(alike[mine].get(other, 0), score)
    return alike


def _alike_of_parties(notification: Notification) -> dict[int, dict[int, int]]:
    """`alike` for the notification's parties, read once for all rules."""
    if not hasattr(notification, "_alike_cache"):
        notification._alike_cache = alike({item.party_id for item in notification.parties.all()})
    return notification._alike_cache


def correlated_party(notification: Notification, today) -> list[Result]:
    """A party that is, or resembles, one named in an incident or in a notification whose
    shipment was stopped or seized."""
    items = list(notification.parties.all())
    alike = _alike_of_parties(notification)
    everyone = {other for scores in alike.values() for other in scores}
    from drugcontrol.incidents.selectors import incidents_naming_parties

    incident_links: dict[int, set[int]] = {}
    for party_id, incident_id in incidents_naming_parties(party_ids=everyone):
        incident_links.setdefault(party_id, set()).add(incident_id)
    stopped_links: dict[int, set[int]] = {}
    for party_id, notification_id in (
        NotificationParty.objects.filter(
            party_id__in=everyone, outcome__in=(Outcome.SEIZED, Outcome.STOPPED)
        )
        .exclude(notification=notification)
        .values_list("party_id", "notification_id")
    ):
        stopped_links.setdefault(party_id, set()).add(notification_id)
    results = []
    for item in items:
        incidents: dict[int, int] = {}
        stopped: dict[int, int] = {}
        for other, score in alike[item.party_id].items():
            for record in incident_links.get(other, ()):
                incidents[record] = max(incidents.get(record, 0), score)
            for record in stopped_links.get(other, ()):
                stopped[record] = max(stopped.get(record, 0), score)
        if not incidents and not stopped:
            continue
        results.append(
            Result(
                "party_flagged",
                Severity.HIGH,
                {
                    "role": item.role,
                    "name": item.reported_name,
                    "party": item.party_id,
                    # The most recent records are named; all are counted.
                    "incidents": sorted(incidents)[-LISTED:],
                    "notifications": sorted(stopped)[-LISTED:],
                    "incident_count": len(incidents),
                    "notification_count": len(stopped),
                    "score": max([*incidents.values(), *stopped.values()]),
                },
            )
        )
    return results


def transit_incidents(notification: Notification, today) -> list[Result]:
    """Transit through a country with incidents involving one of the substances in the
    past year (incidents shared beyond their own country)."""
    from drugcontrol.incidents.selectors import shared_incident_counts

    transits = [transit.country_id for transit in notification.transits.all()]
    substances = {key[0] for key in _lines_by_substance(notification)}
    if not transits or not substances:
        return []
    since = today - datetime.timedelta(days=INCIDENT_WINDOW_DAYS)
    counts = shared_incident_counts(country_codes=transits, substance_ids=substances, since=since)
    return [
        Result("transit_incidents", Severity.MEDIUM, {"country": code, "count": counts[code]})
        for code in transits
        if counts.get(code)
    ]


def consignee_differs(notification: Notification, today) -> list[Result]:
    importer = _importer(notification)
    consignee = next((p for p in notification.parties.all() if p.role == PartyRole.CONSIGNEE), None)
    if importer is None or consignee is None or consignee.party_id == importer.party_id:
        return []
    return [
        Result(
            "consignee_differs",
            Severity.LOW,
            {"importer": importer.reported_name, "consignee": consignee.reported_name},
        )
    ]


def first_for_importer(notification: Notification, today) -> list[Result]:
    """No earlier notification names this importer, or a party near-identical to it (other
    countries register the same company as a party of their own)."""
    importer = _importer(notification)
    if importer is None:
        return []
    same = {
        other
        for other, score in _alike_of_parties(notification)[importer.party_id].items()
        if score >= SAME_PARTY_SCORE
    }
    earlier = (
        NotificationParty.objects.filter(party_id__in=same, role=PartyRole.IMPORTER)
        .exclude(notification=notification)
        .exclude(notification__status=Status.DRAFT)
    )
    if earlier.exists():
        return []
    return [Result("first_for_importer", Severity.LOW, {"importer": importer.reported_name})]


def invoked(country_id: str, substance_ids) -> bool:
    """Whether the importing country has asked to be notified of any of these substances."""
    tables = set(
        Listing.objects.filter(
            substance_id__in=substance_ids, instrument="1988", removed=""
        ).values_list("schedule", flat=True)
    )
    scopes = Q(scope=InvocationScope.ALL) | Q(
        scope=InvocationScope.SUBSTANCE, substance_id__in=substance_ids
    )
    if "Table I" in tables:
        scopes |= Q(scope=InvocationScope.TABLE_I)
    if "Table II" in tables:
        scopes |= Q(scope=InvocationScope.TABLE_II)
    return Invocation.objects.filter(scopes, country_id=country_id).exists()


def unanswered_last_time(notification: Notification, today) -> list[Result]:
    """The importing country asked to be notified but left the exporter's previous
    notification unanswered past its deadline."""
    substances = [key[0] for key in _lines_by_substance(notification)]
    if not substances:
        return []
    previous = (
        Notification.objects.filter(
            exporting_country_id=notification.exporting_country_id,
            importing_country_id=notification.importing_country_id,
            reply_deadline__lt=today,
        )
        .exclude(pk=notification.pk)
        .exclude(status__in=(Status.DRAFT, Status.WITHDRAWN))
        .order_by("-submitted_at")
        .first()
    )
    if previous is None:
        return []
    late = previous.answered_at is None or (
        timezone.localdate(previous.answered_at) > previous.reply_deadline
    )
    if not late or not invoked(notification.importing_country_id, substances):
        return []
    return [
        Result(
            "unanswered_last_time",
            Severity.LOW,
            {
                "reference": previous.reference,
                "deadline": previous.reply_deadline.isoformat(),
                "answered": previous.answered_at is not None,
            },
        )
    ]


RULES = (
    requirement,
    unusual_quantity,
    correlated_party,
    transit_incidents,
    consignee_differs,
    first_for_importer,
    unanswered_last_time,
)


def load(notification: Notification) -> Notification:
    """Read the notification's own rows once, for the submission checks and every rule."""
    prefetch_related_objects(
        [notification],
        Prefetch("lines", queryset=NotificationLine.objects.select_related("substance")),
        Prefetch("parties", queryset=NotificationParty.objects.select_related("party")),
        "transits",
    )
    return notification


def evaluate(notification: Notification, today=None) -> list[Result]:
    """Every rule's findings, as of `today` (the submission date)."""
    today = today or timezone.localdate()
    if "lines" not in getattr(notification, "_prefetched_objects_cache", {}):
        load(notification)
    results = []
    for rule in RULES:
        results.extend(rule(notification, today))
    return results


def _substance(facts: dict) -> str:
    from django.utils.translation import get_language

    if (get_language() or "").startswith("zh") and facts.get("substance_name_zh"):
        return facts["substance_name_zh"]
    return facts.get("substance_name", "")


def _number(value) -> str:
    return number_format(
        decimal.Decimal(value), decimal_pos=None, use_l10n=True, force_grouping=True
    )


def describe(rule: str, facts: dict) -> str:
    """The finding as one sentence in the active language."""
    values = {
        **facts,
        "substance_name": _substance(facts),
        **{k: _number(v) for k, v in facts.items() if k.endswith("_kg")},
    }
    form = (
        _("preparations of %(substance_name)s") % values
        if facts.get("form") == RequirementForm.PREPARATIONS
        else values["substance_name"]
    )
    values["what"] = form
    sentences = {
        "requirement_exceeded": _(
            "With this notification, exports of %(what)s to %(country)s in %(year)s reach "
            "%(total_kg)s kg (%(earlier_kg)s kg notified before, %(this_kg)s kg now), above "
            "the legitimate requirement of %(requirement_kg)s kg (updated %(updated_on)s)."
        ),
        "requirement_nearly_used": _(
            "With this notification, exports of %(what)s to %(country)s in %(year)s reach "
            "%(total_kg)s kg, more than 80 %% of the legitimate requirement of "
            "%(requirement_kg)s kg."
        ),
        "requirement_missing": _(
            "%(country)s has no legitimate requirement on file for %(what)s in %(year)s; "
            "this notification is for %(this_kg)s kg."
        ),
        "quantity_unusual": _(
            "%(this_kg)s kg of %(substance_name)s is more than five times the median "
            "(%(median_kg)s kg) of %(count)s earlier notifications %(basis_text)s."
        ),
        "party_flagged": _(
            "The %(role_text)s %(name)s is, or resembles (score %(score)s), a party named in "
            "%(incident_count)s incident(s) and %(notification_count)s stopped or seized "
            "shipment(s)."
        ),
        "transit_incidents": _(
            "Transit through %(country)s, where %(count)s incident(s) involving these "
            "substances were reported in the past year."
        ),
        "consignee_differs": _("The consignee (%(consignee)s) is not the importer (%(importer)s)."),
        "first_for_importer": _("First notification for the importer %(importer)s."),
        "unanswered_last_time": _(
            "The importing country asked to be notified, but left the previous notification "
            "(%(reference)s, deadline %(deadline)s) unanswered within the deadline."
        ),
    }
    if rule == "quantity_unusual":
        values["basis_text"] = (
            _("for this importer") if facts.get("basis") == "importer" else _("on this route")
        )
    if rule == "party_flagged":
        values["role_text"] = PartyRole(facts["role"]).label.lower()
        values["incident_count"] = facts.get("incident_count", len(facts.get("incidents", [])))
        values["notification_count"] = facts.get(
            "notification_count", len(facts.get("notifications", []))
        )
    template = sentences.get(rule)
    return template % values if template else rule
