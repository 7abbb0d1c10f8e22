from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse
from rest_framework.response import Response


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
            return JsonResponse({"detail": detail}, status=response.status_code)
        return response


class RequestSizeLimitMiddleware:
    """
    Refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE with 413 before anything reads it. (DRF's
    parsers read the stream themselves, so Django's own limit would not stop them.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Invalid Content-Length header."}, status=400)
        if limit is not None and length > limit:
            return JsonResponse(
                {"detail": f"Request body too large: the limit is {limit} bytes."},
                status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            )
        return self.get_response(request)
