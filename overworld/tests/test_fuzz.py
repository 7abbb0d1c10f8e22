"""
Property-based fuzzing of the whole API against its own OpenAPI schema (schemathesis): generated
requests, valid and invalid, must never get a 5xx, and every response must match the schema.

The schema is loaded when a test runs, not when tests are collected (every xdist worker collects the
whole suite), and its operations are split into shards: one test per shard, so that the workers share
them. Each shard runs all of schemathesis's phases (the schema's examples, the coverage cases: every
boundary and every kind of invalid input, then fuzzing) for each of its operations; a failure names the
operation and the request that reproduces it.
"""

import zlib

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.crypto import hash_token
from knox.models import AuthToken
from schemathesis import checks

from overworld.wsgi import application
from users import services

SHARDS = 6

# What the API promises: no 5xx, and only documented status codes, content types, headers and bodies.
# Error bodies are closed in the schema (additionalProperties: false), so an undeclared key fails too.
# (Not checked: that every out-of-schema input is refused; the API is lenient where DRF is, e.g. an
# invalid `page_size` falls back to the default page size.)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


def shard_of(label: str) -> int:
    """The shard of an operation ("POST /api/users/login/"): stable across processes and runs."""
    return zlib.crc32(label.encode()) % SHARDS


@pytest.fixture(scope="module", autouse=True)
def _keep_the_test_database_connection():
    # Requests go through the real WSGI handler, which closes database connections as a request
    # starts and ends; the test's connection holds its transaction, so keep it, as Django's test
    # client does (for the module: the schema is loaded before any test's database access).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def api_schema():
    # Loaded once a worker (building it costs half a second), not once a shard.
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def signed_in(user):
    """
    `signed_in()` is a valid token of `user`: the same from one example to the next (issuing one costs
    a few milliseconds, thousands of times), a new one once a generated request revoked it (a logout).
    """
    token = None

    def valid_token() -> str:
        nonlocal token
        if token is None or not AuthToken.objects.filter(digest=hash_token(token)).exists():
            token = services.token_create(user=user)
        return token

    return valid_token


def conformance_test(shard: int):
    """The test of the operations of one shard."""

    @pytest.mark.django_db
    @(
        schemathesis.pytest.from_fixture("api_schema")
        .include(lambda context: shard_of(context.operation.label) == shard)
        .parametrize()
    )
    @settings(
        max_examples=10,
        deadline=None,
        # The same examples on every run: CI is reproducible, and bounded in time.
        derandomize=True,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
        ],
    )
    def test_api_conforms_to_its_schema(case, signed_in):
        case.call_and_validate(headers={"Authorization": f"Token {signed_in()}"}, checks=CHECKS)

    return test_api_conforms_to_its_schema


# test_api_conforms_to_its_schema_0, _1, ...: one test a shard.
for _shard in range(SHARDS):
    globals()[f"test_api_conforms_to_its_schema_{_shard}"] = conformance_test(_shard)
