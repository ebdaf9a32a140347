"""How django-allauth behaves in the portal.

* Sign-up is open only to someone holding a valid invitation (the token is kept in the
  session by the invitation page); the invited address counts as verified, since the
  link reached it.
* E-mail addresses are normalised (NFKC, lower case) and refused with a plain message
  when they hold invisible or control characters.
* Failed sign-ins are written to the audit log (the adapter hook is allauth's only
  notice of them; successful sign-ins come through allauth's ``user_logged_in`` signal).
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from copgirls.emails import normalise_email
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

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth prefixes the key with the request's host, port included: a client could
        # then reset the per-account limit by varying the Host header's port. One key per
        # account, whatever the host.
        login = credentials.get("email", credentials.get("username", "")) or ""
        return f"account:{login.strip().lower()}"

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        login_failure_record(login=credentials.get("email") or credentials.get("username") or "")
