"""Rate limits: a class of 60 within a minute passes, a script posting thousands is stopped."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from assessments.models import Response
from assessments.ratelimit import client_fingerprint
from tests.assessments.conftest import form_data, hidden_client_id


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    """Every request of a test falls in the same one-minute window (no flaky boundary)."""
    monkeypatch.setattr("assessments.ratelimit._clock", lambda: 1_800_000_000.0)


def test_a_class_of_sixty_behind_one_school_address_is_never_limited(pre_link, questionnaire):
    url = reverse("participate:respond", args=[pre_link.code])
    statuses = []
    for girl in range(60):
        phone = Client(REMOTE_ADDR="192.0.2.10")  # the whole school behind one router
        page = phone.get(url)
        statuses.append(page.status_code)
        data = form_data(
            questionnaire, code=f"star {girl}", client_id=hidden_client_id(page.content.decode())
        )
        sent = phone.post(url, data)
        statuses.append(sent.status_code)
        if girl % 5 == 0:  # double taps
            statuses.append(phone.post(url, data).status_code)
    assert set(statuses) == {200}  # each page, each thank-you (the POST's own page)
    assert Response.objects.count() == 60


def test_a_script_posting_thousands_from_one_address_is_stopped(pre_link, settings):
    url = reverse("participate:respond", args=[pre_link.code])
    script = Client(REMOTE_ADDR="192.0.2.66")
    limit = settings.ASSESSMENTS_RATE_PER_CLIENT
    statuses = [
        script.post(url, b"\x00" * 64, content_type="application/octet-stream").status_code
        for _ in range(2000)
    ]
    assert statuses[:limit] == [415] * limit
    assert statuses[limit:] == [429] * (2000 - limit)
    limited = script.post(url, {"junk": "again"})
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "Please wait" in limited.content.decode()
    # Another phone is not punished for the script's address.
    assert Client(REMOTE_ADDR="192.0.2.67").get(url).status_code == 200
    assert not Response.objects.exists()


def test_a_script_rotating_addresses_is_stopped_per_link(pre_link, settings):
    settings.ASSESSMENTS_RATE_PER_LINK = 120
    url = reverse("participate:respond", args=[pre_link.code])
    statuses = [
        Client(REMOTE_ADDR=f"10.9.{i // 200}.{i % 200}").post(url, {"junk": "x"}).status_code
        for i in range(150)
    ]
    assert statuses[:120].count(429) == 0
    assert statuses[120:] == [429] * 30


def request_from(remote: str, forwarded: str | None = None):
    factory = RequestFactory()
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.get("/a/", **extra)


def test_a_forwarded_for_header_is_not_trusted_without_a_trusted_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = client_fingerprint(request_from("192.0.2.7"))
    assert client_fingerprint(request_from("192.0.2.7", "203.0.113.1")) == plain
    assert client_fingerprint(request_from("192.0.2.7", "203.0.113.2")) == plain


def test_behind_one_trusted_proxy_the_hop_it_saw_is_the_client(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    girl = client_fingerprint(request_from(proxy, "198.51.100.9"))
    assert girl != client_fingerprint(request_from(proxy, "198.51.100.10"))
    # A client cannot pose as another by sending her own X-Forwarded-For first.
    assert client_fingerprint(request_from(proxy, "203.0.113.50, 198.51.100.9")) == girl
    # A request that did not come through the proxy is counted by its own address.
    assert client_fingerprint(request_from("192.0.2.7")) == client_fingerprint(
        request_from("192.0.2.7", "")
    )


def test_two_trusted_proxies_take_the_second_hop_from_the_end(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    seen = client_fingerprint(request_from("10.0.0.2", "203.0.113.50, 198.51.100.9, 10.0.0.1"))
    assert seen == client_fingerprint(request_from("10.0.0.3", "198.51.100.9, 10.0.0.1"))
    # Fewer hops than proxies (a misconfiguration) falls back to the connection, not a 500.
    assert client_fingerprint(request_from("10.0.0.2", "198.51.100.9")) == client_fingerprint(
        request_from("10.0.0.2")
    )
