"""Rate limits of the participant pages, counted in the Django cache (Redis in production).

Two fixed one-minute windows: per collection link (a class shares one link) and per client.
The client is an HMAC of its address with the portal's secret key, kept in the cache for
the window only and never written to the database or the logs. The client address is the
one sign-in's rate limits use too: with ``TRUSTED_PROXY_COUNT`` = n proxies in front of the
portal, the n-th ``X-Forwarded-For`` hop from the end (the one the outermost trusted proxy
saw); with none, the connection's own address — a header anyone can send is never trusted.

The defaults let a whole class of 60 girls behind one school address open the page, send,
resend and see the thank-you within a minute (~300 requests), and stop a script sending
thousands.

On Redis both windows are counted in one round trip (a small Lua script: ``INCR``, and
``EXPIRE`` when the window's counter is new); other caches use ``add``/``incr``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

WINDOW_SECONDS = 60
_TTL = WINDOW_SECONDS + 5
logger = logging.getLogger(__name__)

#: KEYS: the client's bucket, then (optionally) the link's; ARGV: ttl, client limit, link
#: limit. 1 while within both limits; the link is not counted once the client is refused.
_HIT_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
if n > tonumber(ARGV[2]) then return 0 end
if #KEYS > 1 then
  n = redis.call('INCR', KEYS[2])
  if n == 1 then redis.call('EXPIRE', KEYS[2], ARGV[1]) end
  if n > tonumber(ARGV[3]) then return 0 end
end
return 1
"""
#: Per cache client (one per thread): (that client, its Redis client, the script).
_redis: dict[int, tuple] = {}


def client_address(request) -> str:
    trusted = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if trusted and len(hops) >= trusted and hops[-trusted]:
        return hops[-trusted]
    if trusted and not _warned:
        # Fewer hops than proxies: every client would share the proxy's limits. Never a
        # 500 for a girl; one line for the operator (no address in it).
        _warned.append(True)
        logger.warning(
            "TRUSTED_PROXY_COUNT is %s but a request came with %s X-Forwarded-For hop(s): "
            "the participant rate limits count such requests by the connection's address",
            trusted,
            len([hop for hop in hops if hop]),
        )
    return request.META.get("REMOTE_ADDR", "")


_warned: list[bool] = []


def client_fingerprint(request) -> str:
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def _clock() -> float:
    return time.time()


def _key(bucket: str, window: int) -> str:
    return f"assessments:rate:{bucket}:{window}"


def _hit(bucket: str, limit: int, window: int) -> bool:
    """Count one request in ``bucket``'s ``window``; ``True`` while within ``limit``."""
    key = _key(bucket, window)
    if cache.add(key, 1, timeout=_TTL):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=_TTL)
        count = 1
    return count <= limit


def _redis_hits(backend: RedisCache, buckets: list[tuple[str, int]], window: int) -> bool:
    """Both counters in one round trip; the keys are the cache's own (prefix, version)."""
    cache_client = backend._cache
    entry = _redis.get(id(cache_client))
    if entry is None or entry[0] is not cache_client:
        client = cache_client.get_client(write=True)
        entry = (cache_client, client, client.register_script(_HIT_SCRIPT))
        _redis[id(cache_client)] = entry
    _, client, script = entry
    keys = [backend.make_and_validate_key(_key(bucket, window)) for bucket, _ in buckets]
    return bool(script(keys=keys, args=[_TTL, *(limit for _, limit in buckets)], client=client))


def participant_request_allowed(request, *, link_code: str | None) -> bool:
    """Count this request against its client, then its link; ``False`` once either is spent.

    A request already refused for its client is not counted against the link, so one
    flooding address cannot shut a class out of its questionnaire.
    """
    window = int(_clock() // WINDOW_SECONDS)
    buckets = [(f"client:{client_fingerprint(request)}", settings.ASSESSMENTS_RATE_PER_CLIENT)]
    if link_code:
        buckets.append((f"link:{link_code}", settings.ASSESSMENTS_RATE_PER_LINK))
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _redis_hits(backend, buckets, window)
    return all(_hit(bucket, limit, window) for bucket, limit in buckets)
