"""Report pages: request, status with progress, archive, and permission-checked downloads."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from copgirls.models import MemberState, Region
from copgirls.permissions import in_scope, is_secretariat, regions_visible_to, roles_of
from reports import annex, charts, presentation, selectors, services
from reports.forms import ReportRequestForm, requestable_states
from reports.models import ReportStatus
from reports.permissions import can_request_report

PAGE_SIZE = 50


def reports_role_required(view):
    """Signed in, and secretariat, regional officer or coordinator (who have reports)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        roles = roles_of(request.user)
        if not (roles.secretariat or roles.regions or roles.member_states):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@reports_role_required
def report_list(request):
    page = Paginator(selectors.reports_for(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "reports/list.html", {"page": page, "reports": page.object_list})


def _refuse_invisible_scope(request) -> None:
    """A region or member state the user may not see answers 404, as its page would."""
    region_id = request.POST.get("region") or ""
    state_id = request.POST.get("member_state") or ""
    scope = request.POST.get("scope")
    if (
        scope == "region"
        and region_id.isascii()
        and region_id.isdecimal()
        and Region.objects.filter(pk=region_id).exists()
    ):
        in_scope(regions_visible_to(request.user), pk=region_id)
    if (
        scope == "member_state"
        and state_id.isascii()
        and state_id.isdecimal()
        and MemberState.objects.filter(pk=state_id).exists()
    ):
        in_scope(requestable_states(request.user), pk=state_id)


@require_http_methods(["GET", "POST"])
@reports_role_required
def report_request_view(request):
    if request.method == "POST":
        _refuse_invisible_scope(request)
        form = ReportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            if not can_request_report(
                request.user,
                scope=data["scope"],
                region=data.get("region"),
                member_state=data.get("member_state"),
            ):
                raise PermissionDenied
            try:
                report = services.report_request(
                    requested_by=request.user,
                    scope=data["scope"],
                    region=data.get("region"),
                    member_state=data.get("member_state"),
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    language=data["language"],
                    meeting_name=data["meeting_name"],
                    document_number=data["document_number"],
                    compared_with=data.get("compared_with"),
                )
            except (services.TooManyOpenReports, services.TooManyReportRequests) as exc:
                # Nothing was recorded; the form keeps what she typed.
                form.add_error(None, exc)
                return render(request, "reports/request.html", {"form": form}, status=429)
            if report.reused:
                messages.info(
                    request,
                    _("You asked for this report already. This page shows its progress."),
                )
            else:
                messages.success(request, _("Your report is queued. This page shows its progress."))
            return redirect("reports:detail", pk=report.pk)
    else:
        form = ReportRequestForm(user=request.user)
    return render(request, "reports/request.html", {"form": form})


@require_GET
@reports_role_required
def report_request_again(request, pk: int):
    """The request form filled in with a report's parameters (a failed one, typically).

    Only the form is prefilled: submitting it asks for a new report with a new data
    cut-off, through ``report_request_view`` and its checks.
    """
    report = selectors.report_for(request.user, pk)
    form = ReportRequestForm(user=request.user, initial=request_initial_from(report))
    return render(request, "reports/request.html", {"form": form, "again": report})


def request_initial_from(report) -> dict:
    initial = {
        "scope": report.scope,
        "region": report.region_id,
        "member_state": report.member_state_id,
        "language": report.language,
        "meeting_name": report.meeting_name,
        "document_number": report.document_number,
        "compared_with": report.compared_with_id,
    }
    # An older report cut inside a year is asked again as the whole years it touches.
    start, end = report.period_start, report.period_end
    initial["year"] = start.year
    initial["last_year"] = end.year if end.year != start.year else None
    return initial


def _report_context(request, report) -> dict:
    # A failed report's error is the worker's exception text (hosts, database users, file
    # paths): the secretariat, who runs the portal, reads it; the others see that it failed.
    context = {"report": report, "show_error": is_secretariat(request.user)}
    if report.status == ReportStatus.READY and report.figures:
        context["figures"] = report.figures
        with translation.override(report.language):
            context["charts"] = charts.for_report(report.figures)
            context["layout"] = presentation.layout(report.figures)
            context["key_findings"] = presentation.key_findings(report.figures)
            context["comparison"] = presentation.comparison(report.figures)
    return context


@require_GET
@reports_role_required
def report_detail(request, pk: int):
    report = selectors.report_for(request.user, pk)
    return render(request, "reports/detail.html", _report_context(request, report))


@require_GET
@reports_role_required
def report_progress(request, pk: int):
    """The progress fragment htmx polls; it stops polling once the report is finished.

    ``seen`` is the status and stage the page shows: a new one is announced (once)."""
    report = selectors.report_for(request.user, pk)
    return render(
        request,
        "reports/_progress.html",
        {
            "report": report,
            "show_error": is_secretariat(request.user),
            "announce": request.GET.get("seen") != f"{report.status}-{report.stage}",
        },
    )


def _ready(request, pk: int):
    report = selectors.report_for(request.user, pk)
    if report.status != ReportStatus.READY or not report.pdf:
        raise Http404(_("This report has no file yet."))
    return report


def _attachment_name(report, extension: str) -> str:
    return services.report_file_name(report).rsplit("/", 1)[-1].replace(".pdf", f".{extension}")


def _pdf_attachment(report, field: str, suffix: str) -> FileResponse:
    """The report's PDF file in ``field`` ("pdf" or "brief"), named after the report with
    ``suffix`` (".pdf", "-brief.pdf")."""
    try:
        handle = getattr(report, field).open("rb")
    except FileNotFoundError:
        if field == "brief":
            raise Http404(_("The file of this brief is missing.")) from None
        raise Http404(_("The file of this report is missing.")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=_attachment_name(report, "pdf").removesuffix(".pdf") + suffix,
        content_type="application/pdf",
    )


@require_GET
@reports_role_required
def report_download(request, pk: int):
    return _pdf_attachment(_ready(request, pk), "pdf", ".pdf")


@require_GET
@reports_role_required
def report_brief(request, pk: int):
    """The one-page brief: whoever may download the report's PDF may download it."""
    report = _ready(request, pk)
    if not report.brief:
        raise Http404(
            _("This report was produced before briefs existed: ask for it again to have one.")
        )
    return _pdf_attachment(report, "brief", "-brief.pdf")


@require_GET
@reports_role_required
def report_annex_csv(request, pk: int):
    report = _ready(request, pk)
    return _attachment(annex.annex_csv(report), "text/csv; charset=utf-8", report, "csv")


@require_GET
@reports_role_required
def report_annex_xlsx(request, pk: int):
    report = _ready(request, pk)
    return _attachment(
        annex.annex_xlsx(report),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        report,
        "xlsx",
    )


def _attachment(content: bytes, content_type: str, report, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = _attachment_name(report, extension).replace(".", "-annex.", 1)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
