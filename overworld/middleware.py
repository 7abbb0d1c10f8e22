import logging
import re
import time
import uuid
from http import HTTPStatus

from django.conf import settings
from django.core.signals import request_finished
from django.http import JsonResponse
from django.utils.functional import SimpleLazyObject
from rest_framework.response import Response

from overworld.exceptions import dependency_unavailable, error_body, unavailable_dependency
from overworld.logs import current_request_id

# The codes of DRF's exceptions for the same statuses, so a client sees one code per kind of error.
_CODE_BY_STATUS = {
    HTTPStatus.BAD_REQUEST: "bad_request",
    HTTPStatus.FORBIDDEN: "permission_denied",
    HTTPStatus.NOT_FOUND: "not_found",
    HTTPStatus.METHOD_NOT_ALLOWED: "method_not_allowed",
    HTTPStatus.INTERNAL_SERVER_ERROR: "server_error",
}


def _code(status: HTTPStatus) -> str:
    return _CODE_BY_STATUS.get(status) or status.phrase.lower().replace(" ", "_").replace("-", "_")


class JsonErrorMiddleware:
    """
    Turns Django's HTML error pages (unknown URL, unhandled exception, CSRF failure, ...) into JSON.

    Django answers these with HTML pages (its technical pages with DEBUG on), which clients of this
    API must never see. DRF's own
    responses are left alone (the browsable API renders its errors as HTML on purpose), and so is
    the admin, which is an HTML application.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and not isinstance(response, Response)
            and response.get("Content-Type", "").startswith("text/html")
            and not request.path.startswith("/admin/")
        ):
            status = HTTPStatus(response.status_code)
            detail = "Not found." if status == HTTPStatus.NOT_FOUND else f"{status.phrase}."
            return JsonResponse(error_body(detail, _code(status)), status=response.status_code)
        return response


class RequestSizeLimitMiddleware:
    """
    Refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE with 413 before anything reads it. (DRF's
    parsers read the stream themselves, so Django's own limit would not stop them.) A view that takes
    larger bodies (a picture upload) says how large in its class's `request_body_limit`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Django's as_view() sets view_class; DRF's views are class-based.
        view_class = getattr(view_func, "view_class", None)
        limit = getattr(view_class, "request_body_limit", None) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse(error_body("Invalid Content-Length header.", "bad_request"), status=400)
        if limit is not None and length > limit:
            return JsonResponse(
                error_body(f"Request body too large: the limit is {limit} bytes.", "request_too_large"),
                status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            )
        return None


class DependencyUnavailableMiddleware:
    """
    A view outside DRF (the admin, the browsable API's log-in) that fails because the database or the
    cache is down answers 503 JSON with Retry-After, as the API's views do (overworld.exceptions), rather
    than a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        dependency = unavailable_dependency(exception)
        if dependency is None:
            return None
        error = dependency_unavailable(dependency, exception)
        return JsonResponse(
            error_body(error.detail, error.detail.code),
            status=error.status_code,
            headers={"Retry-After": str(error.wait)},
        )


request_log = logging.getLogger("overworld.request")

REQUEST_ID_HEADER = "X-Request-ID"
# What a load balancer or a client may send as a request id (UUIDs, hex, base64, trace ids); anything
# else (too long, spaces, control characters) is replaced, so the log never carries it.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:=+/@-]{1,200}")


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and settings.SESSION_COOKIE_NAME not in request.COOKIES:
        # Django's lazy user, which no API view replaced (they set the user they authenticated), and
        # no session: anonymous. (With a session, the admin has read it already; else one query.)
        return None
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    """
    One line per request in the `overworld.request` log (INFO): method, path, status, duration in
    milliseconds, user id and request id. The request id is the caller's X-Request-ID (a load
    balancer's, say) when it looks like one, else a new one; it is `request.request_id` and goes back
    in the X-Request-ID response header, so a client's report can be matched with the log. Headers,
    query strings and bodies are never logged: they may carry tokens and passwords.

    First in MIDDLEWARE: the duration and the status are those the client gets. The request id is
    also `overworld.logs.current_request_id` from here until the response is closed (Django logs
    `django.request` lines after the middleware returns), so every line of the request names it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request.request_id = offered if _REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
        current_request_id.set(request.request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request.request_id
        request_log.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _user_id(request),
                    "request_id": request.request_id,
                }
            },
        )
        return response


def _forget_request_id(**kwargs) -> None:
    # The response is closed: later lines of this worker belong to no request, or to the next one.
    current_request_id.set(None)


request_finished.connect(_forget_request_id, dispatch_uid="overworld.middleware.forget_request_id")
