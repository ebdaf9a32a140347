"""Fixtures of the resolve-1 tests: an open cycle, a coordinator of Kenya, the officer of
Africa, the secretariat, and a helper that fills a whole self-assessment."""

from __future__ import annotations

import datetime

import pytest

from copgirls.models import MemberState, Role, RoleAssignment, User
from policies import services
from policies.models import CopArea, Level


def state(iso2: str) -> MemberState:
    return MemberState.objects.select_related("region").get(iso2=iso2)


def staff(email: str, role: str, **scope) -> User:
    user = User.objects.create_user(email, "x" * 12)
    RoleAssignment.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture(autouse=True)
def _mfa_not_required(settings):
    settings.MFA_REQUIRED = False


@pytest.fixture
def kenya(db):
    return state("KE")


@pytest.fixture
def coordinator(kenya):
    return staff("coordinator@ke.example", Role.COORDINATOR, member_state=kenya)


@pytest.fixture
def officer(kenya):
    return staff("officer@africa.example", Role.REGIONAL_OFFICER, region=kenya.region)


@pytest.fixture
def secretariat(db):
    return staff("secretariat@itu.example", Role.SECRETARIAT)


def open_cycle(code="2026-2027", start=datetime.date(2026, 1, 1), end=datetime.date(2027, 12, 31)):
    return services.cycle_open(
        actor=None,
        data={"code": code, "title": f"CWG-COP {code}", "starts_on": start, "ends_on": end},
    )


@pytest.fixture
def cycle(db):
    return open_cycle()


def strategy_of(member_state, *, status="adopted", year=2024, **extra):
    return services.instrument_create(
        actor=None,
        member_state=member_state,
        data={
            "kind": "strategy",
            "title": f"Stratégie nationale de protection en ligne ({member_state.iso2})",
            "title_en": f"National COP strategy of {member_state.name}",
            "status": status,
            "adoption_year": year,
            "areas": CopArea.objects.filter(code__in=["A03", "A09"]),
            **extra,
        },
    )


def fill(assessment, levels: dict[str, int], *, instrument=None, default=Level.NONE):
    """Give every area a level (``levels`` by area code, the rest ``default``)."""
    for area in CopArea.objects.all():
        level = levels.get(area.code, default)
        services.area_status_set(
            actor=None,
            assessment=assessment,
            area=area,
            level=level,
            instruments=[instrument] if level and instrument else [],
            note="" if (not level or instrument) else "Work in progress.",
        )


def accepted_assessment(member_state, cycle, levels, *, reviewer=None, instrument=None):
    assessment = services.self_assessment_start(actor=None, member_state=member_state, cycle=cycle)
    fill(assessment, levels, instrument=instrument)
    services.self_assessment_submit(actor=None, assessment=assessment)
    return services.self_assessment_review(actor=reviewer, assessment=assessment, accept=True)
