"""The submission's hot path (issue 7) stores exactly what the form and the ORM would.

A complete, well-formed web submission is read without the form (``submission_from``) and
stored by one database call (``assessments_response_store`` on PostgreSQL) or a few plain
statements (other databases). These tests hold both to the slow, obvious way: the form's
reading of the same POST, and the repeat rule of ``assessments.pairing``.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from assessments.answers import Submission, clean_answers
from assessments.forms import ParticipantForm
from assessments.models import Answer, CollectionLink, ItemKind, Response
from assessments.pairing import pairing_recompute
from assessments.selectors import link_for_submission
from assessments.services import LinkClosed, response_submit
from assessments.services import responses as storing
from tests.assessments.conftest import answers_for, form_data


def query_dict(data: dict) -> QueryDict:
    posted = QueryDict(mutable=True)
    for key, value in data.items():
        posted[key] = value
    return posted


def one_item(questionnaire, kind):
    return questionnaire.items.filter(kind=kind, is_retired=False).order_by("position").first()


def variants(questionnaire) -> dict[str, dict]:
    """POSTs a girl's browser (or a script) might send, valid or not."""
    choice = one_item(questionnaire, ItemKind.KNOWLEDGE_CHOICE)
    true_false = one_item(questionnaire, ItemKind.KNOWLEDGE_TRUE_FALSE)
    likert = one_item(questionnaire, ItemKind.SELF_EFFICACY)
    base = form_data(questionnaire)
    cases = {
        "complete": base,
        "no gender": {**base, "gender": ""},
        "code with spaces around": {**base, "memorable_code": "  river 12  "},
        "no assent": {k: v for k, v in base.items() if k != "assent"},
        "unknown age band": {**base, "age_band": "13-18"},
        "code too long": {**base, "memorable_code": "x" * 41},
        "empty code": {**base, "memorable_code": "   "},
        "birthday as code": {**base, "memorable_code": "12.03.2011"},
        "bad client id": {**base, "client_submission_id": "not-a-uuid"},
        "extra question": {**base, "item-Z99": "a"},
        "likert out of range": {**base, f"item-{likert.key}": "6"},
        "one answer missing": {k: v for k, v in base.items() if k != f"item-{likert.key}"},
    }
    if choice is not None:
        cases["option in capitals"] = {
            **base,
            f"item-{choice.key}": choice.options[0]["key"].upper(),
        }
    if true_false is not None:
        cases["yes for true"] = {**base, f"item-{true_false.key}": "yes"}
    return cases


def test_the_fast_reading_is_the_forms_or_nothing(pre_link, questionnaire):
    items = link_for_submission(pre_link.code).items()
    read = 0
    for name, data in variants(questionnaire).items():
        posted = query_dict(data)
        fast = ParticipantForm.submission_from(posted, items)
        form = ParticipantForm(posted, items=items, language="en")
        if fast is None:
            continue  # the form answers it (and says what is wrong, if anything)
        submission, client_id = fast
        if not form.is_valid():
            # What only the service's own checks refuse: it refuses it too, storing nothing.
            with pytest.raises(ValidationError):
                response_submit(
                    link=link_for_submission(pre_link.code),
                    submission=submission,
                    client_submission_id=client_id,
                )
            continue
        read += 1
        assert submission == form.submission(), name
        assert client_id == form.cleaned_data["client_submission_id"], name
    assert read >= 3  # complete, no gender, spaces around the code
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "case", ["option in capitals", "yes for true", "extra question", "one answer missing"]
)
def test_what_the_form_refuses_is_refused_with_its_message(girl, pre_link, questionnaire, case):
    data = variants(questionnaire).get(case)
    if data is None:
        pytest.skip(f"the questionnaire has no item for {case!r}")
    response = girl.post(reverse("participate:respond", args=[pre_link.code]), data)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode() or "error" in response.content.decode()
    assert not Response.objects.exists()


def test_response_columns_are_the_models():
    columns = {f.column for f in Response._meta.concrete_fields if not f.primary_key}
    assert set(storing.RESPONSE_COLUMNS) == columns


def submit(link, code: str, *, at: datetime.datetime, client_id=None):
    questionnaire_answers = answers_for(link.questionnaire)
    return response_submit(
        link=link_for_submission(link.code),
        submission=Submission(True, "13_18", "", code, questionnaire_answers),
        client_submission_id=client_id or uuid.uuid4(),
        now=at,
    )


def use_path(path: str, monkeypatch) -> None:
    """Store through the database function (PostgreSQL) or the portable statements."""
    if path == "statements":
        monkeypatch.setattr(
            storing,
            "_store_in_one_call",
            lambda response, answers: storing._store_statement_by_statement(
                response, answers, timezone.now()
            ),
        )
    elif connection.vendor != "postgresql":
        pytest.skip("the database function exists on PostgreSQL only")


@pytest.mark.parametrize("path", ["database", "statements"])
def test_a_link_closed_after_it_was_read_stores_nothing_new(path, monkeypatch, pre_link, session):
    """An erasure closes the celebration's links and erases its responses while a girl's
    submission, which read its link open, waits for the lock: her answers must not land in
    the erased session. A resend of answers stored before is still recognised."""
    use_path(path, monkeypatch)
    at = timezone.now()
    stored = submit(pre_link, "amber fox", at=at)
    read_open = link_for_submission(pre_link.code)
    CollectionLink.objects.filter(pk=pre_link.pk).update(closed_at=timezone.now())

    with pytest.raises(LinkClosed):
        response_submit(
            link=read_open,
            submission=Submission(
                True, "13_18", "", "blue owl", answers_for(pre_link.questionnaire)
            ),
            client_submission_id=uuid.uuid4(),
            now=at,
        )
    assert list(Response.objects.filter(session=session)) == [stored.response]
    resent = response_submit(
        link=read_open,
        submission=Submission(True, "13_18", "", "amber fox", answers_for(pre_link.questionnaire)),
        client_submission_id=stored.response.client_submission_id,
        now=at,
    )
    assert not resent.created and resent.response.pk == stored.response.pk


@pytest.mark.parametrize("path", ["database", "statements"])
def test_repeat_rule_and_resends_match_the_orm(path, monkeypatch, pre_link, post_link, session):
    """Repeats of both phases, out of order in time, and resends: the flags the hot path
    leaves are the flags ``pairing_recompute`` computes from scratch."""
    use_path(path, monkeypatch)
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    minute = datetime.timedelta(minutes=1)
    plan = [
        (pre_link, "amber fox", 5),
        (pre_link, "amber fox", 2),  # an earlier pre sent later: it becomes the counting one
        (pre_link, "amber fox", 9),
        (pre_link, "blue owl", 3),
        (post_link, "amber fox", 20),
        (post_link, "amber fox", 25),  # the last post counts
        (post_link, "amber fox", 21),
        (post_link, "blue owl", 22),
        (post_link, "blue owl", 22),  # the same minute: the higher id counts
    ]
    first_client = uuid.uuid4()
    for index, (link, code, minutes) in enumerate(plan):
        result = submit(
            link, code, at=start + minutes * minute, client_id=first_client if index == 0 else None
        )
        assert result.created and result.response.pk
    resent = submit(pre_link, "amber fox", at=start + 40 * minute, client_id=first_client)
    assert not resent.created

    responses = Response.objects.filter(session=session)
    assert responses.count() == len(plan)
    assert Answer.objects.filter(response__session=session).count() == len(plan) * len(
        answers_for(pre_link.questionnaire)
    )
    left = dict(responses.values_list("pk", "counts_for_pairing"))
    pairing_recompute(session_id=session.pk)
    assert dict(responses.values_list("pk", "counts_for_pairing")) == left
    assert responses.filter(counts_for_pairing=True).count() == 4  # a pre and a post per girl
    amber = responses.get(phase="pre", submitted_at=start + 5 * minute).participant_key
    blue = responses.get(phase="pre", submitted_at=start + 3 * minute).participant_key
    counting = responses.filter(counts_for_pairing=True)
    assert counting.get(phase="pre", participant_key=amber).submitted_at == start + 2 * minute
    assert counting.get(phase="post", participant_key=amber).submitted_at == start + 25 * minute
    blue_posts = responses.filter(phase="post", participant_key=blue).order_by("pk")
    assert [r.counts_for_pairing for r in blue_posts] == [False, True]


def test_a_stored_response_keeps_every_value(pre_link, session):
    at = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    result = submit(pre_link, "green tiger", at=at)
    stored = Response.objects.get(pk=result.response.pk)
    for field in storing.RESPONSE_COLUMNS:
        assert getattr(stored, field) == getattr(result.response, field), field
    assert stored.submitted_at == at and stored.knowledge_score is not None
    link = link_for_submission(pre_link.code)
    expected = clean_answers(link.items(), answers_for(pre_link.questionnaire), require_all=True)
    assert {
        (answer.item_id, answer.option, answer.likert, answer.text, answer.is_correct)
        for answer in Answer.objects.filter(response=stored)
    } == {(a.item.pk, a.option, a.likert, a.text, a.is_correct) for a in expected}


def test_a_link_deleted_while_she_answers_is_unknown_not_an_error(
    girl, pre_link, questionnaire, monkeypatch
):
    monkeypatch.setattr("assessments.views.participant.link_for_submission", lambda code: None)
    response = girl.post(
        reverse("participate:respond", args=[pre_link.code]), form_data(questionnaire)
    )
    assert response.status_code == 404
    assert not Response.objects.exists()


def test_secrets_and_codes_stay_out_of_tracebacks(pre_link):
    link = link_for_submission(pre_link.code)
    assert link.pairing_secret not in repr(link)
    submission = Submission(True, "13_18", "", "violet comet 4", {})
    assert "violet" not in repr(submission)
