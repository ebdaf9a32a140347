"""schemathesis runs the OpenAPI schema against the running portal (a live server thread):
every operation, with generated valid and invalid input, must never answer 5xx and never
answer anything the schema does not describe (status, content type, body)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.throttling import OpenDataRateThrottle, TokenRateThrottle
from copgirls.models import Role
from tests.api.conftest import api_for
from tests.events.conftest import make_event, make_session, make_user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def fuzzed_portal(django_db_serialized_rollback, transactional_db, live_server, monkeypatch):
    """The live portal with a celebration, a session and a secretariat token; the fuzzer's
    hundreds of requests a minute would otherwise meet the rate limits first. The serialized
    rollback puts the reference data back afterwards as every transactional test does
    (tests/conftest.py), so the transactional tests after this one find the database as
    they expect it."""
    rates = {"token": "100000/min", "open_data": "100000/min"}
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", rates)
    monkeypatch.setattr(OpenDataRateThrottle, "THROTTLE_RATES", rates)
    event = make_event("KE")
    make_session(event)
    _, token = api_for(make_user(Role.SECRETARIAT))
    return live_server.url, token


def test_the_api_keeps_to_its_schema(fuzzed_portal):
    url, token = fuzzed_portal
    schema = schemathesis.openapi.from_url(f"{url}/api/v1/schema/?format=json")
    headers = {"Authorization": f"Bearer {token}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, [op.label for op in operations]
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def fuzz(case):
            case.call_and_validate(base_url=url, headers=headers, checks=CHECKS)

        try:
            fuzz()
        except Exception as exc:  # one operation's failure must not hide the others'
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
