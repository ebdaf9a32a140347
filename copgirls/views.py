import hmac

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from copgirls import home as home_panels
from copgirls.health import run_checks
from copgirls.middleware import mfa_setup_pending
from copgirls.permissions import roles_of


@require_safe
def home(request):
    return render(request, "copgirls/home.html", {"panels": home_panels.panels(request)})


def _sees_health_detail(request) -> bool:
    """The secretariat (signed in with its second factor) or a monitor holding the token."""
    token = settings.HEALTHZ_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and given:
        return hmac.compare_digest(given.strip().encode(), token.encode())
    user = request.user
    return roles_of(user).secretariat and not mfa_setup_pending(user)


@never_cache
@require_safe
def healthz(request):
    """200 when every part works, else 503; which part, only to the secretariat or a token.

    A load balancer needs the status alone; the names of failing parts and the worker's
    last heartbeat tell an attacker when the portal is weak.
    """
    report = run_checks()
    status = 200 if report["status"] == "ok" else 503
    if not _sees_health_detail(request):
        report = {"status": report["status"]}
    return JsonResponse(report, status=status)
