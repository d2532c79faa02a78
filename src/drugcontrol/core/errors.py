"""Errors that services raise and both the API and the pages turn into answers."""

from django.utils.translation import gettext_lazy as _


def error_body(code: str, message, details=None) -> dict:
    """The API's one error shape, for the API's handlers and the answers given before it."""
    return {"error": {"code": code, "message": str(message), "details": details or {}}}


class ServiceError(Exception):
    """Base class: a request that cannot be carried out as asked."""

    code = "invalid"
    status = 400

    def __init__(self, message, *, details=None):
        super().__init__(str(message))
        self.message = message
        self.details = details or {}

    def field_errors(self) -> dict[str, list[str]]:
        """Messages by field (nested report rows flattened to `row: field`); the message
        itself under `__all__` when no field is named."""
        errors: dict[str, list[str]] = {}
        for where, problems in self.details.items():
            if isinstance(problems, dict):
                for field, messages in problems.items():
                    errors[f"{where}: {field}"] = [str(m) for m in messages]
            elif isinstance(problems, list | tuple):
                errors[where] = [str(m) for m in problems]
        return errors or {"__all__": [str(self.message)]}

    def describe(self) -> str:
        """One line per field, for the command line and page messages."""
        lines = [str(self.message)]
        lines += [
            f"{where}: {'; '.join(messages)}"
            for where, messages in self.field_errors().items()
            if where != "__all__"
        ]
        return "\n".join(lines)


class ValidationFailed(ServiceError):
    """Bad input; `details` maps each field to its messages."""

    code = "validation_error"
    status = 422

    def __init__(self, details: dict, message=None):
        super().__init__(message or _("Some fields are not valid."), details=details)


class PermissionDenied(ServiceError):
    code = "permission_denied"
    status = 403


class SecondFactorRequired(ServiceError):
    """The caller is who they say, but their organisation requires a second factor they
    have not set up yet: the API answers 401 until they do."""

    code = "second_factor_required"
    status = 401


class Conflict(ServiceError):
    """The record changed since the caller read it (optimistic concurrency)."""

    code = "conflict"
    status = 409


def check_version(instance, expected_version: int | None) -> None:
    """Optimistic concurrency: the caller's `expected_version` must still be current."""
    if expected_version is not None and instance.version != expected_version:
        raise Conflict(
            _("This record was changed by someone else. Reload it and try again."),
            details={"current_version": instance.version},
        )
