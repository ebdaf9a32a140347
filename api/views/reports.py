"""Reports: request one, follow its status, download the PDF and the annex."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from api.errors import NotReady, validation_error
from api.pagination import IdCursorPagination
from api.renderers import FileRenderer
from api.serializers import ReportRequestSerializer, ReportSerializer
from api.views.base import ApiGenericView, ApiListView
from copgirls.models import MemberState, Region
from copgirls.permissions import allows, in_scope, roles_of, visible_to
from reports import annex, services
from reports.models import Report, ReportStatus


def _reports_role(user) -> None:
    """As in the pages: reports are the secretariat's, regional officers' and coordinators'."""
    roles = roles_of(user)
    if not (roles.secretariat or roles.regions or roles.member_states):
        raise PermissionDenied(
            _("Reports are read by coordinators, regional officers and the ITU.")
        )


def _report(request, pk: int) -> Report:
    _reports_role(request.user)
    return in_scope(visible_to(request.user, "reports.Report"), pk=pk)


class ReportList(ApiListView):
    serializer_class = ReportSerializer
    pagination_class = IdCursorPagination
    token_scopes = {"GET": "reports:read", "POST": "reports:request"}

    def get_queryset(self):
        _reports_role(self.request.user)
        return visible_to(self.request.user, "reports.Report").order_by("id")

    @extend_schema(
        request=ReportRequestSerializer,
        responses={201: ReportSerializer, 200: ReportSerializer},
        description=(
            "Queue a report of whole closed calendar years (first_year to last_year; a year "
            "closes on 1 February of the next year). Asking again "
            "for a report of yours still queued or in production returns it (200)."
        ),
    )
    def post(self, request):
        _reports_role(request.user)
        incoming = ReportRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        region = state = None
        if data["scope"] == "region":
            region = Region.objects.filter(code=(data.get("region") or "").upper()).first()
            if region is None:
                raise ValidationError({"region": [_("Give the code of an ITU-D region.")]})
        if data["scope"] == "member_state":
            state = MemberState.objects.filter(
                iso2=(data.get("member_state") or "").upper()
            ).first()
            if state is None:
                raise ValidationError(
                    {"member_state": [_("Give the ISO alpha-2 code of a member state.")]}
                )
        if not allows(
            request.user,
            "reports.request_report",
            scope=data["scope"],
            region=region,
            member_state=state,
        ):
            raise PermissionDenied(_("You may not ask for a report of this scope."))
        last_year = data.get("last_year") or data["first_year"]
        if last_year < data["first_year"]:
            raise ValidationError(
                {"last_year": [_("The last year must be on or after the first year.")]}
            )
        try:
            report = services.report_request(
                requested_by=request.user,
                scope=data["scope"],
                region=region,
                member_state=state,
                period_start=datetime.date(data["first_year"], 1, 1),
                period_end=datetime.date(last_year, 12, 31),
                language=data["language"],
                meeting_name=data["meeting_name"],
                document_number=data["document_number"],
            )
        except (services.TooManyOpenReports, services.TooManyReportRequests) as exc:
            raise exceptions.Throttled(detail=exc.messages[0]) from None
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict") and "year" in exc.error_dict:
                # The form's "year" is the API's first_year (an open year, a period cut).
                exc.error_dict["first_year"] = exc.error_dict.pop("year")
            raise validation_error(exc) from None
        code = status.HTTP_200_OK if report.reused else status.HTTP_201_CREATED
        return Response(self.get_serializer(report).data, status=code)


class ReportDetail(ApiGenericView):
    serializer_class = ReportSerializer
    token_scopes = {"GET": "reports:read"}

    def get(self, request, pk: int):
        return Response(self.get_serializer(_report(request, pk)).data)


class _ReportFile(ApiGenericView):
    token_scopes = {"GET": "reports:read"}
    renderer_classes = [JSONRenderer, FileRenderer]
    download_responses = True

    def ready(self, request, pk: int) -> Report:
        report = _report(request, pk)
        if report.status != ReportStatus.READY or not report.pdf:
            raise NotReady(
                _("This report has no file yet: its status is %(status)s.")
                % {"status": report.status}
            )
        return report

    def name(self, report: Report, extension: str) -> str:
        return services.report_file_name(report).rsplit("/", 1)[-1].replace(".pdf", extension)

    def pdf(self, report: Report, field: str, suffix: str) -> FileResponse:
        """The report's PDF file in ``field`` ("pdf" or "brief"), named after the report
        with ``suffix`` (".pdf", "-brief.pdf")."""
        try:
            handle = getattr(report, field).open("rb")
        except FileNotFoundError:
            if field == "brief":
                raise exceptions.NotFound(_("The file of this brief is missing.")) from None
            raise exceptions.NotFound(_("The file of this report is missing.")) from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=self.name(report, suffix),
            content_type="application/pdf",
        )


class ReportPdf(_ReportFile):
    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int):
        return self.pdf(self.ready(request, pk), "pdf", ".pdf")


class ReportBrief(_ReportFile):
    """The one-page brief produced beside the report's PDF, from the same figures."""

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int):
        report = self.ready(request, pk)
        if not report.brief:
            raise exceptions.NotFound(
                _("This report was produced before briefs existed: ask for it again to have one.")
            )
        return self.pdf(report, "brief", "-brief.pdf")


class ReportAnnexCsv(_ReportFile):
    @extend_schema(responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)})
    def get(self, request, pk: int):
        report = self.ready(request, pk)
        response = HttpResponse(annex.annex_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.name(report, "-annex.csv")}"'
        )
        return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportAnnexXlsx(_ReportFile):
    @extend_schema(responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request, pk: int):
        report = self.ready(request, pk)
        response = HttpResponse(annex.annex_xlsx(report), content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="{self.name(report, "-annex.xlsx")}"'
        )
        return response
