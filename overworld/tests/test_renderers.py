"""Answers encoded ahead (overworld/renderers.py) are the bytes DRF's JSON renderer gives."""

import datetime
import decimal
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict

from overworld.renderers import EncodedJSON, JSONRenderer

SAMPLES = [
    {"username": "madeline", "bio": None, "following": [1, 2, 3], "average": 7.5, "verified": True},
    {"name": 'Ōkami 大神 — “quotes” \\ backslash " and \n newline', "emoji": "🎮"},
    {"line": "a\u2028b\u2029c"},  # escaped by DRF for JavaScript
    {"at": datetime.datetime(2026, 11, 22, 3, 4, 5, 123456, tzinfo=datetime.UTC)},
    {"at": datetime.datetime(2026, 11, 22, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))},
    {"on": datetime.date(2026, 11, 22), "time": datetime.time(10, 30)},
    {"id": uuid.UUID("12345678-1234-5678-1234-567812345678"), "price": decimal.Decimal("1.50")},
    {"histogram": {1: 0, 10: 4}, "lazy": gettext_lazy("Not found.")},
    ReturnDict({"nested": [{"a": []}, {}]}, serializer=None),
    [],
    {"big": 2**70},  # past orjson's 64 bits: DRF's encoder
]


@pytest.mark.parametrize("data", SAMPLES)
def test_the_same_bytes_as_drf(data):
    assert bytes(EncodedJSON.encode(data)) == DRFJSONRenderer().render(data)


def test_encoded_answers_are_sent_unchanged_unless_indented():
    encoded = EncodedJSON.encode({"a": [1, 2]})

    assert JSONRenderer().render(encoded, "application/json") == b'{"a":[1,2]}'
    assert (
        JSONRenderer().render(encoded, "application/json; indent=2") == b'{\n  "a": [\n    1,\n    2\n  ]\n}'
    )
    assert JSONRenderer().render({"a": 1}, "application/json") == b'{"a":1}'  # data as DRF's
