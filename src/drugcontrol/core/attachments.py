"""What a document attached to a record must be: at most 10 MB, a document or image whose
content matches its extension (PDF, PNG and JPEG by their first bytes, XLSX and DOCX as zip
files, CSV and text as UTF-8), under a name of at most 200 characters without its folders.

The rules of `incidents.services.incident_attach`, written once for the apps that attach
documents (precursors' notifications); the services call `check_attachment` before saving.
"""

from pathlib import PurePath

from django.utils.translation import gettext as _

from drugcontrol.core.errors import ValidationFailed

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_NAME = 200
# What a file must start with to be what it says it is (extension -> type, magic bytes).
ATTACHMENT_TYPES = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".csv": ("text/csv", ()),
    ".txt": ("text/plain", ()),
}
ACCEPT = ",".join(ATTACHMENT_TYPES)  # a file input's `accept`


def too_large(size: int) -> ValidationFailed | None:
    """The error for an upload over the limit, checked from its size before it is read."""
    if size > MAX_ATTACHMENT_BYTES:
        return ValidationFailed({"file": [_("The file is larger than 10 MB.")]})
    return None


def check_attachment(name: str, content: bytes, field: str = "file") -> tuple[str, str]:
    """(the name kept, the content type) of an acceptable file; else a 422 on `field`."""
    safe_name = PurePath((name or "").replace("\\", "/")).name.replace("\x00", "")[:MAX_NAME]
    extension = PurePath(safe_name).suffix.lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationFailed(
            {field: [_("Allowed: PDF, PNG, JPEG, XLSX, DOCX, CSV and text files.")]}
        )
    if not content:
        raise ValidationFailed({field: [_("The file is empty.")]})
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed({field: [_("The file is larger than 10 MB.")]})
    content_type, signatures = ATTACHMENT_TYPES[extension]
    if signatures and not content.startswith(signatures):
        raise ValidationFailed({field: [_("The file's content does not match its extension.")]})
    if not signatures:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailed({field: [_("A text file must be UTF-8.")]}) from None
    return safe_name, content_type
