"""Fixtures of the events tests: staff with roles, celebrations, COP sessions."""

from __future__ import annotations

import datetime
import hashlib
import itertools

import pytest
from django.utils import timezone

from copgirls.closed_years import loading_history
from copgirls.models import AuditEntry, MemberState, Role, RoleAssignment, User
from events import services
from events.models import Attendance, CopModule, CopSession, Event

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _mfa_not_required(settings):
    """These tests are about celebrations; the MFA gate has its own (tests/copgirls/test_mfa.py)."""
    settings.MFA_REQUIRED = False


def make_user(role: str | None = None, **scope) -> User:
    user = User.objects.create_user(f"user{next(_counter)}@example.org", "a-long-password-1")
    if role:
        RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


def make_event(state: MemberState | str, **fields) -> Event:
    if isinstance(state, str):
        state = MemberState.objects.get(iso2=state)
    start = fields.pop("start_date", datetime.date(2026, 4, 23))
    values = {
        "title": f"Celebration {next(_counter)}",
        "organiser_reference": f"REF-{next(_counter)}",
        "city": "Capital",
        "organiser": "Ministry of ICT",
        "organiser_type": "government",
        "format": "in_person",
        "activity_type": "workshop",
        "start_date": start,
        "end_date": start,
        "expected_girls": 40,
        "status": "published",
    }
    values.update(fields)
    return Event.objects.create(member_state=state, **values)


def make_session(event: Event, module: CopModule | None = None, girls: int = 12) -> CopSession:
    """A COP session logged through the service (which keeps the event's session count);
    in a closed year as its history (the service refuses a closed year otherwise)."""
    module = module or CopModule.objects.order_by("position").first()
    with loading_history():
        return _log_session(event, module, girls)


def _log_session(event: Event, module: CopModule, girls: int) -> CopSession:
    return services.cop_session_log(
        actor=None,
        event=event,
        data={
            "module": module,
            "starts_at": timezone.make_aware(
                datetime.datetime.combine(event.start_date, datetime.time(10))
            ),
            "duration_minutes": 45,
            "delivery": "in_person",
            "language": "en",
            "guardian_consent_confirmed": True,
        },
        attendance={("13_18", "girl"): girls, ("13_18", "boy"): 3},
        confirm_over_attendance=True,
    )


def database_fingerprint() -> str:
    """A digest of every celebration, session and audit entry: equal means unchanged."""
    parts = [
        list(Event.objects.order_by("pk").values_list()),
        list(CopSession.objects.order_by("pk").values_list()),
        list(Attendance.objects.order_by("pk").values_list()),
        list(AuditEntry.objects.order_by("pk").values_list("pk", "action")),
        list(CopModule.objects.order_by("pk").values_list()),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@pytest.fixture
def kenya(db):
    return MemberState.objects.select_related("region").get(iso2="KE")


@pytest.fixture
def france(db):
    return MemberState.objects.select_related("region").get(iso2="FR")


@pytest.fixture
def coordinator(kenya):
    return make_user(Role.COORDINATOR, member_state=kenya)


@pytest.fixture
def coordinator_fr(france):
    return make_user(Role.COORDINATOR, member_state=france)


@pytest.fixture
def secretariat(db):
    return make_user(Role.SECRETARIAT)


@pytest.fixture
def officer(kenya):
    return make_user(Role.REGIONAL_OFFICER, region=kenya.region)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def secretariat_client(client, secretariat):
    client.force_login(secretariat)
    return client
