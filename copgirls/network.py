"""Which address a request came from: one rule for every limit of the portal.

With ``TRUSTED_PROXY_COUNT`` = n proxies in front of the portal, the n-th
``X-Forwarded-For`` hop from the end (the one the outermost trusted proxy saw); with none,
the connection's own address — a header anyone can send is never trusted. Sign-in's limits
(allauth, through :class:`copgirls.adapters.AccountAdapter`) and the participant pages'
(:mod:`assessments.ratelimit`) both ask here.
"""

from __future__ import annotations

import logging

from django.conf import settings

logger = logging.getLogger(__name__)
_warned: list[bool] = []


def client_address(request) -> str:
    trusted = settings.ALLAUTH_TRUSTED_PROXY_COUNT
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if trusted and len(hops) >= trusted and hops[-trusted]:
        return hops[-trusted]
    if trusted and not _warned:
        # Fewer hops than proxies: every client would share the proxy's limits. Never a
        # 500; one line for the operator (no address in it).
        _warned.append(True)
        logger.warning(
            "TRUSTED_PROXY_COUNT is %s but a request came with %s X-Forwarded-For hop(s): "
            "the rate limits count such requests by the connection's address",
            trusted,
            len([hop for hop in hops if hop]),
        )
    return request.META.get("REMOTE_ADDR", "")
