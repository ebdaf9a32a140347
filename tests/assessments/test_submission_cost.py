"""A girl's submission costs the same few queries however big her session is, and the
repeat rule stays right when two phones send the same code at the same moment."""

from __future__ import annotations

import threading
import uuid

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.answers import Submission
from assessments.models import Answer, Response
from assessments.services import response_store
from tests.assessments.conftest import answers_for, form_data

#: The link, then one call storing the response and its answers, her key's look-up and,
#: for a repeat, the flags' UPDATE (PostgreSQL, where CI runs) — and for a resend, the
#: stored response's digest. Other databases take a few plain statements instead:
#: transaction, response, answers, look-up, (end).
MAX_QUERIES = 3 if connection.vendor == "postgresql" else 8


def prior_responses(session, questionnaire, count: int) -> None:
    for i in range(count):
        response_store(
            session=session,
            questionnaire=questionnaire,
            phase="pre" if i % 2 else "post",
            source="web",
            submission=Submission(True, "13_18", "", f"prior girl {i}", answers_for(questionnaire)),
            client_submission_id=uuid.uuid4(),
            recompute_pairing=False,
        )


@pytest.fixture(autouse=True)
def _counters_outside_the_database(settings):
    """The rate-limit counters live in Redis in production; the embedded default keeps them
    in a database cache table, whose queries are not the submission's."""
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def post_counting(client, link, data) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        status = client.post(reverse("participate:respond", args=[link.code]), data).status_code
    return status, len(queries)


@pytest.mark.parametrize("prior", [5, 300])
def test_a_submission_costs_a_constant_number_of_queries(
    girl, pre_link, questionnaire, session, prior
):
    prior_responses(session, questionnaire, prior)
    girl.post(reverse("participate:respond", args=[pre_link.code]), form_data(questionnaire))

    first = form_data(questionnaire, code="sunflower 31")
    status, new = post_counting(girl, pre_link, first)
    assert status == 200 and new <= MAX_QUERIES
    status, resend = post_counting(girl, pre_link, first)
    assert status == 200 and resend <= MAX_QUERIES
    status, repeat = post_counting(girl, pre_link, form_data(questionnaire, code="sunflower 31"))
    assert status == 200 and repeat <= MAX_QUERIES

    assert Response.objects.filter(session=session).count() == prior + 3
    assert Answer.objects.filter(response__client_submission_id=first["client_submission_id"])
    mine = Response.objects.filter(session=session, phase="pre").order_by("pk")
    flags = list(
        mine.filter(participant_key=mine.last().participant_key).values_list(
            "counts_for_pairing", flat=True
        )
    )
    assert flags == [True, False]  # her first pre counts, the repeat does not


def test_the_count_does_not_grow_with_the_session(girl, pre_link, questionnaire, session):
    counts = []
    # The session's first thank-you in ten minutes reads its helpline (issue 19: two
    # queries, then cached); every submission after it costs the same.
    girl.post(reverse("participate:respond", args=[pre_link.code]), form_data(questionnaire))
    for prior in (5, 295):
        prior_responses(session, questionnaire, prior)
        data = form_data(questionnaire, code=f"new girl {prior}")
        counts.append(post_counting(girl, pre_link, data)[1])
    assert counts[0] == counts[1] <= MAX_QUERIES


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_phones_sending_the_same_code_at_once_count_once(
    require_postgres, pre_link, post_link, questionnaire, session
):
    """Pre twice and post twice with one code, each pair at the same instant, five times."""
    url = {"pre": pre_link.code, "post": post_link.code}
    statuses: list[int] = []

    def send(phase: str, code: str, barrier: threading.Barrier) -> None:
        client = Client(REMOTE_ADDR=f"203.0.113.{threading.get_ident() % 200}")
        data = form_data(questionnaire, code=code)
        barrier.wait()
        try:
            statuses.append(
                client.post(reverse("participate:respond", args=[url[phase]]), data).status_code
            )
        finally:
            connections.close_all()

    for round_ in range(5):
        for phase in ("pre", "post"):
            barrier = threading.Barrier(2)
            threads = [
                threading.Thread(target=send, args=(phase, f"twin star {round_}", barrier))
                for _ in range(2)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

    assert statuses == [200] * 20
    responses = Response.objects.filter(session=session)
    assert responses.count() == 20
    for phase in ("pre", "post"):
        counted = responses.filter(phase=phase, counts_for_pairing=True)
        assert counted.count() == 5  # one per code and phase
        assert counted.values("participant_key").distinct().count() == 5
    # The first pre and the last post are the ones counting.
    for key in responses.values_list("participant_key", flat=True).distinct():
        pre = responses.filter(participant_key=key, phase="pre").order_by("submitted_at", "pk")
        post = responses.filter(participant_key=key, phase="post").order_by("submitted_at", "pk")
        assert [r.counts_for_pairing for r in pre] == [True, False]
        assert [r.counts_for_pairing for r in post] == [False, True]


def store_uncommitted(link, submission: Submission, client_id: uuid.UUID, *, db) -> None:
    """Another phone's submission stored on connection ``db``, its transaction left open:
    a submission in flight, holding what the store locks until ``db`` commits."""
    from assessments.services import responses as storing

    response = storing._checked(
        session_id=link.session_id,
        pairing_secret=link.pairing_secret,
        questionnaire_id=link.questionnaire_id,
        phase=link.phase,
        source="web",
        submission=submission,
        client_submission_id=client_id,
        submitted_at=None,
        items=link.items(),
        require_all=True,
    )
    assert storing._store_in_one_call(*response, db=db) is not None


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_girl_waits_for_her_own_submissions_and_the_sessions_writers_only(
    require_postgres, pre_link, questionnaire, session
):
    """A class sending at once is not a queue: a submission in flight holds its girl's key
    (and the session row in share), so only a second one of hers, or a writer holding the
    whole session (paper entry, erasure: FOR UPDATE), waits for it."""
    from assessments.selectors import link_for_submission
    from assessments.services import response_submit

    link = link_for_submission(pre_link.code)

    def sent(code: str) -> tuple[Submission, uuid.UUID]:
        return Submission(True, "13_18", "", code, answers_for(questionnaire)), uuid.uuid4()

    def submit(code: str) -> None:
        submission, client_id = sent(code)
        response_submit(link=link, submission=submission, client_submission_id=client_id)

    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        # Another phone's submission of "amber fox", not yet committed.
        submission, client_id = sent("amber fox")
        store_uncommitted(link, submission, client_id, db=other)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        submit("blue whale")  # her classmate does not wait
        with pytest.raises(OperationalError, match="lock timeout"):
            submit("amber fox")  # her own second one does
        other.rollback()

        with other.cursor() as cursor:  # a writer holding the whole session
            cursor.execute(
                "SELECT id FROM events_copsession WHERE id = %s FOR UPDATE", [session.pk]
            )
        with pytest.raises(OperationalError, match="lock timeout"):
            submit("coral reef")
        other.rollback()
        submit("coral reef")
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    codes = Response.objects.filter(session=session).count()
    assert codes == 2  # blue whale and coral reef; amber fox was rolled back


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_closing_a_link_waits_for_the_submissions_in_flight_and_stops_the_rest(
    require_postgres, pre_link, questionnaire, session, facilitator
):
    """Once the facilitator's close returns, nothing more is stored through the link: a
    submission in flight commits first (the close waits for it), one after is refused."""
    from assessments.selectors import link_for_submission
    from assessments.services import LinkClosed, link_close, response_submit

    link = link_for_submission(pre_link.code)
    submission = Submission(True, "13_18", "", "amber fox", answers_for(questionnaire))
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        store_uncommitted(link, submission, uuid.uuid4(), db=other)  # in flight
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '1s'")
        with pytest.raises(OperationalError, match="lock timeout"):
            link_close(link=pre_link, actor=facilitator)  # waits for her commit
        other.commit()
        link_close(link=pre_link, actor=facilitator)
    finally:
        other.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    with pytest.raises(LinkClosed):
        response_submit(link=link, submission=submission, client_submission_id=uuid.uuid4())
    assert Response.objects.filter(session=session).count() == 1
