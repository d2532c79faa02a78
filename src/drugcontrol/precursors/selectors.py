"""Every read of the precursors app, through one visibility rule per record kind."""

import datetime
import statistics

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.countries import country_or_error
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.models import AuditEvent, Country, Organisation, OrganisationKind
from drugcontrol.core.permissions import can
from drugcontrol.core.visibility import get_visible_or_404, visibility_rule, visible
from drugcontrol.precursors import form_d, risk, workflow
from drugcontrol.precursors.models import (
    ANNUAL_REPORT_RECORD_TYPE,
    AWAITING_ANSWER,
    RECORD_TYPE,
    AnnualReport,
    AnnualReportRow,
    AnnualReportStatus,
    Finding,
    ImportingCountryPolicy,
    Invocation,
    LegitimateRequirement,
    Notification,
    NotificationAttachment,
    NotificationKind,
    NotificationLine,
    NotificationParty,
    NotificationTransit,
    Outcome,
    Severity,
    Status,
    SuspiciousOrder,
    overdue_q,
)
from drugcontrol.precursors.permissions import ORDER_READ, READ, REPORT_READ
from drugcontrol.substances import selectors as substance_selectors
from drugcontrol.substances.models import Listing, Substance

DEFAULT_REPLY_DAYS = 15


@visibility_rule(Notification)
def notifications_visible_to(queryset: QuerySet, user) -> QuerySet:
    """The exporting country's authorities (drafts included); once submitted, also the
    importing and transit countries' authorities and the secretariat. Transit countries
    and the secretariat read only (the services decide who may act). Law enforcement reads
    the same notifications only where its country's setting lets it (`READ`'s condition)."""
    if not can(user, READ.name):
        return queryset.none()
    if user.is_international:
        return queryset.exclude(status=Status.DRAFT)
    country = user.country_id
    transit = NotificationTransit.objects.filter(notification=OuterRef("pk"), country_id=country)
    return queryset.filter(
        Q(exporting_country_id=country)
        | (~Q(status=Status.DRAFT) & (Q(importing_country_id=country) | Exists(transit)))
    )


@visibility_rule(SuspiciousOrder)
def suspicious_orders_visible_to(queryset: QuerySet, user) -> QuerySet:
    """The reporting operator and its country's competent authority: a national matter
    until the authority turns it into an incident, which then follows the incident's own
    rule."""
    own = Q(reporting_organisation_id=user.organisation_id)
    if can(user, ORDER_READ.name):
        own |= Q(country_id=user.country_id)
    return queryset.filter(own)


@visibility_rule(AnnualReport)
def annual_reports_visible_to(queryset: QuerySet, user) -> QuerySet:
    """A Form D is its country's competent authorities' (every status); the secretariat
    reads it once it has been submitted (then also while it is returned for correction)."""
    if not can(user, REPORT_READ.name):
        return queryset.none()
    if user.is_international:
        return queryset.filter(submitted_at__isnull=False)
    return queryset.filter(country_id=user.country_id)


@visibility_rule(Invocation)
def invocations_visible_to(queryset: QuerySet, user) -> QuerySet:
    """Invocations, requirements and reply rules are published for every exporter."""
    return queryset


@visibility_rule(LegitimateRequirement)
def requirements_visible_to(queryset: QuerySet, user) -> QuerySet:
    return queryset


@visibility_rule(ImportingCountryPolicy)
def policies_visible_to(queryset: QuerySet, user) -> QuerySet:
    return queryset


# --- notifications ----------------------------------------------------------------------------


def _with_contents(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(
        "exporting_country", "importing_country", "exporting_authority"
    ).prefetch_related(
        Prefetch("transits", queryset=NotificationTransit.objects.order_by("sequence")),
        Prefetch(
            "lines",
            queryset=NotificationLine.objects.select_related("substance", "surveillance_chemical"),
        ),
    )


def notification_list(*, user, filters=None, **criteria) -> QuerySet:
    """The notifications `user` may see that match `filters` (a `NotificationFilter`, the
    list's one filter for page and API; or its fields given as keywords)."""
    from drugcontrol.precursors.filters import NotificationFilter

    if filters is None:
        filters = NotificationFilter(**criteria)
    queryset = filters.for_reader(user).filter(visible(Notification, user))
    return _with_contents(queryset).order_by("-created_at", "-pk")


def inbox(*, user) -> QuerySet:
    """Notifications awaiting the user's country's answer, the nearest deadline first."""
    if user.country_id is None:
        return Notification.objects.none()
    return _with_contents(
        visible(Notification, user).filter(
            importing_country_id=user.country_id, status__in=AWAITING_ANSWER
        )
    ).order_by("reply_deadline", "pk")


def notification_get(*, user, notification_id: int) -> Notification:
    return get_visible_or_404(
        _with_contents(Notification.objects.all()).prefetch_related(
            Prefetch(
                "parties", queryset=NotificationParty.objects.select_related("party__country")
            ),
            "messages__organisation",
            "messages__author",
            "findings",
            Prefetch(
                "attachments",
                queryset=NotificationAttachment.objects.select_related("organisation"),
            ),
        ),
        user,
        pk=notification_id,
    )


def allowed_actions(*, user, notification: Notification) -> set[str]:
    """What the user may do now, for the page's buttons and the API's `actions`: the rows
    of the workflow table (`precursors/workflow.py`) whose status and permission allow
    them, under their offered names (clear and object as `answer`). The services check both
    again."""
    return workflow.allowed(user, notification)


def _records_behind(user, items, *, counted: bool = True) -> dict[int, dict]:
    """For findings that rest on other records: what the user may see of those records,
    read in a few queries for any number of findings. A finding whose records the user may
    not see is not shown to them at all, so it cannot be used to probe a restricted record.
    `counted=False`: only which findings are shown (for a list's severity), so that a
    transit finding is settled by the first incident the user may see."""
    from drugcontrol.incidents.selectors import (
        visible_incident_counts,
        visible_incidents_exist,
        visible_incidents_naming,
    )

    flagged = [f for f in items if f.rule == "party_flagged" and "party" in f.facts]
    alike = risk.alike({f.facts["party"] for f in flagged})
    everyone = {other for scores in alike.values() for other in scores}
    incidents_of: dict[int, list[tuple[int, str]]] = {}
    for party_id, incident_id, reference in visible_incidents_naming(user=user, party_ids=everyone):
        incidents_of.setdefault(party_id, []).append((incident_id, reference))
    stopped_of: dict[int, list[tuple[int, int, str]]] = {}
    for party_id, notification_id, reference in NotificationParty.objects.filter(
        party_id__in=everyone,
        outcome__in=(Outcome.SEIZED, Outcome.STOPPED),
        notification__in=visible(Notification, user),
    ).values_list("party_id", "notification_id", "notification__reference"):
        stopped_of.setdefault(party_id, []).append((notification_id, reference))
    behind: dict[int, dict] = {}
    for finding in flagged:
        incidents: dict[int, tuple[str, int]] = {}
        stopped: dict[int, tuple[str, int]] = {}
        for other, score in alike.get(finding.facts["party"], {}).items():
            for pk, reference in incidents_of.get(other, ()):
                incidents[pk] = (reference, max(score, incidents.get(pk, ("", 0))[1]))
            for pk, reference in stopped_of.get(other, ()):
                if pk != finding.notification_id:
                    stopped[pk] = (reference, max(score, stopped.get(pk, ("", 0))[1]))
        if incidents or stopped:
            behind[finding.pk] = {
                "facts": {
                    **finding.facts,
                    "incident_count": len(incidents),
                    "notification_count": len(stopped),
                    "score": max(score for _ref, score in [*incidents.values(), *stopped.values()]),
                },
                "incidents": [(pk, incidents[pk][0]) for pk in sorted(incidents)[-risk.LISTED :]],
                "notifications": [(pk, stopped[pk][0]) for pk in sorted(stopped)[-risk.LISTED :]],
            }
    transit = [f for f in items if f.rule == "transit_incidents" and "country" in f.facts]
    wanted = []
    for finding in transit:
        notification = finding.notification
        substances = {line.substance_id for line in notification.lines.all() if line.substance_id}
        submitted = timezone.localdate(notification.submitted_at or finding.created_at)
        since = submitted - datetime.timedelta(days=risk.INCIDENT_WINDOW_DAYS)
        wanted.append((finding.facts["country"], substances, since))
    if counted:
        counts = visible_incident_counts(user=user, wanted=wanted)
        shown = [(f, {**f.facts, "count": n}) for f, n in zip(transit, counts, strict=True) if n]
    else:
        seen = visible_incidents_exist(user=user, wanted=wanted)
        shown = [(f, f.facts) for f, any_seen in zip(transit, seen, strict=True) if any_seen]
    for finding, facts in shown:
        behind[finding.pk] = {"facts": facts, "incidents": [], "notifications": []}
    return behind


def findings(*, user, notification: Notification) -> list[dict]:
    """The findings as sentences in the reader's language, each with its `id` (what a
    decision names as considered). Findings that rest on other records count and name only
    the records the reader may see."""
    items = list(notification.findings.all())
    for item in items:
        item.notification = notification
    behind = _records_behind(user, items)
    rows = []
    for finding in items:
        if finding.rule in risk.READER_DEPENDENT:
            if finding.pk not in behind:
                continue
            shown = behind[finding.pk]
        else:
            shown = {"facts": finding.facts, "incidents": [], "notifications": []}
        rows.append(
            {
                "id": finding.pk,
                "rule": finding.rule,
                "severity": finding.severity,
                "severity_label": finding.get_severity_display(),
                "text": risk.describe(finding.rule, shown["facts"]),
                "incidents": shown["incidents"],
                "notifications": shown["notifications"],
            }
        )
    return rows


def high_findings(rows: list[dict]) -> list[dict]:
    """Of the rows `findings` gave a reader, those of high severity: what clearing the
    shipment asks the importing authority to confirm it has considered."""
    return [row for row in rows if row["severity"] >= Severity.HIGH]


def with_reader_severity(*, user, notifications) -> list[Notification]:
    """Each notification with `reader_severity`: its highest finding as this reader may see
    it (the stored severity leaves out findings that rest on other records)."""
    notifications = list(notifications)
    by_pk = {notification.pk: notification for notification in notifications}
    dependent = list(
        Finding.objects.filter(notification__in=list(by_pk), rule__in=risk.READER_DEPENDENT)
    )
    for finding in dependent:
        finding.notification = by_pk[finding.notification_id]  # the page's rows, read once
    behind = _records_behind(user, dependent, counted=False) if dependent else {}
    shown: dict[int, list[int]] = {}
    for finding in dependent:
        if finding.pk in behind:
            shown.setdefault(finding.notification_id, []).append(finding.severity)
    for notification in notifications:
        notification.reader_severity = max(
            [notification.highest_severity, *shown.get(notification.pk, [])]
        )
    return notifications


def notification_timeline(*, user, notification: Notification, limit: int = 100):
    """The notification's history: every step of the exchange is seen by whoever sees the
    notification (it is the shared record of who did what when)."""
    events = list(
        AuditEvent.objects.filter(object_type=RECORD_TYPE, object_id=str(notification.pk)).order_by(
            "sequence"
        )[:limit]
    )
    for event in events:
        # When the step happened; for records imported from history that is not when the
        # event was recorded.
        stated = (event.after or {}).get("at")
        event.when = datetime.datetime.fromisoformat(stated) if stated else event.occurred_at
    return events


# --- reference ------------------------------------------------------------------------------


def country_for(code: str | None, field: str = "country") -> Country:
    """The country with this ISO alpha-3 code, or a validation error naming the field."""
    return country_or_error(code, field, message=_("Unknown country code."))


def substance_for(substance_id: int | None, field: str = "substance_id") -> Substance | None:
    """The registry substance with this id (None for none), or a validation error."""
    if substance_id is None:
        return None
    substance = Substance.objects.filter(pk=substance_id).first()
    if substance is None:
        raise ValidationFailed({field: [_("Unknown substance.")]})
    return substance


def is_scheduled(substance: Substance) -> bool:
    """In Table I or II of the 1988 Convention."""
    return Listing.objects.filter(
        substance=substance, instrument="1988", removed="", schedule__in=["Table I", "Table II"]
    ).exists()


def reply_terms(country_id: str) -> tuple[int, bool]:
    """The importing country's reply deadline in days and whether it requires explicit
    clearance (others: 15 days)."""
    policy = country_terms(country_id)
    return policy.reply_days, policy.explicit_clearance


def country_terms(country_id: str | None) -> ImportingCountryPolicy:
    """A country's terms and settings: reply days, explicit clearance, import permit,
    silence rule (as exporter), law-enforcement reading; an unsaved row of the defaults
    for a country that set none."""
    policy = ImportingCountryPolicy.objects.filter(country_id=country_id).first()
    return policy or ImportingCountryPolicy(country_id=country_id, reply_days=DEFAULT_REPLY_DAYS)


def attachment_get(*, notification: Notification, attachment_id: int) -> NotificationAttachment:
    """A document of a notification the reader sees (read through `notification_get`);
    another notification's document, or none, is a 404."""
    attachment = notification.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    return attachment


def attachment_list(*, notification: Notification) -> QuerySet:
    """The documents of a notification the reader sees, oldest first."""
    return notification.attachments.select_related("organisation").order_by("uploaded_at", "pk")


def importing_authority(country_id: str) -> Organisation | None:
    """The competent authority that answers for the importing country."""
    return (
        Organisation.objects.filter(
            country_id=country_id, kind=OrganisationKind.COMPETENT_AUTHORITY, is_active=True
        )
        .order_by("pk")
        .first()
    )


def invocation_list(*, user, country: str | None = None) -> QuerySet:
    """Invocations of article 12(10)(a), published to every signed-in user."""
    queryset = visible(Invocation, user).select_related("country", "substance")
    if country:
        queryset = queryset.filter(country_id=country.upper())
    return queryset.order_by("country_id", "scope", "pk")


def policy_list(*, user) -> QuerySet:
    return visible(ImportingCountryPolicy, user).select_related("country").order_by("country_id")


def requirement_list(
    *, user, country: str | None = None, substance_id: int | None = None, year: int | None = None
) -> QuerySet:
    queryset = visible(LegitimateRequirement, user).select_related("country", "substance")
    if country:
        queryset = queryset.filter(country_id=country.upper())
    if substance_id:
        queryset = queryset.filter(substance_id=substance_id)
    if year:
        queryset = queryset.filter(year=year)
    return queryset.order_by("country_id", "substance__name_en", "form", "-year")


def requirement_get(*, user, requirement_id: int) -> LegitimateRequirement:
    return get_visible_or_404(
        LegitimateRequirement.objects.select_related("country", "substance").prefetch_related(
            "revisions"
        ),
        user,
        pk=requirement_id,
    )


def surveillance_list(*, user) -> QuerySet:
    """The special surveillance list (substance reference data, with its own rule)."""
    return substance_selectors.surveillance_list(user=user)


def surveillance_readable(user) -> bool:
    return substance_selectors.surveillance_readable(user)


def suspicious_order_list(*, user) -> QuerySet:
    return (
        visible(SuspiciousOrder, user)
        .select_related("reporting_organisation", "substance", "customer_country")
        .order_by("-received_on", "-pk")
    )


def suspicious_order_get(*, user, order_id: int) -> SuspiciousOrder:
    return get_visible_or_404(
        SuspiciousOrder.objects.select_related(
            "reporting_organisation", "substance", "customer_country", "customer_party"
        ),
        user,
        pk=order_id,
    )


# --- response statistics ----------------------------------------------------------------------


def is_reader(user) -> bool:
    """Authorities and the secretariat: who reads notifications and response statistics."""
    return can(user, READ.name)


def _median_hours(queryset: QuerySet) -> dict[str, float]:
    """Median response time per importing country: in the database on PostgreSQL, over the
    sorted values elsewhere."""
    answered = queryset.filter(response_hours__isnull=False)
    if connection.vendor == "postgresql":
        inner = answered.values("importing_country_id", "response_hours").query
        inner_sql, inner_params = inner.sql_with_params()
        # The subquery is the ORM's own SQL; its parameters stay bound.
        sql = (
            "SELECT importing_country_id, "  # noqa: S608
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY response_hours) "
            f"FROM ({inner_sql}) AS answered GROUP BY importing_country_id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, inner_params)
            return {country: float(value) for country, value in cursor.fetchall()}
    values: dict[str, list[int]] = {}
    for country, hours in answered.values_list("importing_country_id", "response_hours"):
        values.setdefault(country, []).append(hours)
    return {country: float(statistics.median(hours)) for country, hours in values.items()}


def response_statistics(
    *,
    user,
    since: datetime.date,
    until: datetime.date,
    importing_country: str | None = None,
    kind: str | None = NotificationKind.SCHEDULED,
    today: datetime.date | None = None,
) -> list[dict]:
    """Per importing country, of the notifications submitted in [since, until]: how many
    were received, the share answered, the median days to answer, the share objected, how
    many were answered late and how many are overdue now. Figures about behaviour, not
    contents: every authority sees them for every country. `kind`: the mandatory exchange
    (`scheduled`, the default), voluntary PEN Light notifications (`light`), or both
    (None); PEN Light answers are voluntary, so they count only when asked for."""
    if not is_reader(user):
        return []
    today = today or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(until, datetime.time.max))
    queryset = Notification.objects.filter(submitted_at__range=(start, end))
    if importing_country:
        queryset = queryset.filter(importing_country_id=importing_country.upper())
    if kind:
        queryset = queryset.filter(kind=kind)
    rows = queryset.values("importing_country_id").annotate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(answered_at__isnull=False)),
        objected=Count("pk", filter=Q(status=Status.OBJECTED) | Q(objection_ground__gt="")),
        late=Count("pk", filter=Q(answered_late=True)),
        overdue=Count("pk", filter=overdue_q(today)),
    )
    medians = _median_hours(queryset)
    result = []
    for row in rows:
        code = row["importing_country_id"]
        received, answered = row["received"], row["answered"]
        median = medians.get(code)
        result.append(
            {
                "country": code,
                "received": received,
                "answered": answered,
                "answered_share": answered / received if received else 0.0,
                "median_days": round(median / 24, 1) if median is not None else None,
                "objected": row["objected"],
                "objected_share": row["objected"] / answered if answered else 0.0,
                "answered_late": row["late"],
                "overdue": row["overdue"],
            }
        )
    result.sort(key=lambda r: (-r["received"], r["country"]))
    return result


# --- Form D annual reports ----------------------------------------------------------------------


def annual_report_list(*, user, filters=None) -> QuerySet:
    """The Form D reports `user` may see, narrowed by the list's one filter (page and API)."""
    queryset = visible(AnnualReport, user).select_related("country", "submitted_by")
    if filters is not None:
        queryset = filters.filter(queryset)
    return queryset.order_by("-year", "country_id", "pk")


def annual_reports_awaiting_decision(*, user) -> QuerySet:
    """Reports submitted and neither accepted nor returned yet, the longest waiting first:
    the secretariat's queue (an authority sees its own country's only)."""
    return (
        visible(AnnualReport, user)
        .filter(status=AnnualReportStatus.SUBMITTED)
        .select_related("country")
        .order_by("submitted_at", "pk")
    )


def annual_reports_to_finish(*, user, year: int) -> list[dict]:
    """What the reader's country still has to do on Form D: its reports returned for
    correction (the oldest year first), then the report for `year` while it is a draft or
    not yet started (`report` None). Each row gives `year`, `state` (returned, draft,
    not_started) and `due` (`form_d.due_date`). Empty for the secretariat, which keeps no
    report of its own."""
    if not user.country_id:
        return []
    own = visible(AnnualReport, user).filter(country_id=user.country_id)
    rows = [
        {"report": report, "year": report.year, "state": report.status}
        for report in own.filter(status=AnnualReportStatus.RETURNED).order_by("year", "pk")
    ]
    current = own.filter(year=year).first()
    if current is None:
        rows.append({"report": None, "year": year, "state": "not_started"})
    elif current.status == AnnualReportStatus.DRAFT:
        rows.append({"report": current, "year": year, "state": current.status})
    for row in rows:
        row["due"] = form_d.due_date(row["year"])
    return rows


def annual_report_get(*, user, report_id: int) -> AnnualReport:
    return get_visible_or_404(
        AnnualReport.objects.select_related(
            "country", "submitted_by", "decided_by", "created_by"
        ).prefetch_related(
            Prefetch(
                "rows",
                queryset=AnnualReportRow.objects.select_related(
                    "substance", "surveillance_chemical", "country", "other_country"
                ).order_by("position", "pk"),
            )
        ),
        user,
        pk=report_id,
    )


def annual_report_submissions(*, report: AnnualReport) -> QuerySet:
    """Every version submitted, newest first (seen by whoever sees the report)."""
    return report.submissions.select_related("submitted_by", "decided_by").order_by("-number")


def annual_report_submission(*, report: AnnualReport, number: int):
    """One submitted version of a report the reader sees, or a 404."""
    submission = annual_report_submissions(report=report).filter(number=number).first()
    if submission is None:
        raise Http404
    return submission


def allowed_report_actions(*, user, report: AnnualReport) -> set[str]:
    """The rows of Form D's workflow table the user may take now (buttons and `actions`)."""
    return workflow.REPORTS.allowed(user, report)


def annual_report_timeline(*, report: AnnualReport, limit: int = 100):
    """The report's history (generated, changed, submitted, accepted, returned): seen by
    whoever sees the report."""
    return list(
        AuditEvent.objects.filter(
            object_type=ANNUAL_REPORT_RECORD_TYPE, object_id=str(report.pk)
        ).order_by("sequence")[:limit]
    )


def annual_report_export(*, report: AnnualReport, kind: str, version: int | None = None):
    """(file name, content) of a report as `kind` ("xlsx" or "csv"): its entries now, or
    those of a submitted version (a 404 for a version it does not have)."""
    if version is None:
        rows = [form_d.row_values(row) for row in report.rows.all()]
        status, suffix = report.status, ""
    else:
        submission = annual_report_submission(report=report, number=version)
        rows, status, suffix = submission.rows, submission.decision or "submitted", f"-v{version}"
    name = f"form-d-{report.country_id}-{report.year}{suffix}.{kind}"
    if kind == "csv":
        return name, form_d.export_csv(country=report.country_id, year=report.year, rows=rows)
    return name, form_d.export_xlsx(
        country=report.country_id,
        year=report.year,
        status=status,
        rows=rows,
        note=str(version or ""),
    )
