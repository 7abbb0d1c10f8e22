"""
One error contract for the whole API.

Services raise Django's `ValidationError` or one of the small domain errors below; this module maps
them onto DRF's error bodies, so no view builds an error response by hand. Django's own error views
(404, 500, ...) are turned into JSON by `overworld.middleware.JsonErrorMiddleware`.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """Base of the errors services raise for a rule that is not a field's validation."""


class NotFoundError(DomainError):
    """The named object does not exist (or is not visible to the caller)."""


class ForbiddenError(DomainError):
    """The caller is authenticated but may not do this."""

    def __init__(self, detail: str = "You do not have permission to perform this action."):
        super().__init__(detail)
        self.detail = detail


def validation_error_detail(error: DjangoValidationError) -> dict | list:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def to_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=validation_error_detail(exc))
    if isinstance(exc, (NotFoundError, Http404)):
        # DRF would echo Django's "No User matches the given query."; the contract says "Not found."
        return exceptions.NotFound()
    if isinstance(exc, ForbiddenError):
        return exceptions.PermissionDenied(exc.detail)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def exception_handler(exc, context):
    return drf_exception_handler(to_api_exception(exc), context)
