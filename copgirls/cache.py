"""The portal's cache: Redis, and this process's memory while Redis does not answer.

Staff pages use the cache through libraries the portal does not write — allauth counts failed
sign-ins in it — and a Redis restart used to turn every sign-in into a Server Error. With
:class:`FailoverRedisCache` an operation that Redis fails (refused, reset, timed out) is done
in an in-process cache instead, and Redis is tried again :data:`RETRY_SECONDS` later; within
that time no request waits for Redis's one-second time-out again. Rate limits therefore keep
counting during an outage (per process: at most as many times the limit as the portal has
processes) rather than failing open or failing the page, and everything is back in Redis by
itself once it answers. One warning is logged when Redis fails and one line when it answers
again; neither carries a key or a value (keys can hold a hashed address or an account).

The participant pages and the API count their limits with their own round trips
(``assessments.ratelimit``, ``api.throttling``) and keep their own fallbacks; this one covers
everything else that goes through ``django.core.cache``.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

#: How long operations stay in-process after Redis failed, before it is tried again.
RETRY_SECONDS = 5.0
#: What a failing Redis raises: its own errors (connection, time-out) and a socket's.
STORE_ERRORS = (RedisError, OSError)

#: Per Redis location: the monotonic time until which Redis is not tried (0: it answers).
_down_until: dict[str, float] = {}
_lock = threading.Lock()


def _clock() -> float:
    return time.monotonic()


class FailoverRedisCache(RedisCache):
    """:class:`RedisCache` that does an operation in this process's memory when Redis fails."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._failover_key = str(server)
        # One in-process store per Redis location, shared by the threads of the process
        # (LocMemCache keeps its data per name).
        self._fallback = LocMemCache(
            f"copgirls-cache-failover:{self._failover_key}",
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 50_000},
            },
        )

    def _redis_resting(self) -> bool:
        return _clock() < _down_until.get(self._failover_key, 0.0)

    def _redis_failed(self, error: Exception) -> None:
        with _lock:
            first = not _down_until.get(self._failover_key)
            _down_until[self._failover_key] = _clock() + RETRY_SECONDS
        if first:
            logger.warning(
                "The cache (Redis) failed (%s); using this process's memory, retried every %d s.",
                type(error).__name__,
                RETRY_SECONDS,
            )

    def _redis_answered(self) -> None:
        if _down_until.get(self._failover_key):
            with _lock:
                _down_until[self._failover_key] = 0.0
            logger.warning("The cache (Redis) answers again.")

    def _failover(self, operation: str, *args, **kwargs):
        if not self._redis_resting():
            try:
                result = getattr(super(), operation)(*args, **kwargs)
            except STORE_ERRORS as error:
                self._redis_failed(error)
            else:
                self._redis_answered()
                return result
        return getattr(self._fallback, operation)(*args, **kwargs)

    # Each operation of the cache API, by name (decr and the async forms go through these).
    def add(self, *args, **kwargs):
        return self._failover("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._failover("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._failover("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._failover("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._failover("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._failover("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._failover("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._failover("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._failover("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._failover("delete_many", *args, **kwargs)

    def clear(self, *args, **kwargs):
        return self._failover("clear", *args, **kwargs)
