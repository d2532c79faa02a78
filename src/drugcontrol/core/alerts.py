"""Alerts: written by the module that raises them (inside its transaction), e-mailed after
commit through the background queue, read and acknowledged in the inbox."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import PermissionDenied, ValidationFailed
from drugcontrol.core.models import Alert, Country, Role, User

FOCAL_POINT_KINDS = ("competent_authority", "law_enforcement")


def focal_points(country_codes) -> list[User]:
    """The focal points (and administrators, who stand in for them) of national
    authorities and law enforcement in these countries."""
    return list(
        User.objects.filter(
            is_active=True,
            organisation__is_active=True,
            organisation__country_id__in=list(country_codes),
            organisation__kind__in=FOCAL_POINT_KINDS,
            role__in=[Role.FOCAL_POINT],
        ).select_related("organisation")
    )


def alerts_raise(
    *,
    recipients,
    kind: str,
    title: str,
    body: str = "",
    record_type: str = "",
    record_id="",
    url: str = "",
    sender_organisation=None,
) -> list[Alert]:
    """Create alerts (inside the caller's transaction) and e-mail them after commit."""
    alerts = Alert.objects.bulk_create(
        [
            Alert(
                recipient=user,
                kind=kind,
                title=title[:300],
                body=body,
                record_type=record_type,
                record_id=str(record_id),
                url=url,
                sender_organisation=sender_organisation,
            )
            for user in {user.pk: user for user in recipients}.values()
        ]
    )
    addresses = sorted({a.recipient.email for a in alerts if a.recipient.email})
    if addresses:
        transaction.on_commit(lambda: _email(addresses, title, body, url))
    return alerts


def _email(addresses, title, body, url) -> None:
    from drugcontrol.core.tasks import send_email

    for address in addresses:
        send_email.enqueue(to=[address], subject=f"drugcontrol: {title}", body=f"{body}\n\n{url}")


def alert_broadcast(*, actor, title: str, body: str, country_codes=None) -> list[Alert]:
    """The international secretariat's special alert to chosen countries, or to all."""
    if not actor.is_international or actor.role not in (Role.FOCAL_POINT, Role.ADMIN):
        raise PermissionDenied(
            _("Only focal points and administrators of the secretariat broadcast alerts.")
        )
    errors = {}
    if not (title or "").strip():
        errors["title"] = [_("A title is required.")]
    codes = sorted({c.strip().upper() for c in (country_codes or []) if c.strip()})
    unknown = [c for c in codes if not Country.objects.filter(iso3=c).exists()]
    if unknown:
        errors["countries"] = [
            _("Unknown country codes: %(codes)s") % {"codes": ", ".join(unknown)}
        ]
    if errors:
        raise ValidationFailed(errors)
    if not codes:
        codes = list(
            User.objects.filter(organisation__country__isnull=False)
            .values_list("organisation__country_id", flat=True)
            .distinct()
        )
    with transaction.atomic():
        alerts = alerts_raise(
            recipients=focal_points(codes),
            kind="broadcast",
            title=title.strip(),
            body=(body or "").strip(),
            sender_organisation=actor.organisation,
        )
        record_event(
            actor=actor,
            action="alert.broadcast",
            object_type="core.alert",
            after={"title": title.strip(), "countries": codes, "recipients": len(alerts)},
        )
    return alerts


def alert_mark(*, actor, alert: Alert, acknowledge: bool = False) -> Alert:
    """The recipient reads (and may acknowledge) an alert."""
    if alert.recipient_id != actor.pk:
        raise PermissionDenied(_("This alert is not yours."))
    now = timezone.now()
    changed = []
    if alert.read_at is None:
        alert.read_at = now
        changed.append("read_at")
    if acknowledge and alert.acknowledged_at is None:
        alert.acknowledged_at = now
        changed.append("acknowledged_at")
    if changed:
        with transaction.atomic():
            alert.save(update_fields=changed)
            record_event(
                actor=actor,
                action="alert.acknowledged" if acknowledge else "alert.read",
                obj=alert,
                owner_organisation=actor.organisation,
            )
    return alert


def unread_count(user) -> int:
    return Alert.objects.filter(Q(recipient=user) & Q(read_at__isnull=True)).count()
