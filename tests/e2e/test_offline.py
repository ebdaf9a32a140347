"""The questionnaire without a connection (issue 19), in Chromium with the network switched
off and on (Playwright ``context.set_offline``): answers kept on the device, sent once."""

from __future__ import annotations

import datetime
import json
import time

import pytest
from django.utils import timezone

from assessments.models import Phase, Response
from assessments.selectors import session_response_summary
from assessments.services import link_close, link_open
from events.models import CopModule, CopSession
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_journeys import (
    MODULE,
    answer_questionnaire,
    published_event,
    questionnaire_items,
)

GIRLS = 8
CACHE = "copgirls-participant-v1"


@pytest.fixture
def cop_session(portal):
    return CopSession.objects.create(
        event=published_event("Girls in ICT Day Kisumu"),
        module=CopModule.objects.get(code=MODULE),
        starts_at=timezone.now(),
        duration_minutes=45,
        delivery="in_person",
        language="en",
        guardian_consent_confirmed=True,
    )


@pytest.fixture
def tablet(browser):
    context = browser.new_context(viewport={"width": 800, "height": 1280})
    yield context
    context.close()


def open_for_offline(page, url: str) -> None:
    """Open the questionnaire and wait until the device keeps it for opening offline."""
    page.goto(url)
    page.wait_for_function(
        "async (name) => { const c = await caches.open(name);"
        " return !!(navigator.serviceWorker.controller && await c.match(location.href)); }",
        arg=CACHE,
        timeout=15_000,
    )


def responses(session, phase: str) -> int:
    return Response.objects.filter(session=session, phase=phase).count()


def wait_for_responses(session, phase: str, count: int, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and responses(session, phase) < count:
        time.sleep(0.5)
    assert responses(session, phase) == count


def nothing_of_her_left(page) -> None:
    assert page.locator("form.questionnaire input:checked").count() == 0
    assert page.input_value("#id_memorable_code") == ""


def send(page):
    page.locator("form.questionnaire button.button[type=submit]").click()


def test_eight_girls_on_a_shared_tablet_offline_then_online_store_eight_paired_after_post(
    portal, tablet, cop_session
):
    from playwright.sync_api import expect  # with the browser: skipped locally without it

    pre = link_open(session=cop_session, phase=Phase.PRE, actor=None)
    items = questionnaire_items()
    page = tablet.new_page()
    open_for_offline(page, f"{portal.url}/a/{pre.code}/?device=shared")

    tablet.set_offline(True)
    for girl in range(GIRLS):
        answer_questionnaire(page, girl, Phase.PRE, items)
        send(page)
        status = page.locator("#offline-status")
        expect(status.locator(".offline-count")).to_have_text(str(girl + 1))
        expect(status.locator(".offline-message")).to_contain_text("Saved on this device.")
        nothing_of_her_left(page)  # the next girl sees nothing of the one before
    screenshot(page, "offline-shared-tablet-queued")
    assert responses(cop_session, Phase.PRE) == 0

    page.reload()  # still offline: the service worker gives the page, the queue is kept
    assert page.locator(".offline-count").inner_text() == str(GIRLS)
    nothing_of_her_left(page)
    assert_accessible(page, "questionnaire offline on a shared tablet")

    tablet.set_offline(False)
    page.locator("#offline-status").get_by_text("have been sent").wait_for(timeout=40_000)
    wait_for_responses(cop_session, Phase.PRE, GIRLS)
    time.sleep(2)  # nothing more arrives: each was sent once
    assert responses(cop_session, Phase.PRE) == GIRLS
    assert page.evaluate("localStorage.getItem('copgirls.queue.v1')") == "[]"

    # After the discussion, the same tablet online: each girl's answers go at once.
    post = link_open(session=cop_session, phase=Phase.POST, actor=None)
    open_for_offline(page, f"{portal.url}/a/{post.code}/?device=shared")
    for girl in range(GIRLS):
        answer_questionnaire(page, girl, Phase.POST, items)
        send(page)
        # Stored on the server a moment before the page hears back and empties the form.
        expect(page.locator("form.questionnaire input:checked")).to_have_count(0)
        expect(page.locator("#offline-status .offline-message")).to_contain_text(
            "Pass the device to the next girl"
        )
        wait_for_responses(cop_session, Phase.POST, girl + 1, seconds=10)
        nothing_of_her_left(page)
    summary = session_response_summary(cop_session)
    assert (summary["pre"], summary["post"], summary["pairs"]) == (GIRLS, GIRLS, GIRLS)


def test_a_queued_answer_whose_link_closed_meanwhile_stays_on_the_device_with_a_message(
    portal, phone, cop_session
):
    link = link_open(session=cop_session, phase=Phase.PRE, actor=None)
    page = phone.new_page()
    open_for_offline(page, f"{portal.url}/a/{link.code}/")
    phone.set_offline(True)
    send(page)  # nothing answered yet: not kept, and she is told what is missing
    page.locator("#offline-status").get_by_text("There is no connection.").wait_for()
    answer_questionnaire(page, 3, Phase.PRE, questionnaire_items())
    send(page)
    page.locator("#offline-status").get_by_text("Saved on this phone.").wait_for()

    link_close(link=link, actor=None)
    phone.set_offline(False)
    held = page.locator("#offline-status .offline-held")
    held.wait_for(timeout=40_000)
    assert "the questionnaire is closed" in held.inner_text()
    assert "show this message to the person leading the discussion" in held.inner_text()
    assert responses(cop_session, Phase.PRE) == 0
    queued = json.loads(page.evaluate("localStorage.getItem('copgirls.queue.v1')"))
    assert [entry["state"] for entry in queued] == ["closed"]
    # Each entry carries its keep-until date, 30 days on, shown to the facilitator.
    keep_until = datetime.datetime.fromisoformat(queued[0]["keepUntil"].replace("Z", "+00:00"))
    days = (keep_until - datetime.datetime.now(datetime.UTC)).days
    assert 29 <= days <= 30, keep_until
    kept = page.locator("#offline-status .offline-kept time")
    assert kept.get_attribute("datetime") == keep_until.date().isoformat()
    assert str(keep_until.year) in kept.inner_text()
    screenshot(page, "offline-phone-held-closed")

    link_open(session=cop_session, phase=Phase.PRE, actor=None)  # the facilitator reopens it
    page.get_by_role("button", name="Send them again").click()
    page.locator("#offline-status").get_by_text("have been sent").wait_for(timeout=20_000)
    wait_for_responses(cop_session, Phase.PRE, 1)


def test_answers_met_by_a_database_outage_wait_on_the_device_and_go_once_it_is_back(
    portal, browser, cop_session
):
    """The portal answers 503 while PostgreSQL restarts: the page keeps her submission and
    sends it again by itself (here without the service worker: the queue does not need it)."""
    link = link_open(session=cop_session, phase=Phase.PRE, actor=None)
    context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"{portal.url}/a/{link.code}/")
        outage = {"on": True}

        def database_down(route):
            if route.request.method == "POST" and outage["on"]:
                route.fulfill(status=503, body="not sent", headers={"Retry-After": "10"})
            else:
                route.continue_()

        page.route(f"**/a/{link.code}/", database_down)
        answer_questionnaire(page, 4, Phase.PRE, questionnaire_items())
        send(page)
        page.locator("#offline-status").get_by_text("Saved on this phone.").wait_for()
        assert responses(cop_session, Phase.PRE) == 0
        outage["on"] = False
        page.evaluate("window.dispatchEvent(new Event('online'))")
        page.locator("#offline-status").get_by_text("have been sent").wait_for(timeout=20_000)
        wait_for_responses(cop_session, Phase.PRE, 1)
    finally:
        context.close()
