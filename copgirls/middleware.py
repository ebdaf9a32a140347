"""Two-factor sign-in is required before a secretariat member, regional officer or coordinator
may use the portal (``settings.MFA_REQUIRED``; the embedded demo turns it off).

Until she has activated an authenticator app she reaches only the MFA set-up pages, the
steps they need (re-authentication), sign-out, static files and the health check; every
other request is redirected to the set-up page (GET) or refused (other methods).
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _

from copgirls.permissions import roles_of

#: URL names open to someone who must still set up two-factor sign-in.
MFA_SETUP_URL_NAMES = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
        "account_confirm_email",
        "set_language",
        "healthz",
    }
)


def mfa_setup_pending(user) -> bool:
    """True if ``user`` must set up two-factor sign-in before anything else."""
    if not settings.MFA_REQUIRED or not roles_of(user).needs_mfa:
        return False
    cached = getattr(user, "_copgirls_has_totp", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._copgirls_has_totp = cached
    return not cached


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not self._open(request)
            and mfa_setup_pending(user)
        ):
            if request.method in ("GET", "HEAD"):
                messages.warning(
                    request,
                    _(
                        "Your role requires two-factor sign-in. Set up an authenticator "
                        "app to continue."
                    ),
                )
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
            return HttpResponseForbidden(
                _("Set up two-factor sign-in before using the portal.").encode()
            )
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        if request.path_info.startswith(settings.STATIC_URL):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True
        return match.url_name in MFA_SETUP_URL_NAMES
