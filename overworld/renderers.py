"""
The API's JSON renderer: DRF's, which also sends an answer already encoded (a cached one) as it is.

A large answer served from a cache (the anonymous profile, users/profile.py) is stored as its
JSON bytes: a hit then costs reading them, not decoding a structure and encoding it again (for a
profile of 5,000 games, ~0.4 ms against ~12 ms of CPU).

Large answers are encoded with orjson, ~8 times faster than the standard library's encoder (a profile
of 5,000 games, 975 KB: 0.9 against 7.7 ms), into the bytes DRF's renderer would give.
"""

import json

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

# As DRF's encoder: datetimes, dates and times (and what orjson does not know) by its `default`;
# dictionary keys that are not strings (a histogram's numbers) as strings.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS
_drf_default = JSONEncoder().default


class EncodedJSON(bytes):
    """Data already encoded as `JSONRenderer` encodes it (compact, UTF-8), to be sent unchanged."""

    @classmethod
    def encode(cls, data) -> "EncodedJSON":
        try:
            encoded = orjson.dumps(data, default=_drf_default, option=_ORJSON_OPTIONS)
        except TypeError:
            # What orjson refuses (integers past 64 bits, ...) goes to DRF's renderer, whose answer or
            # error it is.
            return cls(JSONRenderer().render(data))
        # DRF escapes these two line terminators, which JavaScript string literals refuse.
        return cls(encoded.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029"))


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, EncodedJSON):
            if self.get_indent(accepted_media_type or "", renderer_context or {}) is None:
                return bytes(data)
            # Indented on request (`Accept: application/json; indent=4`, the browsable API).
            data = json.loads(data)
        return super().render(data, accepted_media_type, renderer_context)
