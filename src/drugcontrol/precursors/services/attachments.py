"""Documents on a notification (an invoice, an import permit, an export authorization): the
exporting authority attaches them to its draft, the importing authority to its answer; the
file's size, type and name are checked as for incidents (`core.attachments`)."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from drugcontrol.core.attachments import check_attachment
from drugcontrol.core.audit import record_event
from drugcontrol.core.errors import ValidationFailed
from drugcontrol.core.permissions import require
from drugcontrol.precursors.models import AttachmentKind, Notification, NotificationAttachment
from drugcontrol.precursors.permissions import ATTACH


def notification_attach(
    *, actor, notification: Notification, kind: str, name: str, content: bytes
) -> NotificationAttachment:
    """Attach a file (at most 10 MB; PDF, images, XLSX, DOCX, CSV or text whose content
    matches its extension). One transaction, one audit event on the notification."""
    require(actor, ATTACH.name, notification)
    if kind not in AttachmentKind.values:
        raise ValidationFailed({"kind": [_("Choose the kind of document.")]})
    safe_name, content_type = check_attachment(name, content)
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        require(actor, ATTACH.name, locked)  # the status may have moved meanwhile
        attachment = NotificationAttachment(
            notification=locked,
            kind=kind,
            name=safe_name,
            content_type=content_type,
            size=len(content),
            organisation=actor.organisation,
            uploaded_by=actor,
        )
        attachment.file.save(safe_name, ContentFile(content), save=False)
        attachment.save()
        record_event(
            actor=actor,
            action="precursors.attachment_added",
            obj=locked,
            after={
                "attachment": attachment.pk,
                "kind": kind,
                "name": safe_name,
                "size": len(content),
            },
        )
    return attachment
