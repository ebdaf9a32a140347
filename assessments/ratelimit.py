"""Rate limits of the participant pages, counted in the Django cache (Redis in production).

Two fixed one-minute windows: per collection link (a class shares one link) and per client.
The client is an HMAC of its address with the portal's secret key, kept in the cache for
the window only and never written to the database or the logs. Behind a trusted proxy
(``SECURE_PROXY_SSL_HEADER`` set) the client address is the last ``X-Forwarded-For`` hop.

The defaults let a whole class of 60 girls behind one school address open the page, send,
resend and see the thank-you within a minute (~300 requests), and stop a script sending
thousands.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 60


def client_fingerprint(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            address = forwarded.split(",")[-1].strip()
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]


def _clock() -> float:
    return time.time()


def _hit(bucket: str, limit: int) -> bool:
    """Count one request in ``bucket``'s current window; ``True`` while within ``limit``."""
    key = f"assessments:rate:{bucket}:{int(_clock() // WINDOW_SECONDS)}"
    if cache.add(key, 1, timeout=WINDOW_SECONDS + 5):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    return count <= limit


def participant_request_allowed(request, *, link_code: str | None) -> bool:
    """Count this request against its client, then its link; ``False`` once either is spent.

    A request already refused for its client is not counted against the link, so one
    flooding address cannot shut a class out of its questionnaire.
    """
    if not _hit(f"client:{client_fingerprint(request)}", settings.ASSESSMENTS_RATE_PER_CLIENT):
        return False
    if link_code:
        return _hit(f"link:{link_code}", settings.ASSESSMENTS_RATE_PER_LINK)
    return True
