"""The cases of ``submission_spec`` against both storage paths: the database function and
the portable statements (forced on PostgreSQL, as they run on SQLite)."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict

import pytest
from django.db import connection
from django.utils import timezone

from assessments.answers import Submission, clean_answers
from assessments.models import Answer, CollectionLink, Phase, Response
from assessments.pairing import pairing_recompute
from assessments.selectors import link_for_submission
from assessments.services import LinkClosed, SubmissionConflict, response_submit
from assessments.services import responses as storing
from tests.assessments.conftest import answers_for
from tests.assessments.submission_spec import CASES, Case, Change, Send
from tests.conftest import service_missing

PATHS = {
    "database": lambda: storing._store_in_one_call,
    "statements": lambda: storing._store_statement_by_statement,
}


@pytest.fixture(params=list(PATHS))
def store_returned(request, monkeypatch) -> list:
    """Every submission stores through one path (whatever the database); the list gets
    what the store returned, call by call."""
    if request.param == "database" and connection.vendor != "postgresql":
        service_missing("the database function exists on PostgreSQL only")
    chosen = PATHS[request.param]()
    returned = []

    def store(response, answers):
        returned.append(chosen(response, answers))
        return returned[-1]

    monkeypatch.setattr(storing, "_store_in_one_call", store)
    monkeypatch.setattr(storing, "_store_statement_by_statement", store)
    return returned


def change(session, step: Change) -> None:
    links = CollectionLink.objects.filter(session=session, phase=step.phase)
    now = timezone.now()
    if step.what == "closed":
        links.update(closed_at=now)
    elif step.what == "expired":
        links.update(closes_at=now - datetime.timedelta(minutes=1))
    elif step.what == "not opened":
        links.update(opened_at=now + datetime.timedelta(hours=1))
    elif step.what == "deleted":
        links.delete()
    elif step.what == "closes later":
        links.update(closes_at=now + datetime.timedelta(hours=1))
    else:
        raise AssertionError(f"no such change: {step.what!r}")


@pytest.mark.parametrize("case", CASES, ids=[case.rule for case in CASES])
def test_submission(case: Case, store_returned, pre_link, post_link, session):
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    # Open an hour before and for a day after, whatever the hour: a link closes by itself
    # at the end of its session's day where it is held (Nairobi's midnight is 21:00 UTC).
    CollectionLink.objects.filter(session=session).update(
        opened_at=start - datetime.timedelta(hours=1), closes_at=start + datetime.timedelta(days=1)
    )
    read = {  # as the view read them, open, before anything happens
        Phase.PRE: link_for_submission(pre_link.code),
        Phase.POST: link_for_submission(post_link.code),
    }
    answers = {
        "same": answers_for(pre_link.questionnaire),
        "other": answers_for(pre_link.questionnaire, likert=2),
    }
    assert answers["same"] != answers["other"]
    clients: dict[str | None, uuid.UUID] = defaultdict(uuid.uuid4)
    stored: dict[str, Response] = {}
    first_of_client: dict[str, Response] = {}
    sends: dict[str, Send] = {}

    for step in case.steps:
        if isinstance(step, Change):
            change(session, step)
            continue
        calls = len(store_returned)
        client_id = clients[step.client] if step.client else uuid.uuid4()
        try:
            result = response_submit(
                link=read[step.phase],
                submission=Submission(True, "13_18", "", step.code, answers[step.answers]),
                client_submission_id=client_id,
                now=start + datetime.timedelta(minutes=step.minute),
            )
        except LinkClosed:
            answered = "link closed"
        except SubmissionConflict:
            answered = "conflict"
        else:
            answered = "created" if result.created else "resent"
        assert len(store_returned) == calls + 1, f"{step.name}: the store is called once"
        returned = store_returned[-1]
        expected_store, expected_answer = step.gives
        assert answered == expected_answer, step.name
        if expected_store == "id":
            assert returned == result.response.pk and returned > 0, step.name
            assert step.name not in stored, f"two sends named {step.name!r}"
            stored[step.name], sends[step.name] = result.response, step
            if step.client:
                first_of_client[step.client] = result.response
        else:
            assert returned == expected_store, step.name
        if answered == "resent":
            assert result.response.pk == first_of_client[step.client].pk, step.name

    # Nothing but what was stored; the flags are the case's.
    responses = Response.objects.filter(session=session)
    assert set(responses.values_list("pk", flat=True)) == {r.pk for r in stored.values()}
    flags = dict(responses.values_list("pk", "counts_for_pairing"))
    assert {name for name, r in stored.items() if flags[r.pk]} == case.counting
    # The flags the store leaves are those the repeat rule computes from scratch.
    pairing_recompute(session_id=session.pk)
    assert dict(responses.values_list("pk", "counts_for_pairing")) == flags

    # Each stored response keeps every value, and its answers.
    for name, response in stored.items():
        row = Response.objects.get(pk=response.pk)
        for column in storing.RESPONSE_COLUMNS:
            if column != "counts_for_pairing":
                assert getattr(row, column) == getattr(response, column), (name, column)
        send = sends[name]
        assert row.submitted_at == start + datetime.timedelta(minutes=send.minute), name
        assert row.assent is True and row.knowledge_score is not None, name
        expected = clean_answers(read[send.phase].items(), answers[send.answers], require_all=True)
        rows = [
            (answer.item_id, answer.option, answer.likert, answer.text, answer.is_correct)
            for answer in Answer.objects.filter(response=row)
        ]
        assert len(rows) == len(expected) == len(answers[send.answers]), name
        assert set(rows) == {(a.item.pk, a.option, a.likert, "", a.is_correct) for a in expected}
