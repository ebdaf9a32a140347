"""Fixtures of the API tests: staff with tokens, and a client that sends one."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from api.models import TokenScope
from api.tokens import token_create
from copgirls.models import Role
from tests.events.conftest import make_event, make_session, make_user  # noqa: F401

ALL_SCOPES = TokenScope.values


class ApiClient:
    """Sends JSON with ``Authorization: Bearer <token>`` and no session."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, headers={**self.headers, **headers})

    def send(self, method, path, body=None, **headers):
        raw = body if isinstance(body, bytes | str) else json.dumps(body)
        return getattr(self.client, method)(
            path, raw, content_type="application/json", headers={**self.headers, **headers}
        )

    def post(self, path, body=None, **headers):
        return self.send("post", path, body, **headers)

    def patch(self, path, body=None, **headers):
        return self.send("patch", path, body, **headers)


def api_for(user, scopes=ALL_SCOPES, days=30) -> tuple[ApiClient, str]:
    _, text = token_create(user=user, name="tests", scopes=scopes, days=days)
    return ApiClient(text), text


@pytest.fixture
def coordinator_ke(db):
    from copgirls.models import MemberState

    return make_user(Role.COORDINATOR, member_state=MemberState.objects.get(iso2="KE"))


@pytest.fixture
def api_ke(coordinator_ke):
    return api_for(coordinator_ke)[0]


@pytest.fixture(autouse=True)
def _mfa_not_required(settings):
    """The token page is a staff page; the MFA gate has its own tests (tests/copgirls)."""
    settings.MFA_REQUIRED = False
