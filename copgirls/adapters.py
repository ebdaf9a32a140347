"""How django-allauth behaves in the portal.

* Sign-up is open only to someone holding a valid invitation (the token is kept in the
  session by the invitation page); the invited address counts as verified, since the
  link reached it.
* E-mail addresses are normalised (NFKC, lower case) and refused with a plain message
  when they hold invisible or control characters.
* Failed sign-ins are written to the audit log (the adapter hook is allauth's only
  notice of them; successful sign-ins come through allauth's ``user_logged_in`` signal).
* Failed sign-ins are limited per client address and per (account, address), never per
  account alone: otherwise five wrong passwords typed from anywhere would lock anyone out,
  a coordinator the day before her celebration included. Guessing one account's password
  from many addresses is what the second factor, mandatory for staff, is for.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest

from copgirls.emails import normalise_email
from copgirls.network import client_address
from copgirls.services import invitation_find, invitation_refusal, login_failure_record

#: Session key holding the token of the invitation being followed.
INVITATION_SESSION_KEY = "copgirls_invitation_token"


def pending_invitation(request: HttpRequest):
    """The still-acceptable invitation whose link this browser followed, or ``None``."""
    token = request.session.get(INVITATION_SESSION_KEY)
    if not token:
        return None
    invitation = invitation_find(token=token)
    if invitation_refusal(invitation) is not None:
        return None
    return invitation


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return pending_invitation(request) is not None

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        invitation = pending_invitation(request)
        if invitation is not None and invitation.email == normalise_email(email):
            return True
        return super().is_email_verified(request, email)

    def clean_email(self, email: str) -> str:
        return normalise_email(super().clean_email(email))

    def get_client_ip(self, request: HttpRequest) -> str:
        """The portal's one rule for a request's address (:mod:`copgirls.network`)."""
        return client_address(request)

    def client_network(self, request: HttpRequest) -> str:
        """The client's address as the rate limits count it (``TRUSTED_PROXY_COUNT``
        applies); an IPv6 client by its network, as allauth's per-address limit does."""
        address = self.get_client_ip(request)
        try:
            parsed = ipaddress.ip_address(address)
        except ValueError:
            return address
        if parsed.version == 6:
            prefix = getattr(settings, "ALLAUTH_RATE_LIMIT_IPV6_PREFIX", 64)
            return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False).network_address)
        return address

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # The "key" of ACCOUNT_RATE_LIMITS["login_failed"]: the account and the address it
        # is tried from. allauth's own key is the account, prefixed with the request's host
        # (port included, so a client could reset it by varying the port): never the host.
        login = credentials.get("email", credentials.get("username", "")) or ""
        return f"account:{login.strip().lower()}:from:{self.client_network(request)}"

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        login_failure_record(login=credentials.get("email") or credentials.get("username") or "")
