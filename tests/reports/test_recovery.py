"""Reports recover from faults by themselves: a heartbeat tells a dead claim, a database or
broker error is an attempt tried again, every worker sweeps what a fault stranded, and the
cut-off is a high-water mark so producing a report again gives the same bytes."""

from __future__ import annotations

import datetime
import hashlib
import time
from pathlib import Path

import numpy as np
import pytest
from django.db import OperationalError
from django.utils import timezone

from copgirls.models import WorkerHeartbeat
from copgirls.tasks import worker_watch_tick
from events.models import CopSession
from reports import services
from reports.models import Report, ReportStatus
from reports.tasks import report_generate_task
from tests.reports.factories import add_pairs


def ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


def claimed(report, *, worker="a@host", heartbeat_at, task="task-1", attempts=1) -> None:
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING,
        claimed_by=worker,
        claimed_at=ago(120),
        heartbeat_at=heartbeat_at,
        claimed_task=task,
        attempts=attempts,
    )


def test_a_claim_whose_heartbeat_stopped_is_taken_over_within_the_stale_bound(
    db, make_report, settings
):
    """A worker killed mid-render stops confirming its claim: after 30 s (not the 17-minute
    lease) another worker's message produces the report."""
    settings.REPORTS_CLAIM_STALE_SECONDS = 30
    report = make_report()
    claimed(report, heartbeat_at=ago(10))
    assert services.report_generate(report_id=report.pk, worker="b@host") == "busy"

    claimed(report, heartbeat_at=ago(31))
    assert services.report_generate(report_id=report.pk, worker="b@host") == "ready"
    report.refresh_from_db()
    assert (report.status, report.attempts, report.claimed_by) == ("ready", 2, "")


def test_the_sweep_requeues_a_dead_claim_and_a_lost_message_but_not_a_live_claim(
    db, make_report, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REPORTS_CLAIM_STALE_SECONDS = 30
    settings.REPORTS_QUEUED_RESEND_SECONDS = 120
    settings.REPORTS_OPEN_PER_USER = 4
    dead, live, lost, waiting = (make_report(document_number=f"CWG-COP/24/{n}") for n in range(4))
    claimed(dead, heartbeat_at=ago(45))
    claimed(live, heartbeat_at=ago(3))
    Report.objects.filter(pk=lost.pk).update(updated_at=ago(121))
    sent = []
    monkeypatch.setattr("reports.services.report_enqueue", sent.append)

    with django_capture_on_commit_callbacks(execute=True):
        requeued = services.reports_requeue_stale()

    assert sorted(requeued) == sorted(sent) == sorted([dead.pk, lost.pk])
    dead.refresh_from_db()
    assert (dead.status, dead.claimed_by, dead.heartbeat_at) == ("queued", "", None)
    assert Report.objects.get(pk=live.pk).status == "running"
    assert Report.objects.get(pk=waiting.pk).status == "queued"


@pytest.mark.django_db(transaction=True)
def test_the_running_attempt_confirms_its_claim_while_it_renders(
    make_report, settings, monkeypatch
):
    """The heartbeat thread keeps the claim fresh through a render longer than the bound."""
    settings.REPORTS_HEARTBEAT_SECONDS = 1
    report = make_report()
    seen = []
    from reports import pdf

    real_render = pdf.render_pdf

    def slow_render(report_, figures):
        first = Report.objects.get(pk=report.pk).heartbeat_at
        deadline = timezone.now() + datetime.timedelta(seconds=10)
        while timezone.now() < deadline:
            beat = Report.objects.get(pk=report.pk).heartbeat_at
            if beat > first:
                seen.append((first, beat))
                break
            time.sleep(0.1)
        return real_render(report_, figures)

    monkeypatch.setattr("reports.pdf.render_pdf", slow_render)
    assert services.report_generate(report_id=report.pk, worker="a@host") == "ready"
    assert seen, "the claim was not confirmed while the report rendered"


def test_a_database_error_mid_render_is_retried_under_the_same_claim(db, make_report, monkeypatch):
    """PostgreSQL restarting mid-render: the attempt is not failed (that needs the database);
    the error reaches the task, whose retry (the same message id) takes its claim back at once."""
    report = make_report()

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("reports.pdf.render_pdf", database_gone)
    with pytest.raises(OperationalError):
        services.report_generate(report_id=report.pk, worker="a@host", task_id="t1")
    report.refresh_from_db()
    assert (report.status, report.attempts, report.error, report.error_detail) == (
        "running",
        1,
        "",
        "",
    )
    monkeypatch.undo()
    assert services.report_generate(report_id=report.pk, worker="a@host", task_id="t1") == ("ready")
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("ready", 2)


def test_the_task_retries_a_database_error_within_seconds(db, make_report, monkeypatch, settings):
    settings.REPORTS_FAULT_RETRY_SECONDS = 5
    report = make_report()
    retried = {}

    def retry(*args, **kwargs):
        retried.update(kwargs)
        raise RuntimeError("retry scheduled")

    def database_gone(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("reports.pdf.render_pdf", database_gone)
    monkeypatch.setattr(report_generate_task, "retry", retry)
    with pytest.raises(RuntimeError, match="retry scheduled"):
        report_generate_task.run(report.pk)
    assert retried["countdown"] == 5
    assert retried["max_retries"] == settings.REPORTS_FAULT_RETRIES
    assert isinstance(retried["exc"], OperationalError)


def test_a_starting_worker_records_itself_alive_and_picks_up_what_was_stranded(
    db, make_report, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REPORTS_CLAIM_STALE_SECONDS = 30
    report = make_report()
    claimed(report, worker="gone@host", heartbeat_at=ago(60))
    sent = []
    monkeypatch.setattr("reports.services.report_enqueue", sent.append)

    class Consumer:
        hostname = "new@host"
        connection = None  # still connecting to the broker

    with django_capture_on_commit_callbacks(execute=True):
        worker_watch_tick(Consumer(), "new@host")
    assert sent == [report.pk]
    assert not WorkerHeartbeat.objects.filter(hostname="new@host").exists()

    Consumer.connection = object()
    worker_watch_tick(Consumer(), "new@host")
    beat = WorkerHeartbeat.objects.get(hostname="new@host")
    assert timezone.now() - beat.seen_at < datetime.timedelta(seconds=5)


def test_a_report_produced_again_with_its_cutoff_counts_the_same_responses_and_bytes(
    db, known_data, make_report
):
    """Responses written after the request, dated before the cut-off, stay out: the cut-off
    is the largest response id at the request, so the figures and the PDF do not change.
    And a later report of the same closed year, frozen by the first one, does not count them
    either (issue 20: two reports of a closed year always agree)."""
    report = make_report()
    assert services.report_generate(report_id=report.pk, worker="a@host") == "ready"
    report.refresh_from_db()
    first_sha, first_figures = report.sha256, report.figures
    assert report.response_mark > 0

    session = CopSession.objects.order_by("pk").first()  # one the report covers
    add_pairs(session, np.full(12, 30.0), np.full(12, 90.0))  # dated 5 minutes ago
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.QUEUED, pdf="", sha256="")
    assert services.report_generate(report_id=report.pk, worker="a@host") == "ready"
    report.refresh_from_db()
    assert report.figures == first_figures
    assert report.sha256 == first_sha
    assert hashlib.sha256(report.pdf.read()).hexdigest() == first_sha

    later = make_report(document_number="CWG-COP/24/6")  # asked for now: the year is frozen
    assert later.response_mark > report.response_mark
    assert services.report_generate(report_id=later.pk, worker="a@host") == "ready"
    later.refresh_from_db()
    assert later.figures == first_figures


def test_the_report_file_and_its_folder_are_synced_after_the_rename(db, make_report, monkeypatch):
    report = make_report()
    synced = []
    real_sync = services._sync

    def sync(path: Path) -> None:
        synced.append((path, sorted(p.name for p in path.parent.iterdir())))
        real_sync(path)

    monkeypatch.setattr(services, "_sync", sync)
    assert services.report_generate(report_id=report.pk, worker="a@host") == "ready"
    report.refresh_from_db()
    final = Path(services.default_storage.path(report.pdf.name))
    brief = Path(services.default_storage.path(report.brief.name))
    assert [path for path, _ in synced] == [brief, final, final.parent]
    assert brief.name in synced[0][1] and final.name in synced[1][1]  # once they have their names
