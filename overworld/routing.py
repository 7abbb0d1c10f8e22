"""The API's routes: each answers with or without its trailing slash."""

from django.urls import URLPattern, re_path


def route(pattern: str, view, name: str | None = None) -> URLPattern:
    """
    `view` (an APIView class) at `pattern`, a regular expression of the path without its anchors and
    trailing slash, which the route answers with or without: a client that drops the slash gets the
    same answer, not a redirect that loses its POST body (APPEND_SLASH would send one).
    """
    return re_path(rf"^{pattern}/?$", view.as_view(), name=name)
