"""
Keyset ("cursor") pagination for lists that grow while people read them.

A page ends at its last row; the `next` cursor carries that row's ordering values, and the next
page is the rows strictly after them. Rows inserted meanwhile, anywhere, neither repeat nor push
rows off a page, which offset pagination (and DRF's cursor pagination on a non-unique field) can
do. The ordering must end with a unique field (the id), so that every row has one place.
"""

import base64
import binascii
import datetime
import functools
import json
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as InvalidInput
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from overworld.schema import field_errors

CURSOR_PARAM = "cursor"
PAGE_SIZE_PARAM = "page_size"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class InvalidCursor(InvalidInput):
    def __init__(self):
        super().__init__({"cursor": ["Invalid cursor: take it from a `next` link."]})


def encode_cursor(values: list) -> str:
    """The cursor of a page that starts after the row whose ordering values are `values`."""
    plain = [value.isoformat() if isinstance(value, datetime.date) else value for value in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, count: int) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise InvalidCursor() from error
    if not isinstance(values, list) or len(values) != count:
        raise InvalidCursor()
    return values


class KeysetPagination(BasePagination):
    """Pages of `?page_size=` rows (20 by default, 100 at most) in `ordering`, e.g. ("-played_on", "-id")."""

    def __init__(self, ordering: Sequence[str]):
        self.ordering = list(ordering)

    def _fields(self) -> list[tuple[str, bool]]:
        return [(field.lstrip("-"), field.startswith("-")) for field in self.ordering]

    def page_size(self, request: Request) -> int:
        try:
            size = int(request.query_params.get(PAGE_SIZE_PARAM, DEFAULT_PAGE_SIZE))
        except ValueError:
            size = DEFAULT_PAGE_SIZE
        return max(1, min(size, MAX_PAGE_SIZE))

    def _after(self, values: list) -> Q:
        """Rows strictly after the row whose ordering values are `values`."""
        condition = Q()
        equal_so_far = Q()
        for (field, descending), value in zip(self._fields(), values, strict=True):
            beyond = Q(**{f"{field}__lt" if descending else f"{field}__gt": value})
            condition |= equal_so_far & beyond
            equal_so_far &= Q(**{field: value})
        return condition

    def position(self, request: Request) -> list | None:
        """
        The ordering values of the row the requested page starts after (its cursor's), or None on the
        first page; InvalidCursor for a cursor this paginator did not make. For a selector that must
        bound its own query by the page (the feed), before paginate_queryset.
        """
        cursor = request.query_params.get(CURSOR_PARAM)
        return _decode(cursor, len(self.ordering)) if cursor else None

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list:
        self.request = request
        queryset = queryset.order_by(*self.ordering)
        position = self.position(request)
        if position is not None:
            try:
                queryset = queryset.filter(self._after(position))
            except (TypeError, ValueError, ValidationError) as error:
                raise InvalidCursor() from error
        size = self.page_size(request)
        rows = list(queryset[: size + 1])
        self.has_next = len(rows) > size
        rows = rows[:size]
        self.last_values = [self._value(rows[-1], field) for field, _ in self._fields()] if rows else None
        return rows

    @staticmethod
    def _value(row, field: str):
        value = row
        for part in field.split("__"):
            value = getattr(value, part)
        return value

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR_PARAM, encode_cursor(self.last_values))

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "results": data})


@functools.cache
def paginated(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The OpenAPI shape of a keyset page of `serializer_class`, for extend_schema."""

    class Page(serializers.Serializer):
        next = serializers.URLField(allow_null=True, help_text="The next page, or null on the last one.")
        results = serializer_class(many=True)

    Page.__name__ = f"Paginated{serializer_class.__name__.removesuffix('Serializer')}List"
    return Page


# Every paged list answers this for a cursor it did not make.
INVALID_CURSOR = field_errors("InvalidCursor", ["cursor"])

KEYSET_PARAMETERS = [
    OpenApiParameter(
        CURSOR_PARAM, str, description="Where the page starts: take it from the previous page's `next` link."
    ),
    OpenApiParameter(
        PAGE_SIZE_PARAM,
        int,
        description=f"Rows per page ({DEFAULT_PAGE_SIZE} by default, {MAX_PAGE_SIZE} at most).",
    ),
]
