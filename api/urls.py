"""``/api/v1/``: the REST API, its schema and reference page, and the open data."""

from __future__ import annotations

from django.http import JsonResponse
from django.middleware.http import ConditionalGetMiddleware
from django.urls import path, re_path
from django.utils.decorators import decorator_from_middleware
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.vary import vary_on_headers
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import catalogue, celebrations, open_data, policies, reports, sessions

app_name = "api"

#: Lists answer an ``ETag`` (a digest of the page) and ``304 Not Modified`` to a client that
#: sends it back in ``If-None-Match``; what a token sees depends on its owner.
conditional = decorator_from_middleware(ConditionalGetMiddleware)


def listing(view):
    return vary_on_headers("Authorization")(conditional(view))


@csrf_exempt  # it changes nothing, whatever the method
def not_found(request, rest: str = ""):
    """Any other path under /api/v1/ (an id that is not a number, a typo): a JSON 404."""
    return JsonResponse(
        {
            "code": "not_found",
            "message": _("No API route has this path; the reference is at /api/v1/docs/."),
            "errors": [],
        },
        status=404,
    )


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("member-states/", listing(catalogue.MemberStateList.as_view()), name="member-states"),
    path("regions/", listing(catalogue.RegionList.as_view()), name="regions"),
    path("cop-modules/", listing(catalogue.CopModuleList.as_view()), name="cop-modules"),
    path("policy/instruments/", listing(policies.InstrumentList.as_view()), name="instruments"),
    path(
        "policy/self-assessments/",
        listing(policies.SelfAssessmentList.as_view()),
        name="self-assessments",
    ),
    path(
        "celebrations/",
        listing(celebrations.CelebrationList.as_view()),
        name="celebrations",
    ),
    path(
        "celebrations/bulk/",
        celebrations.CelebrationBulkUpsert.as_view(),
        name="celebrations-bulk",
    ),
    path("celebrations/<int:pk>/", celebrations.CelebrationDetail.as_view(), name="celebration"),
    path(
        "celebrations/<int:pk>/publish/",
        celebrations.CelebrationPublish.as_view(),
        name="celebration-publish",
    ),
    path("cop-sessions/", listing(sessions.CopSessionList.as_view()), name="cop-sessions"),
    path("cop-sessions/<int:pk>/", sessions.CopSessionDetail.as_view(), name="cop-session"),
    path("reports/", listing(reports.ReportList.as_view()), name="reports"),
    path("reports/<int:pk>/", reports.ReportDetail.as_view(), name="report"),
    path("reports/<int:pk>/pdf/", reports.ReportPdf.as_view(), name="report-pdf"),
    path("reports/<int:pk>/brief/", reports.ReportBrief.as_view(), name="report-brief"),
    path("reports/<int:pk>/annex.csv", reports.ReportAnnexCsv.as_view(), name="report-annex-csv"),
    path(
        "reports/<int:pk>/annex.xlsx", reports.ReportAnnexXlsx.as_view(), name="report-annex-xlsx"
    ),
    path(
        "open/celebrations/",
        listing(open_data.OpenCelebrationList.as_view()),
        name="open-celebrations",
    ),
    path("open/figures/", listing(open_data.OpenFigures.as_view()), name="open-figures"),
    re_path(r"^(?P<rest>.*)$", not_found, name="not-found"),
]
