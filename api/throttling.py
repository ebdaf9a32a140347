"""Rate limits of the API: per token, per address for the open data and for refused tokens.

Counted in the Django cache (Redis in production). When the cache fails the limits are
counted in the web process instead, with the same windows and limits, until it answers
again — an API client is neither refused nor let through unbounded during a Redis outage.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.db import DatabaseError
from redis.exceptions import RedisError
from rest_framework.throttling import SimpleRateThrottle

from copgirls.network import client_address

logger = logging.getLogger(__name__)
STORE_ERRORS = (RedisError, OSError, DatabaseError)
#: The in-process stand-in while the cache is down (one per process).
_fallback = LocMemCache("api-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_state = {"down": False}
_lock = threading.Lock()


def _store_failed(error: Exception) -> None:
    with _lock:
        first, _state["down"] = not _state["down"], True
    if first:
        logger.warning(
            "The API's rate-limit store failed (%s); counting in this process.",
            type(error).__name__,
        )


def _store_answered() -> None:
    if _state["down"]:
        with _lock:
            _state["down"] = False
        logger.warning("The API's rate-limit store answers again.")


def address_key(request) -> str:
    """An HMAC of the client's address: the cache never holds the address itself."""
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def count_in_window(cache, key: str, limit: int, window: int = 60) -> bool:
    """Count one event under ``key`` in the current ``window``; ``True`` while within ``limit``."""
    bucket = f"{key}:{int(time.time() // window)}"
    for store in (cache, _fallback):
        try:
            if store.add(bucket, 1, timeout=window + 5):
                count = 1
            else:
                try:
                    count = store.incr(bucket)
                except ValueError:
                    store.set(bucket, 1, timeout=window + 5)
                    count = 1
        except STORE_ERRORS as error:
            _store_failed(error)
            continue
        if store is cache:
            _store_answered()
        return count <= limit
    return True  # unreachable: the in-process store does not fail


class _FallbackThrottle(SimpleRateThrottle):
    def allow_request(self, request, view):
        try:
            allowed = super().allow_request(request, view)
        except STORE_ERRORS as error:
            _store_failed(error)
            self.cache = _fallback
            return super().allow_request(request, view)
        _store_answered()
        return allowed


class TokenRateThrottle(_FallbackThrottle):
    """Requests per token and minute (``API_RATE_PER_TOKEN``)."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        if token is None or not hasattr(token, "pk"):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class OpenDataRateThrottle(_FallbackThrottle):
    """Requests per client address and minute to the open data (``API_RATE_OPEN_DATA``)."""

    scope = "open_data"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": address_key(request)}
