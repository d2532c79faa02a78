"""The precursors app's alert routes and messages (registered in PrecursorsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

from drugcontrol.core.alerts import AlertMessage, AlertRoute, as_choice, as_country, as_date
from drugcontrol.core.models import OrganisationKind, Role
from drugcontrol.precursors.models import ObjectionGround

NOTIFICATION = "precursors.notification"
SUSPICIOUS_ORDER = "precursors.suspiciousorder"
ANNUAL_REPORT = "precursors.annualreport"

# Notifications are the competent authority's business: its officers act on them, its focal
# points follow them; customs and police are not told.
_AUTHORITY = (OrganisationKind.COMPETENT_AUTHORITY,)
_HANDLERS = (Role.OFFICER, Role.FOCAL_POINT)
ROUTES = [
    AlertRoute(NOTIFICATION, "notification_received", _AUTHORITY, (*_HANDLERS, Role.ADMIN)),
    AlertRoute(NOTIFICATION, "notification_transit", _AUTHORITY, _HANDLERS),
    AlertRoute(NOTIFICATION, "notification_answered", _AUTHORITY, _HANDLERS),
    AlertRoute(NOTIFICATION, "notification_message", _AUTHORITY, _HANDLERS),
    # The secretariat's question goes to both authorities, its reminder to the importing
    # authority's handlers (those told of the notification when it arrived).
    AlertRoute(NOTIFICATION, "notification_question", _AUTHORITY, _HANDLERS),
    AlertRoute(NOTIFICATION, "notification_reminder", _AUTHORITY, (*_HANDLERS, Role.ADMIN)),
    AlertRoute(SUSPICIOUS_ORDER, "suspicious_order", _AUTHORITY, _HANDLERS),
    # Form D: the secretariat's officers hear of a submission, the reporting authority of
    # the decision on it.
    AlertRoute(
        ANNUAL_REPORT, "annual_report_submitted", (OrganisationKind.INTERNATIONAL,), _HANDLERS
    ),
    AlertRoute(ANNUAL_REPORT, "annual_report_decided", _AUTHORITY, (*_HANDLERS, Role.ADMIN)),
]

# Parameters: reference; country (ISO3: the exporting country for the importer's and transit
# alerts, the importing country for the answer); deadline (ISO date); ground (ObjectionGround
# code); message (as typed); organisation (the reporting operator's name); year (of a
# Form D); comment (the secretariat's, as typed).
MESSAGES = {
    "precursors.notification_received": AlertMessage(
        title=_("Pre-export notification %(reference)s from %(country)s awaits your answer"),
        body=_("Answer by %(deadline)s."),
        formats={"country": as_country, "deadline": as_date},
    ),
    "precursors.notification_transit": AlertMessage(
        title=_("Pre-export notification %(reference)s names your country for transit"),
        body=_("From %(country)s; the importing country answers by %(deadline)s."),
        formats={"country": as_country, "deadline": as_date},
    ),
    "precursors.notification_cleared": AlertMessage(
        title=_("%(country)s cleared pre-export notification %(reference)s"),
        formats={"country": as_country},
    ),
    "precursors.notification_objected": AlertMessage(
        title=_("%(country)s objected to pre-export notification %(reference)s"),
        body=_("Ground: %(ground)s"),
        formats={"country": as_country, "ground": as_choice(ObjectionGround)},
    ),
    "precursors.notification_message": AlertMessage(
        title=_("New message on pre-export notification %(reference)s"),
        body="%(message)s",  # as the other authority wrote it
    ),
    "precursors.notification_question": AlertMessage(
        title=_("The secretariat asks about pre-export notification %(reference)s"),
        body="%(message)s",  # as the secretariat wrote it
    ),
    "precursors.notification_reminder": AlertMessage(
        title=_("Reminder: pre-export notification %(reference)s awaits your answer"),
        body=_("The reply deadline was %(deadline)s. %(message)s"),
        formats={"deadline": as_date},
    ),
    "precursors.suspicious_order": AlertMessage(
        title=_("%(organisation)s reported suspicious order %(reference)s"),
    ),
    "precursors.annual_report_submitted": AlertMessage(
        title=_("%(country)s submitted its Form D for %(year)s"),
        formats={"country": as_country},
    ),
    "precursors.annual_report_accepted": AlertMessage(
        title=_("The secretariat accepted your Form D for %(year)s"),
    ),
    "precursors.annual_report_returned": AlertMessage(
        title=_("The secretariat returned your Form D for %(year)s for correction"),
        body="%(comment)s",  # as the secretariat wrote it
    ),
}
