"""Permission-matrix rules of the assessments app.

Staff pages of a COP session: its facilitator, its state's coordinator and the secretariat
run them; a regional officer sees the session but may not run it (403); anyone else gets
404. Erasure: coordinator or secretariat (facilitators and officers 403). Questionnaires:
the secretariat edits (other staff 403), every staff member may preview. The participant
pages need no account: an open link answers 200 to everyone, a closed one 410.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from assessments.models import (
    HeldResponse,
    Item,
    ItemKind,
    Phase,
    Questionnaire,
    QuestionnaireStatus,
)
from assessments.services import link_close, link_open
from tests.permissions.rules import EVERYONE, LOGIN, NO_ACCOUNT, STAFF, Rule, each

RUNNERS_OWN = ("facilitator_a", "coordinator_a", "secretariat")
RUNNERS_OTHER = ("facilitator_b", "coordinator_b", "secretariat")


def build(world) -> None:
    module = world.get("module", "own")
    questionnaire = Questionnaire.objects.create(
        module=module, version=1, title="Matrix questionnaire", status=QuestionnaireStatus.PUBLISHED
    )
    item = Item.objects.create(
        questionnaire=questionnaire,
        key="T01-K1",
        position=1,
        kind=ItemKind.KNOWLEDGE_TRUE_FALSE,
        text="Matrix question",
        correct_option="true",
    )
    Item.objects.create(
        questionnaire=questionnaire,
        key="T01-S1",
        position=2,
        kind=ItemKind.SELF_EFFICACY,
        text="I can",
    )
    secretariat = world.users["secretariat"]
    own = link_open(session=world.get("cop_session", "own"), phase=Phase.PRE, actor=secretariat)
    other = link_open(session=world.get("cop_session", "other"), phase=Phase.PRE, actor=secretariat)
    other = link_close(link=other, actor=secretariat)
    world.add("questionnaire", questionnaire, questionnaire)
    world.add("item", item, item)
    world.add("collection_link", own, other)
    world.add(
        "held_response",
        *(_held(world.get("cop_session", side), questionnaire) for side in ("own", "other")),
    )


def _held(session, questionnaire) -> HeldResponse:
    """A batch of one held submission (answers to no question: a release stores it)."""
    return HeldResponse.objects.create(
        session=session,
        phase=Phase.PRE,
        batch=uuid.uuid4(),
        client_submission_id=uuid.uuid4(),
        payload_digest="0" * 64,
        submitted_at=timezone.now().replace(second=0, microsecond=0),
        response={
            "questionnaire_id": questionnaire.pk,
            "age_band": "13_18",
            "gender": "",
            "participant_key": "0" * 64,
            "knowledge_score": None,
            "self_efficacy_mean": None,
            "intention_mean": None,
            "answers": [],
        },
    )


def _held_batch(world, side):
    return {**_session(world, side), "batch": world.get("held_response", side).batch}


def _session(world, side):
    return {"session_id": world.get("cop_session", side).pk}


def _session_phase(world, side):
    return {**_session(world, side), "phase": Phase.PRE}


def _event(world, side):
    return {"event_id": world.get("event", side).pk}


def _questionnaire(world, side):
    return {"pk": world.get("questionnaire", side).pk}


def _item(world, side):
    return {**_questionnaire(world, side), "item_id": world.get("item", side).pk}


def _code(world, side):
    return {"code": world.get("collection_link", side).code}


def _session_rule(status: int = 200, method: str = "get", kwargs=_session, data=None) -> Rule:
    return Rule(
        kwargs=kwargs,
        method=method,
        data=data,
        own={
            **each(NO_ACCOUNT, LOGIN),
            **each(RUNNERS_OWN, status),
            "officer_a": 403,
        },
        other={
            **each(NO_ACCOUNT, LOGIN),
            **each(RUNNERS_OTHER, status),
            "officer_other": 403,
        },
    )


def _secretariat_rule(status: int = 200, method: str = "get", kwargs=None, data=None) -> Rule:
    return Rule(
        kwargs=kwargs,
        method=method,
        data=data,
        own={**each(NO_ACCOUNT, LOGIN), **each(STAFF, 403), "secretariat": status},
    )


RULES = {
    "assessments:sessions": Rule(own={**each(NO_ACCOUNT, LOGIN), **each(STAFF, 200)}),
    "assessments:session": _session_rule(),
    "assessments:live": _session_rule(),
    "assessments:open": _session_rule(302, "post", _session_phase),
    "assessments:close": _session_rule(302, "post", _session_phase),
    "assessments:wall": _session_rule(200, "get", _session_phase),
    "assessments:paper": _session_rule(200, "get", _session_phase),
    "assessments:paper_kit": _session_rule(200, "get", _session_phase),
    "assessments:upload": _session_rule(200, "get", _session_phase),
    "assessments:paper_template": _session_rule(200, "get", _session_phase),
    "assessments:held_release": _session_rule(302, "post", _held_batch),
    "assessments:held_void": _session_rule(302, "post", _held_batch),
    "assessments:erase": Rule(
        kwargs=_event,
        own={
            **each(NO_ACCOUNT, LOGIN),
            "coordinator_a": 200,
            "secretariat": 200,
            "facilitator_a": 403,
            "officer_a": 403,
        },
        other={
            **each(NO_ACCOUNT, LOGIN),
            "coordinator_b": 200,
            "secretariat": 200,
            "facilitator_b": 403,
            "officer_other": 403,
        },
    ),
    "assessments:questionnaires": _secretariat_rule(),
    "assessments:questionnaire": _secretariat_rule(kwargs=_questionnaire),
    "assessments:questionnaire_preview": Rule(
        kwargs=_questionnaire, own={**each(NO_ACCOUNT, LOGIN), **each(STAFF, 200)}
    ),
    "assessments:publish": _secretariat_rule(302, "post", _questionnaire),
    "assessments:missed_answers": _secretariat_rule(
        302, "post", _questionnaire, lambda w, s: {"shows": "0"}
    ),
    "assessments:item_add": _secretariat_rule(
        302,
        "post",
        _questionnaire,
        lambda w, s: {"kind": "intention", "text": "I will tell a trusted adult."},
    ),
    "assessments:item_edit": _secretariat_rule(kwargs=_item),
    "assessments:item_translations": _secretariat_rule(kwargs=_item),
    "assessments:item_move": _secretariat_rule(
        302, "post", _item, lambda w, s: {"direction": "down"}
    ),
    "assessments:item_retire": _secretariat_rule(302, "post", _item, lambda w, s: {"retired": "1"}),
    "participate:enter": Rule(own=each(EVERYONE, 200)),
    "participate:service_worker": Rule(own=each(EVERYONE, 200)),
    "participate:respond": Rule(kwargs=_code, own=each(EVERYONE, 200), other=each(EVERYONE, 404)),
    "participate:thanks": Rule(kwargs=_code, own=each(EVERYONE, 200)),
}
