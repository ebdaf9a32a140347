"""Permission-matrix rules of the API: each actor sends her own token (every scope), no session.

The scopes themselves are tested in tests/api; here the token may do everything its owner's
roles allow, so the matrix shows that the API answers each role exactly as the pages do:
out of scope 404, in scope but not allowed 403, no token 401.
"""

from __future__ import annotations

import itertools

from api.models import TokenScope
from api.tokens import token_create
from tests.permissions.rules import EVERYONE, LOGIN, NO_ACCOUNT, STAFF, Rule, each

UNAUTHENTICATED = each(NO_ACCOUNT, 401)
FACILITATORS = ("facilitator_a", "facilitator_b")
REPORT_READERS = ("secretariat", "coordinator_a", "coordinator_b", "officer_a", "officer_other")
SEES_OWN = ("facilitator_a", "coordinator_a", "officer_a", "secretariat")
SEES_OTHER = ("facilitator_b", "coordinator_b", "officer_other", "secretariat")
_unique = itertools.count(1)


def _pk(name):
    return lambda world, side: {"pk": world.get(name, side).pk}


def _scoped(open_status=200, *, own_actors=SEES_OWN, other_actors=SEES_OTHER, **overrides):
    """own/other tables: the side's viewers get ``open_status``, the rest 404."""
    own = {**UNAUTHENTICATED, **each(own_actors, open_status), **overrides.get("own", {})}
    other = {**UNAUTHENTICATED, **each(other_actors, open_status), **overrides.get("other", {})}
    return own, other


def _celebration_data(world, side):
    n = next(_unique)
    return {
        "member_state": world.state_a.iso2,
        "organiser_reference": f"API-{n}",
        "title": f"API celebration {n}",
        "organiser": "Ministry of ICT",
        "organiser_type": "government",
        "format": "in_person",
        "activity_type": "workshop",
        "start_date": "2026-04-23",
        "end_date": "2026-04-23",
    }


def _bulk_data(world, side):
    return {"celebrations": [_celebration_data(world, side)]}


def _session_data(world, side):
    return {
        "celebration": world.get("event", "own").pk,
        "module": world.get("module", "own").code,
        "starts_at": "2026-04-23T11:00:00Z",
        "duration_minutes": 45 + next(_unique) % 100,
        "delivery": "in_person",
        "language": "en",
        "guardian_consent_confirmed": True,
        "attendance": [{"age_band": "13_18", "gender": "girl", "count": 1}],
    }


def _report_data(world, side):
    return {
        "scope": "member_state",
        "member_state": world.state_a.iso2,
        "first_year": 2025,  # a closed year: reports cover no other
        "language": "en",
        "meeting_name": "CWG-COP matrix meeting",
        "document_number": f"CWG-COP/24/{next(_unique)}",
    }


_own_event, _other_event = _scoped()
_own_edit = {**UNAUTHENTICATED, **each(SEES_OWN, 403), "coordinator_a": 200, "secretariat": 200}
_other_edit = {
    **UNAUTHENTICATED,
    **each(SEES_OTHER, 403),
    "coordinator_b": 200,
    "secretariat": 200,
}
# Every world celebration is published already: publishing again is a conflict.
_own_publish = {**_own_edit, "coordinator_a": 409, "secretariat": 409}
_other_publish = {**_other_edit, "coordinator_b": 409, "secretariat": 409}
_report_own = {
    **UNAUTHENTICATED,
    **each(FACILITATORS, 403),
    **each(("secretariat", "coordinator_a", "officer_a"), 200),
}
_report_other = {
    **UNAUTHENTICATED,
    **each(FACILITATORS, 403),
    **each(("secretariat", "coordinator_b", "officer_other"), 200),
}


def _report_rule() -> Rule:
    return Rule(kwargs=_pk("report"), own=_report_own, other=_report_other, token=True)


RULES = {
    "api:schema": Rule(own=each(EVERYONE, 200), token=True),
    "api:docs": Rule(own=each(EVERYONE, 200), token=True),
    "api:member-states": Rule(own=each(EVERYONE, 200), token=True),
    "api:regions": Rule(own=each(EVERYONE, 200), token=True),
    "api:open-celebrations": Rule(own=each(EVERYONE, 200), token=True),
    "api:open-figures": Rule(own=each(EVERYONE, 200), token=True),
    "api:not-found": Rule(
        kwargs=lambda world, side: {"rest": "celebrations/-1/"}, own=each(EVERYONE, 404), token=True
    ),
    "api:cop-modules": Rule(own={**UNAUTHENTICATED, **each(STAFF, 200)}, token=True),
    # Policy records: every token holds policies:read; a list shows only what is in scope.
    "api:instruments": Rule(own={**UNAUTHENTICATED, **each(STAFF, 200)}, token=True),
    "api:self-assessments": Rule(own={**UNAUTHENTICATED, **each(STAFF, 200)}, token=True),
    "api:celebrations": Rule(
        own={**UNAUTHENTICATED, **each(STAFF, 200)},
        token=True,
        more=(
            # Registering in state A: its coordinator and the secretariat; the others are
            # told the member state is not theirs (a field error, nothing written).
            Rule(
                method="post",
                data=_celebration_data,
                own={
                    **UNAUTHENTICATED,
                    **each(STAFF, 400),
                    "coordinator_a": 201,
                    "secretariat": 201,
                },
                token=True,
            ),
        ),
    ),
    "api:celebrations-bulk": Rule(
        method="post",
        data=_bulk_data,
        own={**UNAUTHENTICATED, **each(STAFF, 400), "coordinator_a": 200, "secretariat": 200},
        token=True,
    ),
    "api:celebration": Rule(
        kwargs=_pk("event"),
        own=_own_event,
        other=_other_event,
        token=True,
        more=(
            Rule(
                kwargs=_pk("event"),
                method="patch",
                data=lambda world, side: {"city": "Mombasa"},
                own=_own_edit,
                other=_other_edit,
                token=True,
            ),
        ),
    ),
    "api:celebration-publish": Rule(
        kwargs=_pk("event"),
        method="post",
        own=_own_publish,
        other=_other_publish,
        token=True,
    ),
    "api:cop-sessions": Rule(
        own={**UNAUTHENTICATED, **each(STAFF, 200)},
        token=True,
        more=(
            # At state A's celebration: its facilitator, coordinator and the secretariat log
            # sessions; its regional officer sees it but may not (403); the others may not
            # see it at all (a field error that does not say whether it exists).
            Rule(
                method="post",
                data=_session_data,
                own={
                    **UNAUTHENTICATED,
                    **each(SEES_OTHER, 400),
                    "officer_a": 403,
                    "facilitator_a": 201,
                    "coordinator_a": 201,
                    "secretariat": 201,
                },
                token=True,
            ),
        ),
    ),
    "api:cop-session": Rule(
        kwargs=_pk("cop_session"), own=_own_event, other=_other_event, token=True
    ),
    "api:reports": Rule(
        own={**UNAUTHENTICATED, **each(FACILITATORS, 403), **each(REPORT_READERS, 200)},
        token=True,
        more=(
            Rule(
                method="post",
                data=_report_data,
                own={
                    **UNAUTHENTICATED,
                    **each(FACILITATORS, 403),
                    **each(("coordinator_b", "officer_other"), 403),
                    **each(("secretariat", "coordinator_a", "officer_a"), 201),
                },
                token=True,
            ),
        ),
    ),
    "api:report": _report_rule(),
    "api:report-pdf": _report_rule(),
    "api:report-brief": _report_rule(),
    "api:report-annex-csv": _report_rule(),
    "api:report-annex-xlsx": _report_rule(),
    # The account page's tokens: every staff member has her own; another's is 404.
    "api_tokens:list": Rule(own={**each(NO_ACCOUNT, LOGIN), **each(STAFF, 200)}),
    "api_tokens:revoke": Rule(
        kwargs=lambda world, side: {"pk": world.get("access_token", side).pk},
        method="post",
        own={**each(NO_ACCOUNT, LOGIN), "coordinator_a": 302},
        other={**each(NO_ACCOUNT, LOGIN), "coordinator_b": 302},
    ),
}


def build(world) -> None:
    tokens = {}
    for actor, user in world.users.items():
        if user is None:
            continue
        token, text = token_create(user=user, name="matrix", scopes=TokenScope.values, days=30)
        world.tokens[actor] = text
        tokens[actor] = token
    world.add("access_token", tokens["coordinator_a"], tokens["coordinator_b"])
