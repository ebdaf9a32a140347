"""``manage.py cwgcop_report``: produce a CWG-COP report now, in this process.

It records the request and runs the same service as the Celery worker, synchronously,
then copies the PDF to ``--out``; for the secretariat's automation and for checking.
"""

from __future__ import annotations

import datetime
import shutil

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.dateparse import parse_datetime

from copgirls.models import MemberState, Region, User
from reports import services
from reports.models import Report, ReportScope, ReportStatus


class Command(BaseCommand):
    help = "Produce a CWG-COP impact report synchronously and write its PDF."

    def add_arguments(self, parser):
        parser.add_argument("--scope", required=True, choices=ReportScope.values)
        parser.add_argument("--region", help="ITU-D region code or name (scope region)")
        parser.add_argument("--member-state", help="ISO 3166 alpha-2 or alpha-3 code")
        parser.add_argument("--year", type=int, help="one whole year (or --from and --to)")
        parser.add_argument("--from", dest="first_year", help="first whole year, YYYY")
        parser.add_argument("--to", dest="last_year", help="last whole year, YYYY")
        parser.add_argument("--language", default="en")
        parser.add_argument("--document-number", default="CWG-COP/00/1")
        parser.add_argument("--meeting", default="Meeting of the CWG-COP")
        parser.add_argument("--cutoff", help="data cut-off, ISO 8601 (default: now)")
        parser.add_argument("--requested-by", help="e-mail of the account the audit names")
        parser.add_argument("--out", required=True, help="where to write the PDF")
        parser.add_argument("--brief-out", help="where to write the one-page brief (PDF)")

    def handle(self, *args, **options):
        period_start, period_end = self._period(options)
        report = self._request(options, period_start, period_end)
        for _attempt in range(settings.REPORTS_MAX_ATTEMPTS):
            try:
                services.report_generate(report_id=report.pk, worker=services.cli_worker_name())
                break
            except services.ReportAttemptError as exc:
                if not exc.retry:
                    break
        report.refresh_from_db()
        if report.status != ReportStatus.READY:
            detail = f" ({report.error_detail})" if report.error_detail else ""
            raise CommandError(f"report {report.pk} failed: {report.error}{detail}")
        with report.pdf.open("rb") as source, open(options["out"], "wb") as target:
            shutil.copyfileobj(source, target)
        self.stdout.write(
            f"{options['out']}: report {report.pk} {report.document_number}, sha256 {report.sha256}"
        )
        if options.get("brief_out"):
            with report.brief.open("rb") as source, open(options["brief_out"], "wb") as target:
                shutil.copyfileobj(source, target)
            self.stdout.write(f"{options['brief_out']}: its brief, sha256 {report.brief_sha256}")

    def _period(self, options) -> tuple[datetime.date, datetime.date]:
        if options["first_year"] or options["last_year"]:
            first, last = options["first_year"] or "", options["last_year"] or ""
            if not (first.isdigit() and len(first) == 4 and last.isdigit() and len(last) == 4):
                raise CommandError(
                    f"--from and --to must both be years written YYYY (got {first!r}, "
                    f"{last!r}): {services.WHOLE_YEARS_ONLY}"
                )
            return datetime.date(int(first), 1, 1), datetime.date(int(last), 12, 31)
        if options["year"]:
            return datetime.date(options["year"], 1, 1), datetime.date(options["year"], 12, 31)
        raise CommandError("give --year, or --from and --to")

    def _request(self, options, period_start, period_end) -> Report:
        region = member_state = None
        if options["scope"] == ReportScope.REGION:
            value = options["region"] or ""
            region = Region.objects.filter(Q(code__iexact=value) | Q(name__iexact=value)).first()
            if region is None:
                raise CommandError(f"--region {value!r}: no such ITU-D region (code or name)")
        if options["scope"] == ReportScope.MEMBER_STATE:
            value = (options["member_state"] or "").upper()
            member_state = MemberState.objects.filter(Q(iso2=value) | Q(iso3=value)).first()
            if member_state is None:
                raise CommandError(f"--member-state {value!r}: no such member state (ISO code)")
        cutoff = None
        if options["cutoff"]:
            cutoff = parse_datetime(options["cutoff"])
            if cutoff is None or cutoff.tzinfo is None:
                raise CommandError("--cutoff must be an ISO 8601 date and time with a time zone")
        requested_by = None
        if options["requested_by"]:
            requested_by = User.objects.filter(email__iexact=options["requested_by"]).first()
            if requested_by is None:
                raise CommandError(f"--requested-by {options['requested_by']!r}: no such account")
        try:
            return services.report_request(
                requested_by=requested_by,
                scope=options["scope"],
                region=region,
                member_state=member_state,
                period_start=period_start,
                period_end=period_end,
                language=options["language"],
                meeting_name=options["meeting"],
                document_number=options["document_number"],
                cutoff=cutoff,
                enqueue=False,
            )
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            )
            raise CommandError(problems) from None
