"""One client, or three, cannot spoil a class's open link, nor learn which codes exist."""

from __future__ import annotations

import datetime
import re

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from assessments.models import Response
from assessments.ratelimit import CLIENT_COOKIE, participant_request_allowed, remember_client
from assessments.services import link_close
from tests.assessments.conftest import form_data, hidden_client_id


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    """Every request of a test falls in the same one-minute window (no flaky boundary)."""
    monkeypatch.setattr("assessments.ratelimit._clock", lambda: 1_800_000_000.0)


@pytest.mark.services
@pytest.mark.parametrize("keeps_cookie", [True, False], ids=["with-cookie", "cookie-dropped"])
def test_three_flooding_clients_do_not_lock_forty_girls_out_of_their_link(
    require_redis, pre_link, questionnaire, keeps_cookie
):
    """Three clients at 5,000 requests a minute each against the link, in the same minute as
    40 girls who each open the page and send once: all 40 stored, none sees 429."""
    url = reverse("participate:respond", args=[pre_link.code])
    factory = RequestFactory()
    attackers = [f"203.0.113.{n}" for n in (5, 6, 7)]
    cookies = {}
    refused = 0
    for n in range(5_000):
        for address in attackers:
            request = factory.post(url, REMOTE_ADDR=address)
            if keeps_cookie and address in cookies:
                request.COOKIES[CLIENT_COOKIE] = cookies[address]
            allowed = participant_request_allowed(request, link_code=pre_link.code)
            refused += not allowed
            if keeps_cookie and address not in cookies:
                issued = remember_client(request, HttpResponse())
                cookies[address] = issued.cookies[CLIENT_COOKIE].value
        if n == 2_500:  # the class answers in the middle of the flood
            statuses = []
            for girl in range(40):
                phone = Client(REMOTE_ADDR=f"198.51.100.{girl + 1}")
                page = phone.get(url)
                statuses.append(page.status_code)
                data = form_data(
                    questionnaire,
                    code=f"falcon {girl}",
                    client_id=hidden_client_id(page.content.decode()),
                )
                statuses.append(phone.post(url, data).status_code)
    assert refused >= 3 * (5_000 - 400)  # the flood itself is stopped
    assert 429 not in statuses
    assert Response.objects.count() == 40


@pytest.fixture
def closed_link(pre_link, facilitator):
    link_close(link=pre_link, actor=facilitator)
    return pre_link


@pytest.fixture
def expired_link(post_link):
    post_link.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    post_link.save()
    return post_link


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_unknown_closed_and_expired_codes_get_the_same_page_and_status(
    db, closed_link, expired_link
):
    answers = {
        code: Client(REMOTE_ADDR="192.0.2.44").get(f"/a/{code}/?lang=en")
        for code in ["HXKT49", closed_link.code, expired_link.code]
    }
    statuses = {code: page.status_code for code, page in answers.items()}
    bodies = {_without_csrf(page.content.decode()) for page in answers.values()}
    assert set(statuses.values()) == {404}, statuses
    assert len(bodies) == 1
    # Junk sent to them is answered alike too.
    posted = {
        Client(REMOTE_ADDR="192.0.2.45").post(f"/a/{code}/", {"assent": "on"}).status_code
        for code in answers
    }
    assert posted == {404}
    # Typed on the enter page, an issued code and an unknown one lead on the same way.
    enter = reverse("participate:enter")
    typed = [
        Client().get(enter, {"code": code})["Location"].split("/")[1:2]
        for code in ["HXKT49", closed_link.code]
    ]
    assert typed[0] == typed[1] == ["a"]


def test_the_thanks_page_reveals_nothing_about_a_code(db, pre_link, closed_link):
    pages = [
        Client().get(f"/a/{code}/thanks/", {"lang": "en", "phase": "pre"})
        for code in [pre_link.code, "HXKT49", "ACEFHJ"]
    ]
    assert {page.status_code for page in pages} == {200}
    assert len({page.content.decode() for page in pages}) == 1
