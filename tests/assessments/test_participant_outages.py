"""A cache or database fault never shows a girl "Server Error", nor loses what she sent.

The cache here is a Redis that is not there (a port nothing listens on): the limits are
counted in the web process meanwhile. The database outage is PostgreSQL's error raised
where the page reads the link (the real restart is in tests/faults).
"""

from __future__ import annotations

import logging
import re
import socket

import pytest
from django.db import OperationalError
from django.test import Client, override_settings
from django.urls import reverse

from assessments import ratelimit
from assessments.models import Response
from tests.assessments.conftest import form_data, hidden_client_id


@pytest.fixture(autouse=True)
def _one_minute(monkeypatch):
    monkeypatch.setattr("assessments.ratelimit._clock", lambda: 1_800_000_000.0)


@pytest.fixture
def fresh_counters(monkeypatch):
    counters = ratelimit._ProcessCounters()
    monkeypatch.setattr(ratelimit, "_process_counters", counters)
    return counters


@pytest.fixture
def redis_gone(fresh_counters):
    with socket.socket() as probe:  # a port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gone = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=gone):  # restored before the suite clears the cache
        yield fresh_counters


def test_with_the_cache_gone_a_girl_opens_and_sends_her_questionnaire(
    redis_gone, pre_link, questionnaire, caplog
):
    url = reverse("participate:respond", args=[pre_link.code])
    phone = Client()
    with caplog.at_level(logging.WARNING, logger="assessments.ratelimit"):
        page = phone.get(url)
        assert page.status_code == 200
        sent = phone.post(
            url, form_data(questionnaire, client_id=hidden_client_id(page.content.decode()))
        )
    assert sent.status_code == 200
    assert sent["X-Submission-Stored"] == "1"
    assert Response.objects.count() == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings  # once per outage, not once per request
    assert "ConnectionError" in warnings[0]
    assert pre_link.code not in warnings[0]


def test_with_the_cache_gone_the_limits_still_stop_a_flood(redis_gone, settings, pre_link):
    settings.ASSESSMENTS_RATE_PER_CLIENT = 10
    url = reverse("participate:respond", args=[pre_link.code])
    phone = Client()
    statuses = [phone.get(url).status_code for _ in range(12)]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]


def test_the_cache_back_the_limits_are_counted_there_again(fresh_counters, pre_link, caplog):
    url = reverse("participate:respond", args=[pre_link.code])
    fresh_counters.store_failed(ConnectionError("gone"))
    fresh_counters.store_down_until = 0.01  # the retry time has passed
    with caplog.at_level(logging.WARNING, logger="assessments.ratelimit"):
        assert Client().get(url).status_code == 200
    assert fresh_counters.store_down_until == 0.0
    assert "answers again" in caplog.text
    assert fresh_counters._counts == {}  # counted in the cache, not in the process


def _database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    for name in ("link_for_submission", "link_by_code"):
        monkeypatch.setattr(f"assessments.views.participant.{name}", refuse)


def test_with_the_database_down_her_answers_come_back_to_send_again(
    monkeypatch, pre_link, questionnaire
):
    url = reverse("participate:respond", args=[pre_link.code])
    phone = Client()
    page = phone.get(url + "?lang=fr")
    data = form_data(questionnaire, client_id=hidden_client_id(page.content.decode()))
    data["lang"] = "fr"
    with monkeypatch.context() as patch:
        _database_down(patch)
        refused = phone.post(url, data)
    assert refused.status_code == 503
    assert refused["Retry-After"] == "10"
    html = refused.content.decode()
    assert "Vos réponses n’ont pas été envoyées" in html  # in her language
    kept = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    for name, value in data.items():
        assert kept.get(name) == str(value), name
    assert Response.objects.count() == 0

    # The database back, she presses Send again (what the page's form posts): stored once.
    again = phone.post(url, kept)
    assert again.status_code == 200
    assert phone.post(url, kept).status_code == 200  # a second press counts once
    assert Response.objects.count() == 1


def test_with_the_database_down_opening_the_page_says_to_try_again(monkeypatch, pre_link):
    _database_down(monkeypatch)
    page = Client().get(reverse("participate:respond", args=[pre_link.code]) + "?lang=en")
    assert page.status_code == 503
    assert "Please try again in a moment" in page.content.decode()
