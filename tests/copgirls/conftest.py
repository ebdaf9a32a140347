"""Fixtures for accounts, roles and invitations: people with roles, celebrations, TOTP."""

from __future__ import annotations

import datetime
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache

from copgirls.models import MemberState, Role, User
from copgirls.services import role_grant
from events.models import ActivityType, Event, EventFormat, OrganiserType

PASSWORD = "a-long-enough-password-2026"


@pytest.fixture
def empty_cache(db):
    """Rate limits live in the real cache (Redis or the database): start with none used."""
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def make_user(
    email: str,
    *,
    role: str | None = None,
    verified: bool = True,
    totp_secret: str | None = None,
    **scope,
) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0])
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    if totp_secret:
        TOTP.activate(user, totp_secret)
    if role:
        role_grant(user=user, role=role, **scope)
    return user


def make_event(state: MemberState, reference: str = "E-1", title: str | None = None) -> Event:
    return Event.objects.create(
        member_state=state,
        title=title or f"Girls in ICT Day {state.name} {reference}",
        organiser_reference=reference,
        city="Capital",
        organiser="Ministry of ICT",
        organiser_type=OrganiserType.GOVERNMENT,
        format=EventFormat.IN_PERSON,
        activity_type=ActivityType.WORKSHOP,
        start_date=datetime.date(2026, 4, 23),
        end_date=datetime.date(2026, 4, 23),
        expected_girls=40,
        status="published",
    )


@pytest.fixture
def kenya(db) -> MemberState:
    return MemberState.objects.select_related("region").get(iso2="KE")


@pytest.fixture
def france(db) -> MemberState:
    return MemberState.objects.select_related("region").get(iso2="FR")


@pytest.fixture
def event_ke(kenya) -> Event:
    return make_event(kenya, "KE-1", "Nairobi coding day")


@pytest.fixture
def event_fr(france) -> Event:
    return make_event(france, "FR-1", "Paris robotics day")


@pytest.fixture
def secretariat(db) -> User:
    return make_user("sec@itu.example", role=Role.SECRETARIAT, totp_secret=generate_totp_secret())


@pytest.fixture
def coordinator_ke(kenya) -> User:
    return make_user(
        "wanjiru@ke.example",
        role=Role.COORDINATOR,
        member_state=kenya,
        totp_secret=generate_totp_secret(),
    )


@pytest.fixture
def coordinator_fr(france) -> User:
    return make_user(
        "claire@fr.example",
        role=Role.COORDINATOR,
        member_state=france,
        totp_secret=generate_totp_secret(),
    )
