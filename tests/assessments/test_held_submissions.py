"""Fake answers: what one client sends a link beyond a plausible number is held, flagged to
the facilitator, who releases or voids the batch; voided answers leave every figure."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import HeldResponse, HeldStatus, Phase, Response
from assessments.selectors import event_response_counts, session_response_summary
from tests.assessments.conftest import form_data, hidden_client_id


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    """Every request of a test falls in the same rate-limit window (no flaky boundary)."""
    monkeypatch.setattr("assessments.ratelimit._clock", lambda: 1_800_000_000.0)


def _send(phone: Client, url: str, questionnaire, code: str, **kwargs):
    page = phone.get(url)
    assert page.status_code == 200
    data = form_data(
        questionnaire, code=code, client_id=hidden_client_id(page.content.decode()), **kwargs
    )
    data.update(_seal(page.content.decode()))
    return phone.post(url, data)


def _seal(html: str) -> dict:
    match = re.search(r'name="submission_seal" value="([^"]+)"', html)
    return {"submission_seal": match.group(1)} if match else {}


def _held_batches(page) -> list[str]:
    return re.findall(r"/held/([0-9a-f-]{36})/void/", page.content.decode())


@pytest.mark.services
def test_a_flood_of_fake_answers_from_one_phone_is_held_and_voided_out_of_every_figure(
    require_redis, settings, session, pre_link, questionnaire, facilitator
):
    settings.ASSESSMENTS_PLAUSIBLE_PER_CLIENT = 10
    url = reverse("participate:respond", args=[pre_link.code])
    for girl in range(30):
        phone = Client(REMOTE_ADDR=f"198.51.100.{girl + 1}")
        assert _send(phone, url, questionnaire, f"falcon {girl}").status_code == 200
    script = Client(REMOTE_ADDR="203.0.113.9")  # keeps its cookie, as a browser does
    answers = [_send(script, url, questionnaire, f"fake {n}", correct=0) for n in range(60)]
    # The script sees what a girl sees: a thank-you, every time; nothing tells it apart.
    assert {answer.status_code for answer in answers} == {200}
    assert Response.objects.filter(session=session).count() == 30 + 10
    assert HeldResponse.objects.filter(session=session, status=HeldStatus.HELD).count() == 50

    # The held answers count in no figure while held.
    assert session_response_summary(session)["pre"] == 40
    assert event_response_counts(session.event)["responses"] == 40

    staff = Client()
    staff.force_login(facilitator)
    detail = staff.get(reverse("assessments:session", args=[session.pk]))
    text = detail.content.decode()
    assert "50 answers are held: they count in no figure until you release them." in text
    (batch,) = _held_batches(detail)
    voided = staff.post(reverse("assessments:held_void", args=[session.pk, batch]), follow=True)
    assert "50 held responses were voided." in voided.content.decode()
    assert "50 answers were voided and count in no figure." in voided.content.decode()
    assert _held_batches(voided) == []
    assert session_response_summary(session)["pre"] == 40
    assert HeldResponse.objects.filter(status=HeldStatus.VOIDED).count() == 50
    assert not HeldResponse.objects.exclude(response={}).exists()  # the answers are dropped


@pytest.mark.services
def test_a_phone_shared_by_a_group_is_held_and_released_with_each_girl_counted_once(
    require_redis, settings, session, pre_link, questionnaire, facilitator
):
    settings.ASSESSMENTS_PLAUSIBLE_PER_CLIENT = 2
    url = reverse("participate:respond", args=[pre_link.code])
    shared = Client(REMOTE_ADDR="198.51.100.77")
    for n in range(5):
        page = shared.get(url)
        data = form_data(
            questionnaire, code=f"owl {n}", client_id=hidden_client_id(page.content.decode())
        )
        data.update(_seal(page.content.decode()))
        assert shared.post(url, data).status_code == 200
        assert shared.post(url, data).status_code == 200  # a double tap: counted once
    assert Response.objects.filter(session=session).count() == 2
    assert HeldResponse.objects.filter(session=session).count() == 3

    staff = Client()
    staff.force_login(facilitator)
    (batch,) = _held_batches(staff.get(reverse("assessments:session", args=[session.pk])))
    released = staff.post(
        reverse("assessments:held_release", args=[session.pk, batch]), follow=True
    )
    assert "3 held responses are now counted." in released.content.decode()
    assert session_response_summary(session)["pre"] == 5
    assert not HeldResponse.objects.exists()
    # Sent again after the release: recognised, stored once.
    assert shared.post(url, data).status_code == 200
    assert Response.objects.filter(session=session, phase=Phase.PRE).count() == 5


@pytest.mark.services
def test_a_script_dropping_its_cookie_is_held_beyond_a_schools_network(
    require_redis, settings, session, pre_link, questionnaire
):
    settings.ASSESSMENTS_PLAUSIBLE_PER_ADDRESS = 40
    url = reverse("participate:respond", args=[pre_link.code])
    for n in range(55):
        assert (
            _send(Client(REMOTE_ADDR="203.0.113.10"), url, questionnaire, f"bot {n}").status_code
            == 200
        )
    assert Response.objects.filter(session=session).count() == 40
    held = HeldResponse.objects.filter(session=session)
    assert held.count() == 15
    assert held.values("batch").distinct().count() == 1  # one batch: that address


def test_held_answers_are_erased_with_their_celebration(
    db, session, pre_link, questionnaire, coordinator, settings
):
    import uuid

    from assessments.services import responses_erase_for_event

    HeldResponse.objects.create(
        session=session,
        phase=Phase.PRE,
        batch=uuid.uuid4(),
        client_submission_id=uuid.uuid4(),
        payload_digest="0" * 64,
        submitted_at=pre_link.opened_at.replace(second=0, microsecond=0),
        response={"answers": []},
    )
    counts = responses_erase_for_event(event=session.event, actor=coordinator)
    assert counts["held"] == 1
    assert not HeldResponse.objects.exists()


@pytest.mark.parametrize("store", ["redis", "locmem"])
def test_the_hold_is_decided_alike_on_redis_and_any_other_cache(request, settings, db, store):
    import uuid

    from django.core.cache import cache
    from django.test import RequestFactory

    from assessments.ratelimit import submission_hold_batch

    if store == "redis":
        request.getfixturevalue("require_redis")
    else:
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    settings.ASSESSMENTS_PLAUSIBLE_PER_CLIENT = 3
    phone = RequestFactory().post("/a/CODE/", REMOTE_ADDR="203.0.113.4")
    ids = [uuid.uuid4() for _ in range(5)]
    # No cookie: counted by its address.
    settings.ASSESSMENTS_PLAUSIBLE_PER_ADDRESS = 3
    decided = [submission_hold_batch(phone, link_id=8, client_submission_id=i) for i in ids]
    assert decided[:3] == [None, None, None]
    assert decided[3] is not None and decided[3] == decided[4]  # one batch
    # Sent again, each id is decided as before and counted once.
    again = [submission_hold_batch(phone, link_id=8, client_submission_id=i) for i in ids]
    assert again == decided
    other_link = submission_hold_batch(phone, link_id=9, client_submission_id=ids[0])
    assert other_link is None
    cache.clear()
