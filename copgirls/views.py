from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from copgirls import home as home_panels
from copgirls.health import run_checks


@require_safe
def home(request):
    return render(request, "copgirls/home.html", {"panels": home_panels.panels(request)})


@never_cache
@require_safe
def healthz(request):
    report = run_checks()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
