"""
The API's JSON renderer: DRF's, which also sends an answer already encoded (a cached one) as it is.

A large answer served from a cache (the anonymous profile, users/profile_cache.py) is stored as its
JSON bytes: a hit then costs reading them, not decoding a structure and encoding it again (for a
profile of 5,000 games, ~0.4 ms against ~12 ms of CPU).
"""

import json

from rest_framework import renderers


class EncodedJSON(bytes):
    """Data already encoded by `JSONRenderer` (compact, UTF-8), to be sent unchanged."""

    @classmethod
    def encode(cls, data) -> "EncodedJSON":
        return cls(JSONRenderer().render(data))


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, EncodedJSON):
            if self.get_indent(accepted_media_type or "", renderer_context or {}) is None:
                return bytes(data)
            # Indented on request (`Accept: application/json; indent=4`, the browsable API).
            data = json.loads(data)
        return super().render(data, accepted_media_type, renderer_context)
