"""Permission-matrix rules of resolve 1: instruments, self-assessments, cycles, RDF discussions.

"own" objects are state A's (Kenya, Africa), "other" objects state B's (France, Europe).
Facilitators have no part in policy records: they are outside every policy scope (404).
"""

import datetime

from policies import services
from policies.models import CopArea, Level, RdfDiscussion, RegionalInitiative
from tests.permissions.rules import EVERYONE, LOGIN, NO_ACCOUNT, STAFF, Rule, each

KEEPERS = {"own": "coordinator_a", "other": "coordinator_b"}
OFFICERS = {"own": "officer_a", "other": "officer_other"}


def _state(world, side):
    return {"iso2": world.get("member_state", side).iso2}


def _region(world, side):
    return {"code": world.get("region", side).code}


def _in_scope(side, *, allowed, forbidden=(), status=200):
    """The side's coordinator / officer / secretariat in scope; everyone else 404."""
    table = {**each(NO_ACCOUNT, LOGIN)}
    table.update(each(forbidden, 403))
    table.update(each(allowed, status))
    return table


def _keepers(side, status=200):
    return _in_scope(
        side, allowed=(KEEPERS[side], "secretariat"), forbidden=(OFFICERS[side],), status=status
    )


def _reviewers(side, status=200):
    return _in_scope(
        side, allowed=(OFFICERS[side], "secretariat"), forbidden=(KEEPERS[side],), status=status
    )


def _readers(side, status=200):
    return _in_scope(side, allowed=(KEEPERS[side], OFFICERS[side], "secretariat"), status=status)


def _secretariat_only(status=200):
    return {**each(NO_ACCOUNT, LOGIN), **each(STAFF, 403), "secretariat": status}


def _initiative(world, side):
    region = world.get("region", side)
    return {"code": RegionalInitiative.objects.filter(region=region).order_by("code")[0].code}


def _scoped(rule_for, **kwargs):
    return {"own": rule_for("own", **kwargs), "other": rule_for("other", **kwargs)}


RULES = {
    # Public pages
    "policies:public_map": Rule(own=each(EVERYONE, 200), query="?area=A03"),
    "policies:public_state": Rule(kwargs=_state, own=each(EVERYONE, 200)),
    "policies:public_rdf": Rule(own=each(EVERYONE, 200)),
    # Staff
    "policies:overview": Rule(
        own={
            **each(NO_ACCOUNT, LOGIN),
            **each(STAFF, 200),
            "facilitator_a": 403,
            "facilitator_b": 403,
        }
    ),
    "policies:state": Rule(kwargs=_state, **_scoped(_readers)),
    "policies:area_status": Rule(
        kwargs=lambda w, s: {**_state(w, s), "code": "A01"}, **_scoped(_keepers)
    ),
    # Both assessments are submitted: submitting again is refused with a message (302).
    "policies:submit": Rule(kwargs=_state, method="post", **_scoped(_keepers, status=302)),
    "policies:review": Rule(kwargs=_state, **_scoped(_reviewers)),
    "policies:roadmap": Rule(kwargs=_state, **_scoped(_keepers)),
    "policies:instrument_create": Rule(kwargs=_state, **_scoped(_keepers)),
    "policies:instrument_edit": Rule(
        kwargs=lambda w, s: {"pk": w.get("instrument", s).pk}, **_scoped(_keepers)
    ),
    # The instrument is evidence of a submitted area status: deleting it is refused (302).
    "policies:instrument_delete": Rule(
        kwargs=lambda w, s: {"pk": w.get("instrument", s).pk},
        method="post",
        **_scoped(_keepers, status=302),
    ),
    "policies:region": Rule(
        kwargs=_region,
        own=_in_scope("own", allowed=("officer_a", "secretariat")),
        other=_in_scope("other", allowed=("officer_other", "secretariat")),
    ),
    "policies:world": Rule(own=_secretariat_only()),
    "policies:cycles": Rule(own=_secretariat_only()),
    "policies:cycle_close": Rule(
        kwargs=lambda w, s: {"code": w.get("cycle", s).code},
        method="post",
        own=_secretariat_only(302),
    ),
    "policies:import": Rule(own=_secretariat_only()),
    "policies:export": Rule(
        kwargs=lambda w, s: {"kind": "statuses", "fmt": "csv"}, own=_secretariat_only()
    ),
    # The catalogues: read by every staff member (staff catalogue), kept by the secretariat.
    "policies:catalogues": Rule(own=_secretariat_only()),
    "policies:area_create": Rule(own=_secretariat_only()),
    "policies:area_edit": Rule(kwargs=lambda w, s: {"code": "A01"}, own=_secretariat_only()),
    "policies:initiative_create": Rule(own=_secretariat_only()),
    "policies:initiative_edit": Rule(kwargs=_initiative, own=_secretariat_only()),
    "policies:partner_create": Rule(own=_secretariat_only()),
    "policies:partner_edit": Rule(kwargs=lambda w, s: {"code": "UNICEF"}, own=_secretariat_only()),
    # A regional initiative's member states and celebrations: its region's officers.
    "policies:initiative": Rule(
        kwargs=_initiative,
        own=_in_scope("own", allowed=("officer_a", "secretariat")),
        other=_in_scope("other", allowed=("officer_other", "secretariat")),
    ),
    "policies:initiative_links": Rule(
        kwargs=_initiative,
        own=_in_scope("own", allowed=("officer_a", "secretariat")),
        other=_in_scope("other", allowed=("officer_other", "secretariat")),
        more=(
            Rule(
                kwargs=_initiative,
                method="post",
                own=_in_scope("own", allowed=("officer_a", "secretariat"), status=302),
                other=_in_scope("other", allowed=("officer_other", "secretariat"), status=302),
            ),
        ),
    ),
    "policies:rdf_list": Rule(
        own={
            **each(NO_ACCOUNT, LOGIN),
            **each(STAFF, 403),
            "officer_a": 200,
            "officer_other": 200,
            "secretariat": 200,
        }
    ),
    "policies:rdf_create": Rule(
        kwargs=_region,
        own=_in_scope("own", allowed=("officer_a", "secretariat")),
        other=_in_scope("other", allowed=("officer_other", "secretariat")),
    ),
    "policies:rdf_edit": Rule(
        kwargs=lambda w, s: {"pk": w.get("rdf_discussion", s).pk},
        own=_in_scope("own", allowed=("officer_a", "secretariat")),
        other=_in_scope("other", allowed=("officer_other", "secretariat")),
    ),
    "policies:rdf_validate": Rule(
        kwargs=lambda w, s: {"pk": w.get("rdf_discussion", s).pk},
        method="post",
        own=_secretariat_only(302),
        other=_secretariat_only(302),
    ),
}


def build(world) -> None:
    cycle = services.cycle_open(
        actor=None,
        data={
            "code": "2026-2027",
            "title": "CWG-COP 2026-2027",
            "starts_on": datetime.date(2026, 1, 1),
            "ends_on": datetime.date(2027, 12, 31),
        },
    )
    world.add("cycle", cycle, cycle)
    instruments, discussions = {}, {}
    for side, state, region in (
        ("own", world.state_a, world.region_a),
        ("other", world.state_b, world.region_other),
    ):
        instrument = services.instrument_create(
            actor=None,
            member_state=state,
            data={
                "kind": "strategy",
                "title": f"National COP strategy of {state.name}",
                "status": "adopted",
                "adoption_year": 2024,
                "areas": CopArea.objects.filter(code="A03"),
            },
        )
        instruments[side] = instrument
        assessment = services.self_assessment_start(actor=None, member_state=state, cycle=cycle)
        for area in CopArea.objects.all():
            services.area_status_set(
                actor=None,
                assessment=assessment,
                area=area,
                level=Level.ADOPTED if area.code == "A03" else Level.NONE,
                instruments=[instrument] if area.code == "A03" else [],
            )
        services.self_assessment_submit(actor=None, assessment=assessment)
        discussions[side] = services.rdf_discussion_record(
            actor=None,
            region=region,
            data={
                "meeting": f"RDF {region.name} 2026",
                "held_on": datetime.date(2026, 5, 5),
                "agenda_item": "Child online protection",
                "outcomes": "Agreed to review national strategies.",
                "member_states": [state],
            },
        )
    world.add("instrument", instruments["own"], instruments["other"])
    world.add("rdf_discussion", discussions["own"], discussions["other"])
    assert RdfDiscussion.objects.count() == 2
