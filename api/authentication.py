"""``Authorization: Bearer cgpat_…``: the API's one way in (besides the open data)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from api.throttling import address_key, count_in_window
from api.tokens import token_find
from copgirls.permissions import roles_of


class TokenRefused(exceptions.AuthenticationFailed):
    """A token that was sent but cannot be used; ``code`` says why."""


class AccessTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].decode("latin-1").lower() != self.keyword.lower() or len(header) != 2:
            raise TokenRefused(
                _("Send the token as 'Authorization: Bearer <token>'."), code="bad_header"
            )
        try:
            text = header[1].decode("ascii")
        except UnicodeDecodeError:
            text = ""
        token = token_find(text)
        now = timezone.now()
        if token is None:
            self._count_failure(request)
            raise TokenRefused(_("This token is not known."), code="unknown_token")
        if token.revoked_at is not None:
            self._count_failure(request)
            raise TokenRefused(_("This token was revoked."), code="token_revoked")
        if token.expires_at <= now:
            self._count_failure(request)
            raise TokenRefused(
                _("This token expired on %(date)s.") % {"date": token.expires_at.date()},
                code="token_expired",
            )
        user = token.user
        if not user.is_active or not roles_of(user).is_staff_member:
            raise TokenRefused(
                _("The account of this token holds no role in the portal."), code="no_role"
            )
        return user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'

    def _count_failure(self, request) -> None:
        """Many refused tokens from one address in a minute: refuse it for the minute."""
        key = f"api:failed-token:{address_key(request)}"
        if not count_in_window(cache, key, settings.API_FAILED_TOKENS_PER_ADDRESS):
            raise exceptions.Throttled(wait=60, detail=_("Too many refused tokens."))
