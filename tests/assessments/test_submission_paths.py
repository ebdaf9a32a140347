"""The submission's hot path (issue 7) stores exactly what the form and the ORM would.

A complete, well-formed web submission is read without the form (``submission_from``) and
stored by one database call (``assessments_response_store`` on PostgreSQL) or a few plain
statements (other databases). These tests hold the fast reading to the slow, obvious way:
the form's reading of the same POST. What the two storage paths do — each case run against
both, their flags held to the repeat rule of ``assessments.pairing`` — is
``submission_spec.py`` (run by ``test_submission_spec.py``).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse

from assessments.answers import Submission
from assessments.forms import ParticipantForm
from assessments.models import ItemKind, Response
from assessments.selectors import link_for_submission
from assessments.services import response_submit
from assessments.services import responses as storing
from tests.assessments.conftest import form_data


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
