"""What is never stored: names, e-mail, phone, birth date, address, browser, exact time."""

from __future__ import annotations

import logging

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, Item, QuestionnaireStatus, Response
from tests.assessments.conftest import form_data

SECRET_CODE = "Zawadi Mwangi 2011"
ADDRESS = "203.0.113.77"
BROWSER = "Mozilla/5.0 (Linux; Android 13; SM-A146B) PrivacyProbe/1.0"


def _row_text(model) -> str:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 -- our own table name
        return repr(cursor.fetchall())


def test_stored_rows_and_logs_hold_nothing_that_identifies_her(
    pre_link, questionnaire, caplog, settings
):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    phone = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER, HTTP_X_FORWARDED_FOR=ADDRESS)
    url = reverse("participate:respond", args=[pre_link.code])
    with caplog.at_level(logging.DEBUG):
        phone.get(url)
        bad = form_data(questionnaire, code=SECRET_CODE)
        bad.pop("assent")
        assert phone.post(url, bad).status_code == 400  # logged as a bad request
        sent = phone.post(url, form_data(questionnaire, code=SECRET_CODE))
        assert sent.status_code == 200
        # Her code comes back in the page itself (to write down), never in an address.
        assert SECRET_CODE in sent.content.decode() and not sent.has_header("Location")
        assert "no-store" in sent["Cache-Control"]

    response = Response.objects.get()
    field_names = {field.name for field in Response._meta.get_fields()}
    assert field_names == {
        "id", "session", "questionnaire", "phase", "age_band", "gender", "assent", "source",
        "client_submission_id", "payload_digest", "participant_key", "submitted_at",
        "knowledge_score", "self_efficacy_mean", "intention_mean", "counts_for_pairing",
        "answers",
    }  # fmt: skip
    assert (response.submitted_at.second, response.submitted_at.microsecond) == (0, 0)

    stored = _row_text(Response) + _row_text(Answer)
    for needle in ("zawadi", "mwangi", "2011", ADDRESS, "PrivacyProbe", "Android"):
        assert needle.lower() not in stored.lower(), needle
    assert SECRET_CODE not in stored

    logged = "\n".join(
        f"{record.getMessage()} {record.args!r} {getattr(record, 'request', '')!r}"
        for record in caplog.records
    )
    assert logged  # the bad request was logged …
    for needle in ("Zawadi", "Mwangi", ADDRESS, "PrivacyProbe", SECRET_CODE):
        assert needle not in logged, needle  # … without her code, address or browser
    assert SECRET_CODE.replace(" ", "+") not in logged
    assert "memorable_code" not in url


# --- No free text (issue 20) ------------------------------------------------------------


def test_no_question_can_ask_a_girl_to_type_text(client, secretariat, questionnaire):
    """A typed answer can hold her name or a disclosure of abuse: the editor offers no
    free-text kind, and refuses one sent anyway, adding nothing."""
    questionnaire.status = QuestionnaireStatus.DRAFT
    questionnaire.save()
    client.force_login(secretariat)
    url = reverse("assessments:item_add", args=[questionnaire.pk])
    count = Item.objects.count()
    page = client.get(reverse("assessments:questionnaire", args=[questionnaire.pk]))
    assert 'value="free_text"' not in page.content.decode()
    refused = client.post(url, {"kind": "free_text", "text": "Tell us what happened to you."})
    assert refused.status_code == 400
    assert "free_text is not one of the available choices" in refused.content.decode()
    assert Item.objects.count() == count


def test_the_database_refuses_a_stored_text_and_a_free_text_item(pre_link, questionnaire):
    sent = Client().post(
        reverse("participate:respond", args=[pre_link.code]), form_data(questionnaire)
    )
    assert sent.status_code == 200
    response = Response.objects.get()
    assert not Answer.objects.exclude(text="").exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        Item.objects.create(
            questionnaire=questionnaire, key="T9", position=99, kind="free_text", text="Why?"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Answer.objects.filter(response=response).update(text="My name is Zawadi")
