"""The API's JSON parser: DRF's, refusing documents nested deeper than any request of the API needs."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

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
