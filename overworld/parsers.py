"""
The API's parsers: DRF's JSON parser refusing documents nested deeper than any request needs, and a
parser of a body that is a whole image.
"""

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, DataAndFiles

# The deepest request body of the API is 3 levels (a journal entry's `game` object); a client's own
# extra nesting is tolerated up to this. Python's decoder fails with RecursionError near 1,000 levels.
MAX_JSON_DEPTH = 32
TOO_DEEP = f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."


def _deeper_than(data, limit: int) -> bool:
    """Whether arrays and objects in `data` nest more than `limit` levels (iteratively: no recursion)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(TOO_DEEP) from error
        if _deeper_than(data, MAX_JSON_DEPTH):
            raise ParseError(TOO_DEEP)
        return data


class ImageBodyParser(BaseParser):
    """
    A request whose whole body is an image (`Content-Type: image/png`, ...), as an uploaded file of that
    content type under the view's `body_file_field` ("file" by default), as a multipart form's file would
    be. Reads at most one byte more than the view's `request_body_limit`, so that whoever checks the size
    sees it exceeded.
    """

    media_type = "image/*"

    def parse(self, stream, media_type=None, parser_context=None):
        view = (parser_context or {}).get("view")
        limit = getattr(view, "request_body_limit", None) or settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        content = stream.read(limit + 1) if stream is not None else b""
        field = getattr(view, "body_file_field", "file")
        upload = SimpleUploadedFile(field, content, content_type=(media_type or "").split(";")[0].strip())
        return DataAndFiles({}, {field: upload})
