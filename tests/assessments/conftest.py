"""Fixtures for the assessments tests: a celebration with a COP session on module M03."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from assessments.forms import submission_seal
from assessments.models import ItemKind, Phase, Questionnaire, QuestionnaireStatus
from assessments.services import link_open
from copgirls.models import MemberState, Role, RoleAssignment, User
from events.models import CopModule, CopSession, Event


@pytest.fixture(autouse=True)
def _mfa_not_required(settings):
    """These tests are about assessments; the MFA gate has its own (tests/copgirls/test_mfa.py)."""
    settings.MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _clear_cache(request):
    """Rate-limit counters start at zero (the embedded cache lives in the database)."""
    if "db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("db")
    cache.clear()
    yield
    cache.clear()


def make_event(state_iso2: str = "KE", reference: str = "E-1", title: str = "") -> Event:
    state = MemberState.objects.get(iso2=state_iso2)
    return Event.objects.create(
        member_state=state,
        title=title or f"Girls in ICT Day {state.name} {reference}",
        organiser_reference=reference,
        organiser="Ministry of ICT",
        organiser_type="government",
        format="in_person",
        activity_type="workshop",
        start_date=datetime.date(2026, 4, 23),
        end_date=datetime.date(2026, 4, 23),
        status="published",
    )


def make_session(event: Event, module_code: str = "M03") -> CopSession:
    return CopSession.objects.create(
        event=event,
        module=CopModule.objects.get(code=module_code),
        starts_at=timezone.now() - datetime.timedelta(minutes=30),
        duration_minutes=60,
        delivery="in_person",
        language="en",
        guardian_consent_confirmed=True,
    )


@pytest.fixture
def event(db):
    return make_event()


@pytest.fixture
def session(event):
    return make_session(event)


@pytest.fixture
def questionnaire(session) -> Questionnaire:
    return Questionnaire.objects.get(module=session.module, status=QuestionnaireStatus.PUBLISHED)


@pytest.fixture
def facilitator(event):
    user = User.objects.create_user("facilitator@test.example", "long-password-123")
    RoleAssignment.objects.create(user=user, role=Role.FACILITATOR, event=event)
    return user


@pytest.fixture
def coordinator(event):
    user = User.objects.create_user("coordinator@test.example", "long-password-123")
    RoleAssignment.objects.create(user=user, role=Role.COORDINATOR, member_state=event.member_state)
    return user


@pytest.fixture
def secretariat(db):
    user = User.objects.create_user("secretariat@test.example", "long-password-123")
    RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT)
    return user


@pytest.fixture
def pre_link(session, facilitator):
    return link_open(session=session, phase=Phase.PRE, actor=facilitator)


@pytest.fixture
def post_link(session, facilitator, pre_link):
    return link_open(session=session, phase=Phase.POST, actor=facilitator)


def answers_for(questionnaire, *, correct: int | None = None, likert: int = 4) -> dict[str, str]:
    """Answers keyed by item key: the first ``correct`` knowledge items right (all if None)."""
    answers, knowledge_seen = {}, 0
    for item in questionnaire.items.filter(is_retired=False).order_by("position"):
        if item.kind in (ItemKind.KNOWLEDGE_CHOICE, ItemKind.KNOWLEDGE_TRUE_FALSE):
            right = correct is None or knowledge_seen < correct
            knowledge_seen += 1
            if right:
                answers[item.key] = item.correct_option
            else:
                answers[item.key] = next(k for k in item.option_keys() if k != item.correct_option)
        elif item.kind in (ItemKind.SELF_EFFICACY, ItemKind.INTENTION):
            answers[item.key] = str(likert)
    return answers


def form_data(
    questionnaire,
    *,
    code: str = "panda 27",
    client_id: uuid.UUID | str | None = None,
    assent: bool = True,
    age_band: str = "13_18",
    gender: str = "girl",
    correct: int | None = None,
    likert: int = 4,
    lang: str = "en",
    extra: dict | None = None,
) -> dict[str, str]:
    client_id = str(client_id or uuid.uuid4())
    data = {
        "lang": lang,
        "client_submission_id": client_id,
        # What the page's form carries with its id (assessments.forms.submission_seal).
        "submission_seal": submission_seal(client_id),
        "age_band": age_band,
        "gender": gender,
        "memorable_code": code,
        **{
            f"item-{key}": value
            for key, value in answers_for(questionnaire, correct=correct, likert=likert).items()
        },
    }
    if assent:
        data["assent"] = "on"
    data.update(extra or {})
    return data


def hidden_client_id(html: str) -> str:
    match = re.search(r'name="client_submission_id" value="([0-9a-f-]{36})"', html)
    assert match, "the form carries no client submission id"
    return match.group(1)


def hidden_seal(html: str) -> str:
    match = re.search(r'name="submission_seal" value="([^"]+)"', html)
    assert match, "the form carries no seal of its submission id"
    return match.group(1)


@pytest.fixture
def girl():
    """A participant's phone: a client without account, with her own address."""
    return Client(REMOTE_ADDR="198.51.100.23")
