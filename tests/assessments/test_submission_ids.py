"""Submission ids are the portal's: issued with the page, sealed with its secret key. A client
cannot mint ids — to send answers without opening the page, or to take the id of another
girl's submission — and a sealed id stays valid for the link's life (a resend, a phone's
queue of answers sent once it is back online) and counts once."""

from __future__ import annotations

import uuid

from django.test import Client
from django.urls import reverse

from assessments.forms import submission_seal
from assessments.models import Response
from tests.assessments.conftest import form_data, hidden_client_id, hidden_seal


def _url(link) -> str:
    return reverse("participate:respond", args=[link.code])


def test_a_minted_submission_id_stores_nothing_and_her_page_comes_back_to_send_again(
    girl, pre_link, questionnaire
):
    minted = str(uuid.uuid4())
    data = form_data(questionnaire, code="heron 12", client_id=minted)
    for seal in ("", "forged", submission_seal(uuid.uuid4())):
        data["submission_seal"] = seal
        refused = girl.post(_url(pre_link), data)
        assert refused.status_code == 400
        assert not Response.objects.exists()
    html = refused.content.decode()
    assert "This page could not be sent as it was. Your answers are still here" in html
    assert 'value="heron 12"' in html
    issued = hidden_client_id(html)
    assert issued != minted
    # Sent again as the page now stands: stored, under the id the portal issued.
    data.update(client_submission_id=issued, submission_seal=hidden_seal(html))
    assert girl.post(_url(pre_link), data).status_code == 200
    assert list(Response.objects.values_list("client_submission_id", flat=True)) == [
        uuid.UUID(issued)
    ]


def test_a_sealed_id_is_stored_once_and_cannot_carry_other_answers(girl, pre_link, questionnaire):
    page = girl.get(_url(pre_link)).content.decode()
    data = form_data(questionnaire, client_id=hidden_client_id(page))
    data["submission_seal"] = hidden_seal(page)
    assert girl.post(_url(pre_link), data).status_code == 200
    assert girl.post(_url(pre_link), data).status_code == 200  # a resend: counted once
    replayed = form_data(questionnaire, client_id=hidden_client_id(page), correct=0)
    replayed["submission_seal"] = hidden_seal(page)
    assert Client(REMOTE_ADDR="203.0.113.50").post(_url(pre_link), replayed).status_code == 409
    assert Response.objects.count() == 1


def test_a_page_kept_offline_sends_its_answers_the_next_day_while_its_link_is_open(
    girl, pre_link, questionnaire, facilitator, settings
):
    """The seal does not expire and survives a new secret key (SECRET_KEY_FALLBACKS): a
    phone that wrote its answers offline sends them whenever it is back, once."""
    page = girl.get(_url(pre_link)).content.decode()
    data = form_data(questionnaire, client_id=hidden_client_id(page))
    data["submission_seal"] = hidden_seal(page)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert girl.post(_url(pre_link), data).status_code == 200
    assert girl.post(_url(pre_link), data).status_code == 200
    assert Response.objects.count() == 1
