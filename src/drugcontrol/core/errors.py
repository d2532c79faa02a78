"""Errors that services raise and both the API and the pages turn into answers."""

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    """Base class: a request that cannot be carried out as asked."""

    code = "invalid"
    status = 400

    def __init__(self, message, *, details=None):
        super().__init__(str(message))
        self.message = message
        self.details = details or {}


class ValidationFailed(ServiceError):
    """Bad input; `details` maps each field to its messages."""

    code = "validation_error"
    status = 422

    def __init__(self, details: dict, message=None):
        super().__init__(message or _("Some fields are not valid."), details=details)


class PermissionDenied(ServiceError):
    code = "permission_denied"
    status = 403


class Conflict(ServiceError):
    """The record changed since the caller read it (optimistic concurrency)."""

    code = "conflict"
    status = 409
