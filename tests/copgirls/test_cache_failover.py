"""Staff pages through a Redis outage: the cache answers from the process's memory meanwhile
(copgirls.cache), so signing in never becomes a Server Error and failed sign-ins are still
limited; once Redis answers again, the cache is Redis again by itself."""

from __future__ import annotations

import logging
import socket
import uuid
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from copgirls import cache as failover
from copgirls.cache import FailoverRedisCache
from tests.copgirls.conftest import PASSWORD, make_user

LOGIN = reverse("account_login")
TOO_MANY = "Too many failed login attempts"


@pytest.fixture
def clock(monkeypatch):
    """The failover's clock, moved by hand; and no outage remembered from another test."""
    now = {"t": 1_000.0}
    monkeypatch.setattr(failover, "_clock", lambda: now["t"])
    monkeypatch.setattr(failover, "_down_until", {})
    return now


@pytest.fixture
def redis_gone(clock):
    with socket.socket() as probe:  # a port that nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gone = {
        "default": {
            "BACKEND": "copgirls.cache.FailoverRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": f"gone-{uuid.uuid4().hex}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=gone):
        yield


def test_with_redis_gone_staff_sign_in_and_failed_attempts_are_still_limited(
    redis_gone, db, caplog
):
    make_user("otieno@ke.example")
    make_user("amina@ke.example")
    client = Client()
    with caplog.at_level(logging.WARNING, logger="copgirls.cache"):
        wrong = [
            client.post(LOGIN, {"login": "otieno@ke.example", "password": "wrong"})
            for _ in range(6)
        ]
        right = Client().post(LOGIN, {"login": "amina@ke.example", "password": PASSWORD})

    assert [r.status_code for r in wrong] == [200] * 6  # a form, never a Server Error
    assert all("not correct" in r.content.decode() for r in wrong[:5])
    assert TOO_MANY in wrong[5].content.decode()  # the limit held through the outage
    assert right.status_code == 302 and right["Location"] == "/dashboard/"

    warnings = [r.getMessage() for r in caplog.records if r.name == "copgirls.cache"]
    assert len(warnings) == 1, warnings  # once per outage, not once per request
    assert "ConnectionError" in warnings[0]
    assert "otieno" not in warnings[0] and "amina" not in warnings[0]


@pytest.fixture
def live_redis(require_redis, clock):
    """A FailoverRedisCache on the suite's Redis (its broker's server), under a prefix of
    its own, and a plain client to look into that Redis."""
    parts = urlsplit(settings.CELERY_BROKER_URL)
    location = f"redis://{parts.hostname}:{parts.port or 6379}/15"
    prefix = f"failover-{uuid.uuid4().hex}"
    store = FailoverRedisCache(location, {"KEY_PREFIX": prefix})
    inside = redis.Redis.from_url(location)
    yield store, inside, prefix
    for key in inside.scan_iter(f"{prefix}:*"):
        inside.delete(key)


def test_redis_back_the_cache_is_redis_again_by_itself(live_redis, clock, caplog):
    store, inside, prefix = live_redis
    # Redis failed a moment ago: for RETRY_SECONDS the process's memory answers.
    store._redis_failed(ConnectionError("gone"))
    store.set("signins", 3)
    assert store.get("signins") == 3
    assert not list(inside.scan_iter(f"{prefix}:*"))  # not written to Redis

    clock["t"] += failover.RETRY_SECONDS + 0.1
    with caplog.at_level(logging.WARNING, logger="copgirls.cache"):
        store.set("signins", 4)
    assert "answers again" in caplog.text
    assert list(inside.scan_iter(f"{prefix}:*"))  # in Redis now
    assert store.get("signins") == 4
    assert store.incr("signins") == 5 and int(inside.get(f"{prefix}:1:signins")) == 5
