"""Demo responses (``make run``): every demo COP session gets pre and post answers.

Runs after :mod:`demo.events`. For each COP session that has already started and has no
response yet, about 20–35 girls answer before and after with a realistic learning gain
(knowledge ~55 % → ~75 % correct, Likert items up by about half a point); most pair, a few
answer only once. A session still to come gets an open *pre* link to try the participant
page. Idempotent: sessions that already have responses or links are left alone.
"""

from __future__ import annotations

import datetime
import random
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.answers import Submission
from assessments.models import CollectionLink, ItemKind, Phase, Response, ResponseSource
from assessments.pairing import pairing_recompute
from assessments.services import link_open, response_store, session_questionnaire
from assessments.services.responses import active_items
from copgirls.closed_years import loading_history
from events.models import AgeBand, CopSession, Gender

_NAMESPACE = uuid.UUID("0c5e1d7a-3f0b-4a51-8d6c-52f3b1e9a7d4")
_ANIMALS = ["panda", "otter", "falcon", "tiger", "koala", "zebra", "lynx", "heron", "orca"]


def _answers(items, rng: random.Random, *, knowledge: float, likert_shift: float) -> dict:
    answers = {}
    for item in items:
        if item.kind in (ItemKind.KNOWLEDGE_CHOICE, ItemKind.KNOWLEDGE_TRUE_FALSE):
            if rng.random() < knowledge:
                answers[item.key] = item.correct_option
            else:
                wrong = [key for key in item.option_keys() if key != item.correct_option]
                answers[item.key] = rng.choice(wrong)
        elif item.kind in (ItemKind.SELF_EFFICACY, ItemKind.INTENTION):
            value = round(rng.gauss(3.0 + likert_shift, 0.9))
            answers[item.key] = str(min(5, max(1, value)))
    return answers


def _load_session(session: CopSession) -> int:
    questionnaire = session_questionnaire(session)
    items = active_items(questionnaire)
    # Seeded by what the session is, not by its id or date: the same demo answers in every
    # database and on every day (an id depends on what was created before).
    same = CopSession.objects.filter(event_id=session.event_id, module_id=session.module_id)
    seed = f"{session.event.organiser_reference}:{session.module.code}:"
    seed += str(same.filter(pk__lt=session.pk).count())
    rng = random.Random(seed)  # noqa: S311 -- reproducible demo data, not security
    created = 0
    girls = rng.randint(20, 35)
    end = session.starts_at + datetime.timedelta(minutes=session.duration_minutes)
    for girl in range(girls):
        code = f"{rng.choice(_ANIMALS)} {girl}{rng.randint(10, 99)}"
        ability = rng.uniform(-0.2, 0.2)
        age_band = rng.choice([AgeBand.AGE_13_18] * 4 + [AgeBand.AGE_9_12, AgeBand.AGE_19_24])
        gender = rng.choice([Gender.GIRL] * 8 + [Gender.UNDISCLOSED, ""])
        kind = rng.random()
        phases = (
            [Phase.PRE, Phase.POST] if kind < 0.85 else [Phase.PRE if kind < 0.93 else Phase.POST]
        )
        for phase in phases:
            pre = phase == Phase.PRE
            answers = _answers(
                items,
                rng,
                knowledge=0.55 + ability + (0 if pre else 0.2),
                likert_shift=ability + (0 if pre else 0.6),
            )
            moment = (session.starts_at if pre else end) + datetime.timedelta(
                minutes=rng.randint(0, 8)
            )
            result = response_store(
                session=session,
                questionnaire=questionnaire,
                phase=phase,
                source=ResponseSource.WEB,
                submission=Submission(True, age_band, gender, code, answers),
                client_submission_id=uuid.uuid5(_NAMESPACE, f"{session.pk}:{girl}:{phase}"),
                submitted_at=moment,
                items=items,
                recompute_pairing=False,
            )
            created += result.created
    pairing_recompute(session_id=session.pk)
    return created


def load() -> int:
    """The demo's answers; its past years are closed, so they are loaded as history."""
    with loading_history():
        return _load()


def _load() -> int:
    now = timezone.now()
    created = 0
    answered = Response.objects.values("session_id")
    with_links = CollectionLink.objects.values("session_id")
    sessions = CopSession.objects.select_related("event", "module").exclude(pk__in=answered)
    for session in sessions.filter(starts_at__lte=now).order_by("pk"):
        try:
            with transaction.atomic():
                created += _load_session(session)
        except ValidationError:  # its module has no questionnaire: leave the session alone
            continue
    for session in sessions.filter(starts_at__gt=now).exclude(pk__in=with_links).order_by("pk"):
        try:
            link_open(session=session, phase=Phase.PRE, actor=None)
        except ValidationError:
            continue
        created += 1
    return created
