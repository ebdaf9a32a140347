"""The world the permission matrix walks: two member states in two regions, an actor per role.

State A (Kenya, Africa) and state B (France, Europe) each have a celebration with a COP
session. "own" objects belong to A's side, "other" objects to B's. Apps add their own
objects in ``build(world)`` of their rules module.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from copgirls.models import MemberState, Region, Role, RoleAssignment, User
from events.models import ActivityType, CopModule, Event, EventFormat, OrganiserType
from events.services import cop_session_log

ACTORS = [
    "anonymous",
    "participant",
    "facilitator_a",
    "facilitator_b",
    "coordinator_a",
    "coordinator_b",
    "officer_a",
    "officer_other",
    "secretariat",
]
PASSWORD = "matrix-password-2026"


@dataclass
class World:
    state_a: MemberState
    state_b: MemberState
    region_a: Region
    region_other: Region
    users: dict[str, User | None]
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Each actor's personal access token with every scope (the API's rules add them).
    tokens: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, own: Any, other: Any) -> None:
        self.objects[name] = {"own": own, "other": other}

    def get(self, name: str, side: str) -> Any:
        return self.objects[name][side]


def _event(state: MemberState, reference: str) -> Event:
    return Event.objects.create(
        member_state=state,
        title=f"Girls in ICT Day {state.name}",
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


def build_world() -> World:
    state_a = MemberState.objects.select_related("region").get(iso2="KE")
    state_b = MemberState.objects.select_related("region").get(iso2="FR")
    region_a, region_other = state_a.region, state_b.region
    event_a, event_b = _event(state_a, "A-1"), _event(state_b, "B-1")
    module = CopModule.objects.create(
        code="T01",
        slug="matrix-module",
        title="Matrix module",
        summary="For the permission matrix.",
        age_bands=["13_18"],
        learning_objectives=["Explain", "Recognise", "Use"],
    )
    sessions = {}
    for side, event in (("own", event_a), ("other", event_b)):
        sessions[side] = cop_session_log(
            actor=None,
            event=event,
            data={
                "module": module,
                "starts_at": timezone.make_aware(datetime.datetime(2026, 4, 23, 10, 0)),
                "duration_minutes": 60,
                "delivery": "in_person",
                "language": "en",
                "guardian_consent_confirmed": True,
            },
            attendance={},
        )

    def user(name: str, role: str | None = None, **scope: Any) -> User:
        """A staff account as it is after sign-up: e-mail verified, TOTP and recovery codes
        set up (so the MFA rule lets it through; tests/copgirls/test_mfa.py proves the rule)."""
        account = User.objects.create_user(f"{name}@matrix.example", PASSWORD, full_name=name)
        EmailAddress.objects.create(user=account, email=account.email, verified=True, primary=True)
        TOTP.activate(account, generate_totp_secret())
        RecoveryCodes.activate(account)
        if role:
            RoleAssignment.objects.create(user=account, role=role, **scope)
        return account

    users: dict[str, User | None] = {
        "anonymous": None,
        "participant": None,
        "facilitator_a": user("facilitator_a", Role.FACILITATOR, event=event_a),
        "facilitator_b": user("facilitator_b", Role.FACILITATOR, event=event_b),
        "coordinator_a": user("coordinator_a", Role.COORDINATOR, member_state=state_a),
        "coordinator_b": user("coordinator_b", Role.COORDINATOR, member_state=state_b),
        "officer_a": user("officer_a", Role.REGIONAL_OFFICER, region=region_a),
        "officer_other": user("officer_other", Role.REGIONAL_OFFICER, region=region_other),
        "secretariat": user("secretariat", Role.SECRETARIAT),
    }
    world = World(state_a, state_b, region_a, region_other, users)
    world.add("member_state", state_a, state_b)
    world.add("region", region_a, region_other)
    world.add("event", event_a, event_b)
    world.add("module", module, module)
    world.add("cop_session", sessions["own"], sessions["other"])
    world.add("user", users["coordinator_a"], users["coordinator_b"])
    return world
