from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.parsers import BaseParser, DataAndFiles


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
