"""Writes of the reports app: request a report, produce it (idempotently), recover it.

Producing a report is driven by its status, so running the task twice, or after a
worker died, gives one report and one file:

1. **claim** — lock the row (``select_for_update``); return at once if it is ready or
   failed, or if another live worker holds it (a claim met again by its own Celery
   message is not live: the process that ran that message was lost); count the attempt
   (failing it with a readable reason after ``REPORTS_MAX_ATTEMPTS``) and record which
   worker holds it;
2. **aggregate** and **render** outside the lock, publishing progress;
3. **write** the PDF to a temporary name in the report's folder and ``fsync`` it;
4. **finish** — lock again and, if this attempt still holds the claim, ``os.replace``
   the temporary file onto the report's one file name (a reader sees the old file, the
   new file or nothing, never half a file), store the file name, its SHA-256, the
   figures and mark it ready, then ``fsync`` the folder so the rename survives a crash.

While an attempt holds a report, a thread of its process confirms the claim every
``REPORTS_HEARTBEAT_SECONDS`` (``heartbeat_at``): a claim left unconfirmed for
``REPORTS_CLAIM_STALE_SECONDS`` is a dead worker's, and :func:`reports_requeue_stale`, which
every worker runs every ``WORKER_WATCH_SECONDS`` (beat too), queues the report again. An
attempt cut short by the database or the broker (:data:`INFRASTRUCTURE_ERRORS`) is not a
failure of the report: the task tries again in a few seconds, under the same claim.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import os
import re
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import kombu.exceptions
import redis.exceptions
from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from assessments.models import Response
from copgirls.audit import audit_record
from copgirls.closed_years import open_year_refusal, open_years_among
from copgirls.models import MemberState, Region, User
from reports.aggregation import Selection
from reports.comparison import compare
from reports.models import Report, ReportScope, ReportStage, ReportStatus

logger = logging.getLogger(__name__)

#: Why a report's period is whole calendar years (issue 20: the fixed publication grid).
WHOLE_YEARS_ONLY = _(
    "Reports cover whole calendar years only (1 January to 31 December): a period cut "
    "inside a year, subtracted from a whole-year report, could reveal a small group of girls."
)
DOCUMENT_NUMBER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(/[A-Za-z0-9.-]+)+$")
FIGURES_METHOD = "copgirls reports v1"

#: Progress (%) published at each stage.
PROGRESS = {
    ReportStage.QUEUED: 0,
    ReportStage.AGGREGATING: 10,
    ReportStage.RENDERING: 60,
    ReportStage.READY: 100,
}


#: Errors of the services an attempt runs on, not of the report: the database gone or
#: restarting, the broker unreachable. The attempt is tried again; it does not count as failed.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


class ReportAttemptError(Exception):
    """This attempt failed; ``retry`` says whether another attempt will be made."""

    def __init__(self, message: str, *, retry: bool):
        super().__init__(message)
        self.retry = retry


def report_languages() -> list[tuple[str, str]]:
    names = dict(settings.LANGUAGES)
    return [(code, names[code]) for code in settings.REPORTS_LANGUAGES if code in names]


def is_whole_years(start: datetime.date, end: datetime.date) -> bool:
    """Whether ``start``–``end`` runs from a 1 January to a 31 December."""
    return (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)


def validate_request(
    *,
    scope: str,
    region: Region | None,
    member_state: MemberState | None,
    period_start: datetime.date | None,
    period_end: datetime.date | None,
    language: str,
    document_number: str,
    compared_with: Report | None = None,
    cutoff: datetime.datetime | None = None,
) -> None:
    """The rules a request must meet, with a message per field (the form shows them too).

    Its years must be closed at its data cut-off (``cutoff``, by default now): a closed
    year's figures never change, so two reports of the same year always agree
    (:mod:`copgirls.publication`); an open year is refused with the day it closes.
    """
    errors: dict[str, Any] = {}
    if compared_with is not None:
        problem = comparison_problem(
            compared_with, scope=scope, region=region, member_state=member_state
        )
        if problem:
            errors["compared_with"] = problem
    if scope not in ReportScope.values:
        errors["scope"] = _("Choose global, an ITU-D region or a member state.")
    elif scope == ReportScope.REGION and region is None:
        errors["region"] = _("Choose the region this report covers.")
    elif scope == ReportScope.MEMBER_STATE and member_state is None:
        errors["member_state"] = _("Choose the member state this report covers.")
    if period_start and period_end and period_end < period_start:
        errors["year"] = _(
            "The period ends before it starts: the last year must be on or after the first."
        )
    elif period_start and period_end and not is_whole_years(period_start, period_end):
        # Every published figure is a sum of the same protected year cells: no differencing.
        errors["year"] = WHOLE_YEARS_ONLY
    elif period_start and period_end:
        still_open = open_years_among(range(period_start.year, period_end.year + 1), cutoff)
        if still_open:
            errors["year"] = open_year_refusal(still_open[0])
    if language not in dict(report_languages()):
        errors["language"] = _(
            "Reports are written in %(languages)s; %(language)s is not one of them."
        ) % {
            "languages": ", ".join(dict(report_languages())),
            "language": repr(language),
        }
    if not DOCUMENT_NUMBER.match(document_number or ""):
        errors["document_number"] = _(
            "Write the document number like CWG-COP/24/5 (letters, digits and hyphens, "
            "parts separated by slashes)."
        )
    if errors:
        raise ValidationError(errors)


def _scope_key(scope: str, region, member_state) -> tuple:
    return (
        scope,
        region.pk if scope == ReportScope.REGION and region is not None else None,
        member_state.pk if scope == ReportScope.MEMBER_STATE and member_state is not None else None,
    )


def comparison_problem(earlier: Report, *, scope: str, region, member_state) -> str:
    """Why ``earlier`` cannot be the report a request of this scope is compared with ("" if
    it can): it must be issued, and of the same scope."""
    if earlier.status != ReportStatus.READY or not earlier.figures:
        return str(
            _(
                "Report %(number)s is not issued (it is %(status)s): a report can be compared "
                "only with an issued one."
            )
            % {"number": earlier.document_number, "status": earlier.get_status_display()}
        )
    if _scope_key(earlier.scope, earlier.region, earlier.member_state) != _scope_key(
        scope, region, member_state
    ):
        wanted = Report(scope=scope, region=region, member_state=member_state)
        return str(
            _(
                "Report %(number)s covers %(its_scope)s, and this one %(scope)s: a report can "
                "be compared only with one of the same scope."
            )
            % {
                "number": earlier.document_number,
                "its_scope": earlier.scope_label,
                "scope": wanted.scope_label,
            }
        )
    return ""


@transaction.atomic
def report_request(
    *,
    requested_by: User | None,
    scope: str,
    period_start: datetime.date,
    period_end: datetime.date,
    language: str,
    meeting_name: str,
    document_number: str,
    region: Region | None = None,
    member_state: MemberState | None = None,
    cutoff: datetime.datetime | None = None,
    enqueue: bool = True,
    compared_with: Report | None = None,
) -> Report:
    """Record a report request and queue its production once the request is committed.

    The data cut-off is the moment of the request (or ``cutoff``): whenever the worker
    runs, the report counts the data as it stood then — the responses up to the largest id
    at the request (``response_mark``), so a response sent, or imported with an older date,
    after the request never enters it.

    A person's requests share the workers: asking again for a report identical to one of
    hers still queued or in production (a double click, a reload) returns that one, with
    ``reused`` set; beyond ``REPORTS_OPEN_PER_USER`` open ones, a new request is refused
    with a ``ValidationError`` that says why.
    """
    validate_request(
        scope=scope,
        region=region,
        member_state=member_state,
        period_start=period_start,
        period_end=period_end,
        language=language,
        document_number=document_number,
        compared_with=compared_with,
        cutoff=cutoff,
    )
    report = Report(
        scope=scope,
        region=region if scope == ReportScope.REGION else None,
        member_state=member_state if scope == ReportScope.MEMBER_STATE else None,
        period_start=period_start,
        period_end=period_end,
        language=language,
        meeting_name=meeting_name.strip(),
        document_number=document_number.strip(),
        requested_by=requested_by,
        data_cutoff=cutoff or timezone.now(),
        response_mark=response_mark_at(cutoff),
        compared_with=compared_with,
    )
    report.parameters = report_parameters(report)
    # A report the CLI asks for names nobody; the field is nullable but not ``blank``.
    report.full_clean(exclude=["requested_by"] if requested_by is None else None)
    if requested_by is not None:
        open_one = _open_request_like(report, requested_by)
        if open_one is not None:
            open_one.reused = True
            return open_one
    report.save()
    report.reused = False
    audit_record(
        actor=requested_by,
        action="report.request",
        obj=report,
        changes={"parameters": report.parameters},
    )
    if enqueue:
        transaction.on_commit(lambda: report_enqueue(report.pk))
    return report


class TooManyOpenReports(ValidationError):
    """She has ``REPORTS_OPEN_PER_USER`` reports queued or in production already."""


class TooManyReportRequests(ValidationError):
    """She has asked for ``REPORTS_PER_USER_PER_HOUR`` reports in the last hour: the
    workers are shared, and a report is a minute of a worker's time."""


#: What makes two requests the same report (all but the cut-off, which is the request's time).
SAME_REQUEST_FIELDS = (
    "scope",
    "region_id",
    "member_state_id",
    "period_start",
    "period_end",
    "language",
    "meeting_name",
    "document_number",
    "compared_with_id",
)


def _open_request_like(report: Report, requested_by: User) -> Report | None:
    """Her open request identical to ``report``, if any; refuses one request too many.

    Her account row is locked for the check, so two requests sent at once are counted
    one after the other.
    """
    list(User.objects.select_for_update().filter(pk=requested_by.pk).values_list("pk"))
    open_ones = Report.objects.filter(
        requested_by=requested_by, status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING]
    )
    same = open_ones.filter(**{field: getattr(report, field) for field in SAME_REQUEST_FIELDS})
    existing = same.order_by("-pk").first()
    if existing is not None:
        return existing
    count = open_ones.count()
    if count >= settings.REPORTS_OPEN_PER_USER:
        raise TooManyOpenReports(
            ngettext(
                "You already have %(count)s report in production. Wait until it is ready "
                "(or has failed) before asking for another one.",
                "You already have %(count)s reports in production. Wait until one of them "
                "is ready (or has failed) before asking for another one.",
                count,
            )
            % {"count": count}
        )
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    recent = Report.objects.filter(requested_by=requested_by, created_at__gte=hour_ago).count()
    if recent >= settings.REPORTS_PER_USER_PER_HOUR:
        raise TooManyReportRequests(
            ngettext(
                "You have asked for %(count)s report in the last hour, the most one person "
                "may. Download one you have, or ask again later.",
                "You have asked for %(count)s reports in the last hour, the most one person "
                "may. Download one you have, or ask again later.",
                recent,
            )
            % {"count": recent}
        )
    return None


def response_mark_at(cutoff: datetime.datetime | None) -> int:
    """The high-water mark of the responses at ``cutoff`` (``None``: now), 0 for none.

    Now, it is the largest response id. At a moment past, the largest id among the responses
    sent by then; the figures still also filter on that moment, for a response imported
    since with an older date has a larger id than some sent after it.
    """
    responses = Response.objects.all()
    if cutoff is not None:
        responses = responses.filter(submitted_at__lte=cutoff)
    return responses.aggregate(mark=Max("pk"))["mark"] or 0


def report_parameters(report: Report) -> dict[str, Any]:
    """What produced the report: stored with it, printed in its annex, keyed into its PDF /ID."""
    parameters = {
        "scope": report.scope,
        "region": report.region.code if report.region_id else None,
        "member_state": report.member_state.iso2 if report.member_state_id else None,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "language": report.language,
        "meeting_name": report.meeting_name,
        "document_number": report.document_number,
        "data_cutoff": report.data_cutoff.isoformat(),
        "response_mark": report.response_mark,
        "suppression_threshold": settings.SMALL_CELL_THRESHOLD,
        "method": FIGURES_METHOD,
    }
    if report.compared_with_id:
        parameters["compared_with"] = report.compared_with.document_number
    return parameters


def report_selection(report: Report) -> Selection:
    return Selection(
        period_start=report.period_start,
        period_end=report.period_end,
        cutoff=report.data_cutoff,
        response_mark=report.response_mark,
        region_id=report.region_id if report.scope == ReportScope.REGION else None,
        member_state_id=(
            report.member_state_id if report.scope == ReportScope.MEMBER_STATE else None
        ),
    )


#: The Celery name of :func:`reports.tasks.report_generate_task`. The task is sent by this
#: name so that this module does not import the tasks module, which imports it.
REPORT_GENERATE_TASK = "reports.tasks.report_generate_task"


def report_enqueue(report_id: int) -> None:
    """Send the task; a broker that is down leaves the report queued for the stale sweep,
    marked so that the workers' next sweep (within ``WORKER_WATCH_SECONDS``) sends it
    again rather than after ``REPORTS_QUEUED_RESEND_SECONDS``."""
    options = {"queue": settings.REPORTS_QUEUE} if settings.REPORTS_QUEUE else {}
    try:
        current_app.send_task(REPORT_GENERATE_TASK, args=[report_id], **options)
    except Exception:  # the request is recorded; reports_requeue_stale sends it again
        logger.exception("could not queue report %s", report_id)
        unsent = timezone.now() - datetime.timedelta(
            seconds=settings.REPORTS_QUEUED_RESEND_SECONDS + 1
        )
        with contextlib.suppress(Exception):  # the database may be what is down
            Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(
                updated_at=unsent
            )


# --- Producing a report -------------------------------------------------------------------


def report_file_name(report: Report) -> str:
    slug = slugify(report.document_number.replace("/", "-")) or "report"
    return f"reports/{report.pk}/{slug}-{report.language}.pdf"


def brief_file_name(report: Report) -> str:
    """The one-page brief, beside the report's PDF."""
    return report_file_name(report).removesuffix(".pdf") + "-brief.pdf"


def _claim(report_id: int, worker: str, task_id: str) -> tuple[str, Report | None]:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("region", "member_state", "compared_with")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            return "missing", None
        if report.status in {ReportStatus.READY, ReportStatus.FAILED}:
            return report.status, report
        now = timezone.now()
        if claim_is_live(report, now) and not (task_id and report.claimed_task == task_id):
            return "busy", report
        if report.attempts >= settings.REPORTS_MAX_ATTEMPTS:
            _fail(
                report,
                str(
                    _(
                        "The report could not be produced in %(attempts)s attempts; the last "
                        "one stopped without finishing (the worker was stopped or ran out of "
                        "time or memory)."
                    )
                    % {"attempts": report.attempts}
                ),
            )
            return ReportStatus.FAILED, report
        report.attempts += 1
        report.status = ReportStatus.RUNNING
        report.stage = ReportStage.AGGREGATING
        report.progress = PROGRESS[ReportStage.AGGREGATING]
        report.claimed_by = worker
        report.claimed_at = report.heartbeat_at = now
        report.claimed_task = task_id
        report.save(
            update_fields=[
                "attempts", "status", "stage", "progress", "claimed_by", "claimed_at",
                "claimed_task", "heartbeat_at", "updated_at",
            ]
        )  # fmt: skip
        return "claimed", report


def claim_is_live(report: Report, now: datetime.datetime) -> bool:
    """Whether a worker still holds ``report``: its claim confirmed within
    ``REPORTS_CLAIM_STALE_SECONDS`` and younger than the lease (no attempt outlives the hard
    time limit)."""
    if report.status != ReportStatus.RUNNING or not report.claimed_by or not report.claimed_at:
        return False
    lease = datetime.timedelta(seconds=settings.REPORTS_LEASE_SECONDS)
    stale = datetime.timedelta(seconds=settings.REPORTS_CLAIM_STALE_SECONDS)
    confirmed = report.heartbeat_at or report.claimed_at
    return report.claimed_at > now - lease and confirmed > now - stale


@contextlib.contextmanager
def _claim_heartbeat(report_id: int, worker: str, attempt: int):
    """While the block runs, confirm the claim every ``REPORTS_HEARTBEAT_SECONDS`` from a
    thread (rendering holds the task's thread for minutes). The thread stops when the block
    ends, when the claim is no longer this attempt's, or with its process: a killed worker's
    claim goes stale within ``REPORTS_CLAIM_STALE_SECONDS``. A database that does not answer
    is not retried here: the claim then goes stale, as the attempt will fail too."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.REPORTS_HEARTBEAT_SECONDS):
                try:
                    held = Report.objects.filter(
                        pk=report_id, status=ReportStatus.RUNNING, claimed_by=worker,
                        attempts=attempt,
                    ).update(heartbeat_at=timezone.now())  # fmt: skip
                except INFRASTRUCTURE_ERRORS:
                    logger.warning("report %s: could not confirm the claim", report_id)
                    with contextlib.suppress(Exception):
                        connection.close()
                    continue
                if not held:
                    return
        finally:
            with contextlib.suppress(Exception):
                connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"report-{report_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def _holds(report: Report, worker: str, attempt: int) -> bool:
    """Whether the claim is still this attempt's (a redelivered message may have taken over
    on the same worker, under the same name: the attempt number tells them apart)."""
    return (
        report.status == ReportStatus.RUNNING
        and report.claimed_by == worker
        and report.attempts == attempt
    )


def _progress(report: Report, worker: str, stage: str, progress: int) -> None:
    now = timezone.now()
    Report.objects.filter(
        pk=report.pk, status=ReportStatus.RUNNING, claimed_by=worker, attempts=report.attempts
    ).update(stage=stage, progress=progress, heartbeat_at=now, updated_at=now)


def _fail(report: Report, reason: str, detail: str = "") -> None:
    """Fail the report: ``reason`` for whoever may see it, ``detail`` (the exception) for
    the secretariat only."""
    report.status = ReportStatus.FAILED
    report.stage = ReportStage.FAILED
    report.error = reason
    report.error_detail = detail
    report.claimed_by = ""
    report.claimed_task = ""
    report.finished_at = timezone.now()
    report.save(
        update_fields=[
            "status", "stage", "error", "error_detail", "claimed_by", "claimed_task",
            "finished_at", "updated_at",
        ]
    )  # fmt: skip
    # What its dead attempts left (a temporary file, or a whole PDF renamed into place by a
    # worker that died before marking it ready) belongs to no report anyone may download.
    name, brief = report_file_name(report), brief_file_name(report)
    transaction.on_commit(lambda: [_remove_files_of_attempts(one) for one in (brief, name)])
    audit_record(
        actor=None,
        action="report.fail",
        obj=report,
        changes={"error": reason, "detail": detail, "attempts": report.attempts},
    )


def _remove_files_of_attempts(name: str) -> None:
    """Remove the file ``name`` under MEDIA_ROOT, its temporary files, and their folder if
    nothing else is in it."""
    final = Path(default_storage.path(name))
    for path in [final, *final.parent.glob(f".{final.name}.*.part")]:
        path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # missing, or holds something else
        final.parent.rmdir()


def _sync(path: Path) -> None:
    """``fsync`` a file or a folder (a folder's entry for a renamed file)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_temporary(name: str, content: bytes, *, delay: bool = True) -> Path:
    """Write ``content`` to a temporary file beside ``name`` (under MEDIA_ROOT), synced to
    disk; :func:`_finish` renames it onto ``name`` if this attempt still holds the report."""
    final = Path(default_storage.path(name))
    final.parent.mkdir(parents=True, exist_ok=True)
    # Another attempt's temporary file stays: it may be one that took this one over, about
    # to rename it. :func:`_finish` removes those of dead attempts, under the row's lock.
    temporary = final.parent / f".{final.name}.{uuid.uuid4().hex}.part"
    try:
        with open(temporary, "wb") as handle:
            handle.write(content)
            handle.flush()
            if delay and settings.REPORTS_RENDER_DELAY_SECONDS:
                # Tests only (refused in production): time to kill the worker mid-render.
                time.sleep(settings.REPORTS_RENDER_DELAY_SECONDS)
            os.fsync(handle.fileno())
        os.chmod(temporary, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def report_generate(*, report_id: int, worker: str, task_id: str = "") -> str:
    """Produce the report ``report_id`` if it still needs producing. Returns the outcome:
    ``ready`` (done now or before), ``failed``, ``busy`` (another worker holds it),
    ``missing``, or ``superseded``. ``task_id`` is the Celery message's id: delivered again
    while its own claim stands, the message's previous process is dead and it takes over at
    once rather than waiting for the lease to run out. Raises :class:`ReportAttemptError`
    when this attempt failed (``retry`` tells whether attempts remain)."""
    from reports.figures import build_figures
    from reports.pdf import render_brief, render_pdf

    outcome, report = _claim(report_id, worker, task_id)
    if outcome != "claimed":
        return outcome
    with _claim_heartbeat(report_id, worker, report.attempts):
        return _produce(report, worker, build_figures, render_pdf, render_brief)


def _produce(report: Report, worker: str, build_figures, render_pdf, render_brief) -> str:
    """The claimed attempt of :func:`report_generate`. An error of
    :data:`INFRASTRUCTURE_ERRORS` propagates: the caller tries again under the same claim
    (recording the failure needs the database that just failed)."""
    report_id = report.pk
    attempt = report.attempts
    report.parameters = report_parameters(report)
    try:
        from reports.freezing import years_freeze_closed

        # No report reads a closed year live: the closed years of its period are frozen
        # first (issue 20, reports.freezing), so no erasure since changes its figures.
        years_freeze_closed(first=report.period_start.year, last=report.period_end.year)
        figures = build_figures(report_selection(report), language=report.language)
        if report.compared_with_id:
            figures["comparison"] = compare(figures, report.compared_with)
        _progress(report, worker, ReportStage.RENDERING, PROGRESS[ReportStage.RENDERING])
        content = render_pdf(report, figures)
        # The brief: the same figures, on one page, in the same attempt.
        brief_content = render_brief(report, figures)
        _progress(report, worker, ReportStage.RENDERING, 90)
        name = report_file_name(report)
        brief_name = brief_file_name(report)
        brief_temporary = _write_temporary(brief_name, brief_content, delay=False)
        brief = (brief_name, brief_temporary, brief_content)
        temporary = _write_temporary(name, content)
    except SoftTimeLimitExceeded as exc:
        # The same parameters and cut-off would take as long again: no further attempt.
        logger.warning("report %s: attempt %s ran out of time", report_id, attempt)
        limit = settings.CELERY_TASK_SOFT_TIME_LIMIT
        reason = _(
            "The report took longer than the %(minutes)s minutes a report may take, and was "
            "stopped. A smaller scope or a shorter period takes less time; the administrator "
            "can raise the limit (CELERY_TASK_SOFT_TIME_LIMIT)."
        ) % {"minutes": max(round(limit / 60), 1)}
        return _attempt_failed(report_id, worker, attempt, exc, final_reason=str(reason))
    except INFRASTRUCTURE_ERRORS:
        logger.warning("report %s: attempt %s cut short by a service", report_id, attempt)
        raise
    except Exception as exc:
        logger.exception("report %s: attempt %s failed", report_id, report.attempts)
        return _attempt_failed(report_id, worker, attempt, exc)
    try:
        return _finish(report_id, worker, attempt, name, temporary, content, figures, brief=brief)
    finally:
        temporary.unlink(missing_ok=True)  # renamed, or this attempt no longer holds it
        brief[1].unlink(missing_ok=True)


def _attempt_failed(
    report_id: int, worker: str, attempt: int, exc: Exception, *, final_reason: str = ""
) -> str:
    """Queue the report for another attempt, or fail it: after its last attempt, or at once
    with ``final_reason`` when another attempt would fail the same way."""
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if not _holds(report, worker, attempt):
            return "superseded"
        if final_reason:
            _fail(report, final_reason, reason)
            retry = False
        elif report.attempts >= settings.REPORTS_MAX_ATTEMPTS:
            _fail(
                report,
                str(
                    _("The report could not be produced in %(attempts)s attempts.")
                    % {"attempts": report.attempts}
                ),
                reason,
            )
            retry = False
        else:
            report.status = ReportStatus.QUEUED
            report.stage = ReportStage.QUEUED
            report.progress = 0
            report.claimed_by = ""
            report.claimed_task = ""
            report.error_detail = reason
            report.save(
                update_fields=[
                    "status", "stage", "progress", "claimed_by", "claimed_task", "error_detail",
                    "updated_at",
                ]
            )  # fmt: skip
            retry = True
    raise ReportAttemptError(reason, retry=retry)


def _finish(
    report_id: int,
    worker: str,
    attempt: int,
    name: str,
    temporary: Path,
    content: bytes,
    figures: dict,
    brief: tuple[str, Path, bytes] | None = None,
) -> str:
    """Under the row's lock, and only if this attempt still holds the report, rename its file
    (and its brief's, ``(name, temporary, content)``) into place and mark the report ready:
    an attempt taken over (its message given back on a lost connection while it ran on)
    never replaces the file whose SHA-256 is stored."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status == ReportStatus.READY:
            return ReportStatus.READY
        if not _holds(report, worker, attempt):
            return "superseded"
        final = Path(default_storage.path(name))
        if brief is not None:
            brief_final = Path(default_storage.path(brief[0]))
            os.replace(brief[1], brief_final)
            _sync(brief_final)
            report.brief.name = brief[0]
            report.brief_sha256 = hashlib.sha256(brief[2]).hexdigest()
        os.replace(temporary, final)
        _sync(final)
        _sync(final.parent)  # the renames, so a crash cannot undo them after "ready"
        for stale in final.parent.glob("*.part"):
            # Left by an attempt whose worker died, or by one taken over (which removes its
            # own anyway): none of them will be renamed into place.
            stale.unlink(missing_ok=True)
        report.pdf.name = name
        report.sha256 = hashlib.sha256(content).hexdigest()
        report.figures = figures
        report.parameters = report_parameters(report)
        report.status = ReportStatus.READY
        report.stage = ReportStage.READY
        report.progress = PROGRESS[ReportStage.READY]
        report.error = report.error_detail = ""
        report.claimed_by = ""
        report.claimed_task = ""
        report.finished_at = timezone.now()
        report.save()
        audit_record(
            actor=None,
            action="report.ready",
            obj=report,
            changes={"sha256": report.sha256, "file": name, "attempts": report.attempts},
        )
    return ReportStatus.READY


def cli_worker_name() -> str:
    return f"cli@{socket.gethostname()}:{os.getpid()}"


# --- Recovery -------------------------------------------------------------------------------


@transaction.atomic
def report_release_claims(*, worker: str) -> list[int]:
    """A worker starting under ``worker``'s name gives back what that name held: the
    previous process of the same name is gone, so its running reports are queued again."""
    reports = list(
        Report.objects.select_for_update().filter(status=ReportStatus.RUNNING, claimed_by=worker)
    )
    return _requeue(reports, reason="worker restarted")


@transaction.atomic
def reports_requeue_stale(*, queued_for: int | None = None) -> list[int]:
    """Queue again the reports stranded by a fault: running under a dead claim (unconfirmed
    for ``REPORTS_CLAIM_STALE_SECONDS``, or older than the lease), and queued for
    ``queued_for`` seconds (``REPORTS_QUEUED_RESEND_SECONDS``) without a worker taking them
    (a message lost with a broker, or with a worker that died holding it).

    Every worker runs this every ``WORKER_WATCH_SECONDS`` and when it starts, beat too: the
    rows are locked with ``SKIP LOCKED``, so sweeps running at once requeue a report once, and
    a message sent twice is harmless (the claim lets one attempt run, the other returns).
    """
    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.REPORTS_LEASE_SECONDS)
    stale = now - datetime.timedelta(seconds=settings.REPORTS_CLAIM_STALE_SECONDS)
    if queued_for is None:
        queued_for = settings.REPORTS_QUEUED_RESEND_SECONDS
    running = Report.objects.select_for_update(skip_locked=True).filter(
        models.Q(claimed_at__lt=now - lease)
        | models.Q(heartbeat_at__lt=stale)
        | models.Q(heartbeat_at__isnull=True, claimed_at__lt=stale)
        | models.Q(claimed_at__isnull=True),
        status=ReportStatus.RUNNING,
    )
    queued = Report.objects.select_for_update(skip_locked=True).filter(
        status=ReportStatus.QUEUED, updated_at__lt=now - datetime.timedelta(seconds=queued_for)
    )
    return _requeue([*running, *queued], reason="stale")


def _requeue(reports: list[Report], *, reason: str) -> list[int]:
    for report in reports:
        if report.status == ReportStatus.RUNNING:
            report.status = ReportStatus.QUEUED
            report.stage = ReportStage.QUEUED
            report.progress = 0
            report.claimed_by = ""
            report.claimed_task = ""
            report.heartbeat_at = None
        report.save(
            update_fields=[
                "status",
                "stage",
                "progress",
                "claimed_by",
                "claimed_task",
                "heartbeat_at",
                "updated_at",
            ]
        )
        audit_record(actor=None, action="report.requeue", obj=report, changes={"reason": reason})
        transaction.on_commit(lambda pk=report.pk: report_enqueue(pk))
    return [report.pk for report in reports]
