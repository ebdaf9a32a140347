"""Rate limits of the participant pages, counted in the Django cache (Redis in production).

Fixed one-minute windows, per client and, far above what a class sends, per collection link.

*The client* is a first-party cookie (:data:`CLIENT_COOKIE`): a random id drawn by the portal
and signed with its secret key (a client cannot choose one), nothing about the girl or her
phone. A request without a valid cookie is counted against its address (an HMAC of it with
the secret key, kept in the cache for the window only, never in the database or the logs)
and gets a new id, counted from that request on; so a script that drops its cookie is bounded
by its address, while the girls of a school behind one router each count on their own.
The address is the one sign-in's rate limits use too (:func:`copgirls.network.client_address`).

*The link's* ceiling counts only requests their client was allowed: one client, or three,
sending thousands a minute are stopped by their own limits and cannot spend the class's.

The defaults let a whole class of 60 girls behind one school address open the page, send,
resend and see the thank-you within a minute (~300 requests), and stop a script sending
thousands.

On Redis both windows are counted in one round trip (a small Lua script: ``INCR``, and
``EXPIRE`` when the window's counter is new); other caches use ``add``/``incr``.

*When the cache fails* (Redis restarting, unreachable, timing out) the limits are counted in
the web process itself, with the same windows and limits, and the cache is tried again
:data:`STORE_RETRY_SECONDS` later (issue 17). Not failing open: a class answering through a
cache restart must not lose its answers, but a script flooding a link during the outage must
still be stopped. Each process counts on its own, so a client may send up to as many times
its limit as the portal has processes — bounded still, and only while the cache is down. One
warning is logged when the cache fails and one line when it answers again (no key, no client).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import threading
import time
import uuid

from django.conf import settings
from django.core import signing
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError
from redis.exceptions import RedisError

from copgirls.network import client_address

#: The participant pages' first-party cookie: a signed random id that the limits count by.
CLIENT_COOKIE = "copgirls_client"
_CLIENT_SALT = "assessments.ratelimit.client"
#: How long a phone keeps its id: a day of celebrations.
CLIENT_COOKIE_SECONDS = 24 * 3600

WINDOW_SECONDS = 60
_TTL = WINDOW_SECONDS + 5
logger = logging.getLogger(__name__)

#: KEYS: the buckets, the client's first and the link's last; ARGV: ttl, then each bucket's
#: limit. 1 while within every limit; a bucket after the first spent one is not counted.
_HIT_SCRIPT = """
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ARGV[1]) end
  if n > tonumber(ARGV[i + 1]) then return 0 end
end
return 1
"""
#: Per cache client (one per thread): (that client, its Redis client, the script).
_redis: dict[int, tuple] = {}
#: How long the limits stay in-process after the cache failed, before it is tried again.
STORE_RETRY_SECONDS = 5.0
#: What a failing cache raises: Redis's own errors, a socket's, the database cache's.
STORE_ERRORS = (RedisError, OSError, DatabaseError)


class _ProcessCounters:
    """The fallback while the cache is down: this process's counts of the current window."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window: int | None = None
        self._counts: dict[str, int] = {}
        #: ``time.monotonic()`` until which the cache is not tried; 0 while it works.
        self.store_down_until = 0.0

    def hits(self, buckets: list[tuple[str, int]], window: int) -> bool:
        with self._lock:
            if window != self._window:
                self._window, self._counts = window, {}
            for bucket, limit in buckets:
                count = self._counts.get(bucket, 0) + 1
                self._counts[bucket] = count
                if count > limit:
                    return False
            return True

    def store_usable(self) -> bool:
        return time.monotonic() >= self.store_down_until

    def store_failed(self, error: Exception) -> None:
        with self._lock:
            first = self.store_down_until == 0.0
            self.store_down_until = time.monotonic() + STORE_RETRY_SECONDS
        if first:
            logger.warning(
                "The participant pages' rate-limit store failed (%s); counting in this "
                "process until it answers again.",
                type(error).__name__,
            )

    def store_answered(self) -> None:
        if self.store_down_until:
            with self._lock:
                self.store_down_until = 0.0
            logger.warning("The participant pages' rate-limit store answers again.")


_process_counters = _ProcessCounters()


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
    """Every counter in one round trip; the keys are the cache's own (prefix, version)."""
    cache_client = backend._cache
    entry = _redis.get(id(cache_client))
    if entry is None or entry[0] is not cache_client:
        client = cache_client.get_client(write=True)
        entry = (cache_client, client, client.register_script(_HIT_SCRIPT))
        _redis[id(cache_client)] = entry
    _, client, script = entry
    keys = [backend.make_and_validate_key(_key(bucket, window)) for bucket, _ in buckets]
    return bool(script(keys=keys, args=[_TTL, *(limit for _, limit in buckets)], client=client))


def client_id(request) -> str | None:
    """The id of the client's valid cookie, or ``None``."""
    value = request.COOKIES.get(CLIENT_COOKIE)
    if not value:
        return None
    try:
        return signing.Signer(salt=_CLIENT_SALT).unsign(value)
    except signing.BadSignature:
        return None


def remember_client(request, response):
    """Give a client without a valid cookie the id its requests were counted by."""
    new_id = getattr(request, "_participant_new_client", None)
    if new_id is not None:
        response.set_cookie(
            CLIENT_COOKIE,
            signing.Signer(salt=_CLIENT_SALT).sign(new_id),
            max_age=CLIENT_COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
            path="/a/",
        )
    return response


def _client_buckets(request) -> list[tuple[str, int]]:
    known = client_id(request)
    if known is not None:
        return [(f"client:{known}", settings.ASSESSMENTS_RATE_PER_CLIENT)]
    new_id = getattr(request, "_participant_new_client", None) or secrets.token_urlsafe(16)
    request._participant_new_client = new_id
    return [
        (f"address:{client_fingerprint(request)}", settings.ASSESSMENTS_RATE_PER_ADDRESS),
        (f"client:{new_id}", settings.ASSESSMENTS_RATE_PER_CLIENT),
    ]


def participant_request_allowed(request, *, link_code: str | None) -> bool:
    """Count this request against its client, then its link; ``False`` once either is spent.

    A request already refused for its client is not counted against the link, so no client
    flooding a link can shut a class out of its questionnaire.
    """
    window = int(_clock() // WINDOW_SECONDS)
    buckets = _client_buckets(request)
    if link_code:
        buckets.append((f"link:{link_code}", settings.ASSESSMENTS_RATE_PER_LINK))
    if not _process_counters.store_usable():
        return _process_counters.hits(buckets, window)
    backend = caches["default"]
    try:
        if isinstance(backend, RedisCache):
            allowed = _redis_hits(backend, buckets, window)
        else:
            allowed = all(_hit(bucket, limit, window) for bucket, limit in buckets)
    except STORE_ERRORS as error:
        _process_counters.store_failed(error)
        return _process_counters.hits(buckets, window)
    _process_counters.store_answered()
    return allowed


#: How long a link remembers what each client sent it: the client cookie's life.
SENT_SECONDS = CLIENT_COOKIE_SECONDS


def _count_sent(key: str) -> int:
    if cache.add(key, 1, timeout=SENT_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=SENT_SECONDS)
        return 1


def submission_hold_batch(request, *, link_id: int, client_submission_id: uuid.UUID):
    """The batch to hold this submission in, or ``None`` to store it as any response.

    Each link counts the distinct submissions it receives from each client (its cookie) and
    from each address, for a day. Beyond ``ASSESSMENTS_PLAUSIBLE_PER_CLIENT`` from one client
    (a phone passed round a few girls) or ``ASSESSMENTS_PLAUSIBLE_PER_ADDRESS`` from one
    address (a school's router: a class or two), what it sends is held, in one batch per
    client or address: a random id, remembered for the day, that says nothing of either.
    A resend (the same submission id) is decided as the first sending was and counts once.
    On Redis the decision is one round trip (a small Lua script), as the request limits are.

    When the cache fails, nothing is held: a class answering through a cache restart keeps
    its answers counted (the request limits still stop a flood, in-process).
    """
    if not _process_counters.store_usable():
        return None
    identities = []
    known = client_id(request)
    if known is not None:
        identities.append((f"client:{known}", settings.ASSESSMENTS_PLAUSIBLE_PER_CLIENT))
    identities.append(
        (f"address:{client_fingerprint(request)}", settings.ASSESSMENTS_PLAUSIBLE_PER_ADDRESS)
    )
    decided_key = f"assessments:sent:{link_id}:id:{client_submission_id}"
    backend = caches["default"]
    try:
        if isinstance(backend, RedisCache):
            decided = _redis_hold_batch(backend, link_id, decided_key, identities)
        else:
            decided = _cache_hold_batch(link_id, decided_key, identities)
    except STORE_ERRORS as error:
        _process_counters.store_failed(error)
        return None
    return uuid.UUID(decided) if decided else None


#: KEYS: the submission's decision, each identity's counter, each identity's batch; ARGV:
#: ttl, a new batch id, each identity's plausible number. The decision ("" or a batch id).
_HOLD_SCRIPT = """
local decided = redis.call('GET', KEYS[1])
if decided then return decided end
local n = (#KEYS - 1) / 2
local batch = ''
for i = 1, n do
  local sent = redis.call('INCR', KEYS[1 + i])
  if sent == 1 then redis.call('EXPIRE', KEYS[1 + i], ARGV[1]) end
  if batch == '' and sent > tonumber(ARGV[2 + i]) then
    local held = redis.call('GET', KEYS[1 + n + i])
    if not held then
      held = ARGV[2]
      redis.call('SET', KEYS[1 + n + i], held, 'EX', ARGV[1])
    end
    batch = held
  end
end
redis.call('SET', KEYS[1], batch, 'EX', ARGV[1])
return batch
"""
#: Per cache client: (that client, its Redis client, the hold script).
_redis_hold: dict[int, tuple] = {}


def _redis_hold_batch(backend: RedisCache, link_id: int, decided_key: str, identities) -> str:
    """The decision in one round trip (the submission's hot path, issue 7)."""
    cache_client = backend._cache
    entry = _redis_hold.get(id(cache_client))
    if entry is None or entry[0] is not cache_client:
        client = cache_client.get_client(write=True)
        entry = (cache_client, client, client.register_script(_HOLD_SCRIPT))
        _redis_hold[id(cache_client)] = entry
    _, client, script = entry
    keys = [
        decided_key,
        *(f"assessments:sent:{link_id}:{identity}" for identity, _ in identities),
        *(f"assessments:hold:{link_id}:{identity}" for identity, _ in identities),
    ]
    decided = script(
        keys=[backend.make_and_validate_key(key) for key in keys],
        args=[SENT_SECONDS, uuid.uuid4().hex, *(plausible for _, plausible in identities)],
        client=client,
    )
    return decided.decode() if isinstance(decided, bytes) else str(decided or "")


def _cache_hold_batch(link_id: int, decided_key: str, identities) -> str:
    """The same decision with any other cache, key by key."""
    decided = cache.get(decided_key)
    if decided is not None:
        return decided
    batch = ""
    for identity, plausible in identities:
        sent = _count_sent(f"assessments:sent:{link_id}:{identity}")
        if sent > plausible and not batch:
            batch = cache.get_or_set(
                f"assessments:hold:{link_id}:{identity}", uuid.uuid4().hex, timeout=SENT_SECONDS
            )
    cache.set(decided_key, batch, timeout=SENT_SECONDS)
    return batch
