"""Serves uploaded files (profile pictures) from MEDIA_ROOT while SERVE_MEDIA is on (by default: DEBUG)."""

from django.conf import settings
from django.http import Http404
from django.utils.cache import patch_cache_control
from django.views.static import serve

# Names are random and never reused (users/avatars.py): a file may be kept by any cache for good.
ONE_YEAR = 365 * 24 * 60 * 60


def media_serve(request, path: str):
    if not settings.SERVE_MEDIA:
        raise Http404(path)
    # serve() refuses paths that leave MEDIA_ROOT and answers If-Modified-Since.
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    patch_cache_control(response, public=True, max_age=ONE_YEAR, immutable=True)
    return response
