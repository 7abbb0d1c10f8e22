"""
One error contract for the whole API.

Services raise Django's `ValidationError` or one of the small domain errors below; this module maps
them onto DRF's error bodies, so no view builds an error response by hand. Django's own error views
(404, 500, ...) are turned into JSON by `overworld.middleware.JsonErrorMiddleware`.

Two shapes: field errors, `{"field": ["message", ...], "non_field_errors": [...]}` as the seed has them,
and every other error, `{"detail": "message", "code": "machine_readable"}`. The codes are DRF's own
(`not_authenticated`, `authentication_failed`, `permission_denied`, `not_found`, `throttled`,
`parse_error`, `method_not_allowed`, `unsupported_media_type`, ...) and this project's (`ERROR_CODES`),
so a client never has to match message text.
"""

import logging

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions
from rest_framework.fields import get_error_detail
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

# The project's own codes, beside DRF's; listed here so the API docs and the tests can name them all.
ERROR_CODES = {
    "email_not_verified": "The action needs a verified e-mail address (EMAIL_VERIFICATION_REQUIRED).",
    "login_locked": "Too many failed logins for this username from this client; retry after Retry-After.",
    "too_many_emails": "Too many e-mails were asked for this address; retry after Retry-After.",
    "bad_gateway": "IGDB answered something unusable.",
    "service_unavailable": "IGDB is unreachable, too slow or overloaded.",
    "database_unavailable": "The database is unavailable; retry after Retry-After.",
    "cache_unavailable": "The cache (Redis) is unavailable; retry after Retry-After.",
    "request_too_large": "The body is over the size limit.",
    "bad_request": "The request is malformed (a bad header, a host that is not served).",
    "server_error": "A bug: the server failed.",
}


class DomainError(Exception):
    """Base of the errors services raise for a rule that is not a field's validation."""


class NotFoundError(DomainError):
    """The named object does not exist (or is not visible to the caller)."""


class ForbiddenError(DomainError):
    """The caller is authenticated but may not do this."""

    def __init__(
        self,
        detail: str = "You do not have permission to perform this action.",
        code: str = "permission_denied",
    ):
        super().__init__(detail)
        self.detail = detail
        self.code = code


class TooManyAttemptsError(DomainError):
    """A rule against guessing refuses the request for `retry_after` seconds (429 with Retry-After)."""

    def __init__(self, detail: str, retry_after: int, code: str = "throttled"):
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after
        self.code = code


class UpstreamError(DomainError):
    """A service this API depends on (IGDB) answered something unusable: 502 Bad Gateway."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class UpstreamUnavailableError(UpstreamError):
    """A service this API depends on cannot be reached, times out or is overloaded: 503, with Retry-After."""

    def __init__(self, detail: str, retry_after: int | None = None):
        super().__init__(detail)
        self.retry_after = retry_after


class BadGateway(exceptions.APIException):
    status_code = 502
    default_detail = "A service this API depends on answered badly."
    default_code = "bad_gateway"


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = "A service this API depends on is unavailable; try again later."
    default_code = "service_unavailable"

    def __init__(self, detail: str | None = None, wait: int | None = None, code: str | None = None):
        super().__init__(detail, code)
        # DRF's exception handler turns `wait` into a Retry-After header.
        self.wait = wait


def validation_error_detail(error: DjangoValidationError) -> dict:
    """DRF's body for a Django ValidationError, keeping each message's code."""
    detail = get_error_detail(error)
    if not isinstance(detail, dict):
        return {api_settings.NON_FIELD_ERRORS_KEY: detail}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
        for field, messages in detail.items()
    }


def to_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(detail=validation_error_detail(exc))
    if isinstance(exc, (NotFoundError, Http404)):
        # DRF would echo Django's "No User matches the given query."; the contract says "Not found."
        return exceptions.NotFound()
    if isinstance(exc, ForbiddenError):
        return exceptions.PermissionDenied(exc.detail, code=exc.code)
    if isinstance(exc, TooManyAttemptsError):
        return exceptions.Throttled(wait=exc.retry_after, detail=exc.detail, code=exc.code)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, UpstreamUnavailableError):
        return ServiceUnavailable(exc.detail, wait=exc.retry_after)
    if isinstance(exc, UpstreamError):
        return BadGateway(exc.detail)
    dependency = unavailable_dependency(exc)
    if dependency is not None:
        return dependency_unavailable(dependency, exc)
    return exc


def exception_handler(exc, context):
    """DRF's answer, with the `code` of a `{"detail"}` error beside it (field errors keep their shape)."""
    exc = to_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and set(response.data) == {"detail"}:
        detail = exc.detail
        response.data["code"] = getattr(detail, "code", None) or exc.default_code
    return response


def error_body(detail: str, code: str) -> dict:
    """The body of a `{"detail"}` error for the places outside DRF (the middleware)."""
    return {"detail": detail, "code": code}


# --- The database or the cache (Redis) is down: 503 with Retry-After, never a 500 ---

# Seconds a client is asked to wait: a restarted PostgreSQL or Redis is usually back within that.
DEPENDENCY_RETRY_AFTER_SECONDS = 5

dependency_log = logging.getLogger("overworld.dependencies")


def unavailable_dependency(exc: BaseException) -> str | None:
    """
    "database" or "cache" when `exc` says that dependency cannot be reached (refused, dropped, timed
    out), else None. Django drops a connection that failed and opens a new one on the next request, and
    redis-py reconnects on the next command, so these answers stop by themselves once it is back.
    """
    if isinstance(exc, DatabaseOperationalError | DatabaseInterfaceError):
        return "database"
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        return "cache"
    return None


def dependency_unavailable(dependency: str, exc: BaseException) -> ServiceUnavailable:
    """The 503 for a dependency that is down, logged on one line (a driver's message may span several)."""
    dependency_log.warning(
        "%s unavailable: %s: %s", dependency, exc.__class__.__name__, " ".join(str(exc).split())
    )
    return ServiceUnavailable(
        f"The {dependency} is unavailable; try again shortly.",
        wait=DEPENDENCY_RETRY_AFTER_SECONDS,
        code=f"{dependency}_unavailable",
    )
