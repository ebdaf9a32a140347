"""What is never stored: names, e-mail, phone, birth date, address, browser, exact time."""

from __future__ import annotations

import logging

from django.db import connection
from django.test import Client
from django.urls import reverse

from assessments.models import Answer, Response
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
        assert sent.status_code == 303
        phone.get(sent["Location"])

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
    assert "memorable_code" not in url and SECRET_CODE not in sent["Location"]
