"""Permission-matrix rules of the events app: celebrations, COP sessions, modules, dashboards.

"own" objects are state A's (Kenya, Africa), "other" objects state B's (France, Europe).
Out of scope answers 404, in scope but not allowed 403.
"""

from tests.permissions.rules import EVERYONE, LOGIN, NO_ACCOUNT, STAFF, Rule, each

SIDE_A = ("facilitator_a", "coordinator_a", "officer_a")
SIDE_B = ("facilitator_b", "coordinator_b", "officer_other")
REGISTRARS = ("coordinator_a", "coordinator_b", "secretariat")


def _event(world, side):
    return {"pk": world.get("event", side).pk}


def _session(world, side):
    return {"pk": world.get("cop_session", side).pk}


def _module(world, side):
    return {"pk": world.get("module", side).pk}


def _state(world, side):
    return {"iso2": world.get("member_state", side).iso2}


def _region(world, side):
    return {"code": world.get("region", side).code}


def _staff_only(status_for_staff, **overrides):
    return {**each(NO_ACCOUNT, LOGIN), **each(STAFF, status_for_staff), **overrides}


def _registrars_only(status=200):
    return {**each(NO_ACCOUNT, LOGIN), **each(STAFF, 403), **each(REGISTRARS, status)}


def _secretariat_only(status=200):
    return {**each(NO_ACCOUNT, LOGIN), **each(STAFF, 403), "secretariat": status}


def _scoped(own_ok, own_forbidden, status=200):
    """For one side's object: who gets ``status``, who 403; the other side's actors 404."""
    own = {**each(NO_ACCOUNT, LOGIN), **each(own_ok, status), **each(own_forbidden, 403)}
    return own


RULES = {
    # Public pages
    "events:public_list": Rule(own=each(EVERYONE, 200)),
    "events:map": Rule(own=each(EVERYONE, 200), query="?year=2026"),
    "events:public_member_state": Rule(kwargs=_state, own=each(EVERYONE, 200)),
    # Celebrations
    "events:list": Rule(own=_staff_only(200)),
    "events:export": Rule(kwargs=lambda w, s: {"fmt": "csv"}, own=_staff_only(200)),
    "events:create": Rule(own=_registrars_only()),
    "events:import": Rule(own=_registrars_only()),
    "events:import_template": Rule(kwargs=lambda w, s: {"fmt": "xlsx"}, own=_registrars_only()),
    "events:detail": Rule(
        kwargs=_event,
        own=_scoped((*SIDE_A, "secretariat"), ()),
        other=_scoped((*SIDE_B, "secretariat"), ()),
    ),
    "events:edit": Rule(
        kwargs=_event,
        own=_scoped(("coordinator_a", "secretariat"), ("facilitator_a", "officer_a")),
        other=_scoped(("coordinator_b", "secretariat"), ("facilitator_b", "officer_other")),
    ),
    # Both events are published: publishing again is refused with a message (302), completing works.
    "events:publish": Rule(
        kwargs=_event,
        method="post",
        own=_scoped(("coordinator_a", "secretariat"), ("facilitator_a", "officer_a"), 302),
        other=_scoped(("coordinator_b", "secretariat"), ("facilitator_b", "officer_other"), 302),
    ),
    "events:complete": Rule(
        kwargs=_event,
        method="post",
        own=_scoped(("coordinator_a", "secretariat"), ("facilitator_a", "officer_a"), 302),
        other=_scoped(("coordinator_b", "secretariat"), ("facilitator_b", "officer_other"), 302),
    ),
    # COP sessions
    "events:session_create": Rule(
        kwargs=_event,
        own=_scoped(("facilitator_a", "coordinator_a", "secretariat"), ("officer_a",)),
        other=_scoped(("facilitator_b", "coordinator_b", "secretariat"), ("officer_other",)),
    ),
    "events:session_edit": Rule(
        kwargs=_session,
        own=_scoped(("facilitator_a", "coordinator_a", "secretariat"), ("officer_a",)),
        other=_scoped(("facilitator_b", "coordinator_b", "secretariat"), ("officer_other",)),
    ),
    # The COP module catalogue: everyone on the staff reads it, the secretariat keeps it.
    "events:modules": Rule(own=_staff_only(200)),
    "events:module_create": Rule(own=_secretariat_only()),
    "events:module_edit": Rule(kwargs=_module, own=_secretariat_only()),
    "events:module_retire": Rule(
        kwargs=_module, method="post", own=_secretariat_only(302), data=lambda w, s: {"retire": "1"}
    ),
    "events:module_delete": Rule(kwargs=_module, own=_secretariat_only()),
    # Dashboards
    "events:dashboard": Rule(own=_staff_only(302)),
    "events:world_dashboard": Rule(own=_secretariat_only()),
    "events:region_dashboard": Rule(
        kwargs=_region,
        own=_scoped(("officer_a", "secretariat"), ()),
        other=_scoped(("officer_other", "secretariat"), ()),
    ),
    "events:state_dashboard": Rule(
        kwargs=_state,
        own=_scoped(("coordinator_a", "officer_a", "secretariat"), ("facilitator_a",)),
        other=_scoped(("coordinator_b", "officer_other", "secretariat"), ("facilitator_b",)),
    ),
}
