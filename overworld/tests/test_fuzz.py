"""
Property-based fuzzing of the whole API against its own OpenAPI schema (schemathesis): generated
requests, valid and invalid, must never get a 5xx, and every response must match the schema.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from overworld.wsgi import application
from users import services

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

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


@pytest.fixture(autouse=True)
def _keep_the_test_database_connection():
    # Requests go through the real WSGI handler, which closes database connections as a request
    # ends; the test's connection holds its transaction, so keep it, as Django's test client does.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
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
def test_api_conforms_to_its_schema(case, user):
    # A fresh token for every example: a generated logout must not revoke the next example's.
    case.call_and_validate(
        headers={"Authorization": f"Token {services.token_create(user=user)}"}, checks=CHECKS
    )
