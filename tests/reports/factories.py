"""Rows for report tests, created directly: celebrations, COP sessions, attendance, responses.

A *pair* is a pre and a post :class:`~assessments.models.Response` of one session with the
same ``participant_key`` and ``counts_for_pairing=True`` (:func:`add_pairs`).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

import factory
from django.utils import timezone

from assessments.models import Phase, Questionnaire, Response, ResponseSource
from copgirls.models import MemberState
from events.models import (
    ActivityType,
    AgeBand,
    Attendance,
    CopModule,
    CopSession,
    Event,
    EventFormat,
    EventStatus,
    Gender,
    OrganiserType,
)


def state(iso2: str) -> MemberState:
    return MemberState.objects.select_related("region").get(iso2=iso2)


class CopModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CopModule

    code = factory.Sequence(lambda n: f"R{n:02d}")
    slug = factory.Sequence(lambda n: f"report-module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "A COP discussion."
    age_bands = factory.LazyFunction(lambda: ["13_18"])
    learning_objectives = factory.LazyFunction(lambda: ["Recognise", "Report"])


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    member_state = factory.LazyFunction(lambda: state("KE"))
    title = factory.Sequence(lambda n: f"Girls in ICT Day celebration {n}")
    organiser_reference = factory.Sequence(lambda n: f"REF-{n}")
    city = "Capital"
    organiser = "Ministry of ICT"
    organiser_type = OrganiserType.GOVERNMENT
    format = EventFormat.IN_PERSON
    activity_type = ActivityType.WORKSHOP
    start_date = datetime.date(2025, 4, 24)  # a closed year: reports cover no other
    end_date = factory.LazyAttribute(lambda event: event.start_date)
    expected_girls = 40
    actual_girls = None
    status = EventStatus.PUBLISHED


class CopSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CopSession

    event = factory.SubFactory(EventFactory)
    module = factory.SubFactory(CopModuleFactory)
    starts_at = factory.LazyAttribute(
        lambda session: timezone.make_aware(
            datetime.datetime.combine(session.event.start_date, datetime.time(10, 0))
        )
    )
    duration_minutes = 60
    delivery = "in_person"
    language = "en"


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire
        django_get_or_create = ("module", "version")

    module = factory.SubFactory(CopModuleFactory)
    version = 1
    title = "Questionnaire"
    status = "published"


def add_attendance(session: CopSession, girls: int, boys: int = 0) -> None:
    Attendance.objects.create(
        session=session, age_band=AgeBand.AGE_13_18, gender=Gender.GIRL, count=girls
    )
    if boys:
        Attendance.objects.create(
            session=session, age_band=AgeBand.AGE_13_18, gender=Gender.BOY, count=boys
        )


def _response(session, questionnaire, phase, key, age_band, scores, counts=True) -> Response:
    knowledge, self_efficacy, intention = scores
    return Response(
        session=session,
        questionnaire=questionnaire,
        phase=phase,
        age_band=age_band,
        gender=Gender.GIRL,
        assent=True,
        source=ResponseSource.WEB,
        client_submission_id=uuid.uuid4(),
        payload_digest="0" * 64,
        participant_key=key,
        submitted_at=timezone.now().replace(second=0, microsecond=0)
        - datetime.timedelta(minutes=5),
        knowledge_score=knowledge,
        self_efficacy_mean=self_efficacy,
        intention_mean=intention,
        counts_for_pairing=counts,
    )


def add_pairs(
    session: CopSession,
    knowledge_pre: Sequence[float],
    knowledge_post: Sequence[float],
    *,
    self_efficacy: tuple[Sequence[float], Sequence[float]] | None = None,
    intention: tuple[Sequence[float], Sequence[float]] | None = None,
    age_band: str = AgeBand.AGE_13_18,
) -> list[str]:
    """Paired pre and post responses, one pair per element; returns the participant keys."""
    questionnaire = QuestionnaireFactory(module=session.module)
    n = len(knowledge_pre)
    se_pre, se_post = self_efficacy or ([3.0] * n, [4.0] * n)
    in_pre, in_post = intention or ([3.0] * n, [4.0] * n)
    keys, rows = [], []
    for index in range(n):
        key = uuid.uuid4().hex
        keys.append(key)
        rows.append(
            _response(
                session,
                questionnaire,
                Phase.PRE,
                key,
                age_band,
                (knowledge_pre[index], se_pre[index], in_pre[index]),
            )
        )
        rows.append(
            _response(
                session,
                questionnaire,
                Phase.POST,
                key,
                age_band,
                (knowledge_post[index], se_post[index], in_post[index]),
            )
        )
    Response.objects.bulk_create(rows)
    return keys


def add_unpaired(session: CopSession, phase: str, count: int, *, counts: bool = True) -> None:
    questionnaire = QuestionnaireFactory(module=session.module)
    Response.objects.bulk_create(
        _response(
            session,
            questionnaire,
            phase,
            uuid.uuid4().hex,
            AgeBand.AGE_13_18,
            (50.0, 3.0, 3.0),
            counts=counts,
        )
        for _ in range(count)
    )
