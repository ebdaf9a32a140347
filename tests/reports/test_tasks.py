"""The report task is idempotent and driven by the report's status."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from copgirls.models import AuditEntry
from reports import services
from reports.models import Report, ReportStatus
from reports.tasks import release_claims_of_previous_process

#: What a ready report leaves in its folder: its brief and its PDF.
FILES = ["cwg-cop-24-5-en-brief.pdf", "cwg-cop-24-5-en.pdf"]


def files_of(report) -> list[Path]:
    folder = Path(services.default_storage.path(f"reports/{report.pk}"))
    return sorted(folder.iterdir()) if folder.exists() else []


def test_running_the_task_twice_gives_one_report_one_file_one_audit_entry(db, make_report):
    report = make_report()
    assert services.report_generate(report_id=report.pk, worker="a@host") == "ready"
    assert services.report_generate(report_id=report.pk, worker="b@host") == "ready"
    report.refresh_from_db()
    assert report.attempts == 1 and report.progress == 100 and report.stage == "ready"
    assert [path.name for path in files_of(report)] == FILES
    assert AuditEntry.objects.filter(action="report.ready", object_id=str(report.pk)).count() == 1


def test_a_report_held_by_a_live_worker_is_left_to_it(db, make_report):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, claimed_by="a@host", claimed_at=timezone.now(), attempts=1
    )
    assert services.report_generate(report_id=report.pk, worker="b@host") == "busy"
    report.refresh_from_db()
    assert report.attempts == 1 and report.claimed_by == "a@host"


def test_a_message_delivered_again_while_its_own_claim_stands_takes_over_at_once(db, make_report):
    """Its pool process was killed (the broker gives a message back only then): the report is
    produced now, while another message meeting the same claim still leaves it alone."""
    report = make_report()
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING,
        claimed_by="a@host",
        claimed_at=timezone.now(),
        claimed_task="task-1",
        attempts=1,
    )
    assert services.report_generate(report_id=report.pk, worker="a@host", task_id="task-2") == (
        "busy"
    )
    assert services.report_generate(report_id=report.pk, worker="a@host", task_id="task-1") == (
        "ready"
    )
    report.refresh_from_db()
    assert (report.status, report.attempts, report.claimed_task) == ("ready", 2, "")
    assert [path.name for path in files_of(report)] == FILES


def test_a_worker_restarting_under_its_name_gives_back_its_report_and_a_stale_temp_file_goes(
    db, make_report, monkeypatch, django_capture_on_commit_callbacks
):
    report = make_report()
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, claimed_by="q@host", claimed_at=timezone.now(), attempts=1
    )
    folder = Path(services.default_storage.path(f"reports/{report.pk}"))
    folder.mkdir(parents=True)
    (folder / ".cwg-cop-24-5-en.pdf.dead.part").write_bytes(b"%PDF half")
    sent = []
    monkeypatch.setattr("reports.services.report_enqueue", lambda pk: sent.append(pk))

    class Consumer:
        hostname = "q@host"

    with django_capture_on_commit_callbacks(execute=True):
        release_claims_of_previous_process(sender=Consumer())
    report.refresh_from_db()
    assert (report.status, report.claimed_by, sent) == ("queued", "", [report.pk])

    assert services.report_generate(report_id=report.pk, worker="q@host") == "ready"
    report.refresh_from_db()
    assert report.attempts == 2
    assert [path.name for path in files_of(report)] == FILES


def test_a_failing_report_is_retried_then_failed_with_a_readable_reason(
    db, make_report, monkeypatch, settings
):
    settings.REPORTS_MAX_ATTEMPTS = 2
    report = make_report()

    def broken(*args, **kwargs):
        raise RuntimeError("the fonts are missing")

    monkeypatch.setattr("reports.pdf.render_pdf", broken)
    with pytest.raises(services.ReportAttemptError) as first:
        services.report_generate(report_id=report.pk, worker="a@host")
    assert first.value.retry is True
    report.refresh_from_db()
    assert report.status == "queued" and "the fonts are missing" in report.error_detail

    with pytest.raises(services.ReportAttemptError) as second:
        services.report_generate(report_id=report.pk, worker="a@host")
    assert second.value.retry is False
    report.refresh_from_db()
    assert report.status == "failed" and report.stage == "failed"
    assert report.error == "The report could not be produced in 2 attempts."
    assert report.error_detail == "RuntimeError: the fonts are missing"
    assert not report.pdf and files_of(report) == []
    # A further delivery does nothing.
    assert services.report_generate(report_id=report.pk, worker="a@host") == "failed"


def test_a_report_that_runs_out_of_time_fails_at_once_saying_so(
    db, make_report, monkeypatch, settings
):
    """The same parameters and cut-off take as long again: three attempts of 15 minutes,
    holding a worker in the April rush, to end on "SoftTimeLimitExceeded()" helped nobody."""
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 900
    report = make_report()

    def too_long(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("reports.pdf.render_pdf", too_long)
    with pytest.raises(services.ReportAttemptError) as attempt:
        services.report_generate(report_id=report.pk, worker="a@host")
    assert attempt.value.retry is False
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("failed", 1)
    assert report.error == (
        "The report took longer than the 15 minutes a report may take, and was stopped. "
        "A smaller scope or a shorter period takes less time; the administrator can "
        "raise the limit (CELERY_TASK_SOFT_TIME_LIMIT)."
    )
    assert files_of(report) == []


def held_by_a_dead_worker_on_its_last_attempt(report, settings) -> None:
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.REPORTS_LEASE_SECONDS + 1)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING,
        claimed_by="dead@host",
        claimed_at=long_ago,
        attempts=settings.REPORTS_MAX_ATTEMPTS,
    )


def test_a_report_whose_worker_keeps_dying_fails_after_its_attempts(db, make_report, settings):
    report = make_report()
    held_by_a_dead_worker_on_its_last_attempt(report, settings)
    assert services.report_generate(report_id=report.pk, worker="b@host") == "failed"
    report.refresh_from_db()
    assert "could not be produced in 3 attempts" in report.error


def test_a_failed_report_leaves_no_file_of_its_dead_attempts(
    db, make_report, settings, django_capture_on_commit_callbacks
):
    """Its last worker died mid-write (a temporary file) or after the rename but before the
    report was marked ready (a whole PDF that nobody may download): both go with the failure."""
    report = make_report()
    held_by_a_dead_worker_on_its_last_attempt(report, settings)
    folder = Path(services.default_storage.path(f"reports/{report.pk}"))
    folder.mkdir(parents=True)
    (folder / ".cwg-cop-24-5-en.pdf.dead.part").write_bytes(b"%PDF half")
    (folder / "cwg-cop-24-5-en.pdf").write_bytes(b"%PDF whole, never marked ready")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_generate(report_id=report.pk, worker="b@host") == "failed"
    assert files_of(report) == []


def test_the_stale_sweep_requeues_a_report_whose_worker_vanished(
    db, make_report, settings, monkeypatch, django_capture_on_commit_callbacks
):
    report = make_report()
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.REPORTS_LEASE_SECONDS + 1)
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.RUNNING, claimed_by="gone@host", claimed_at=long_ago, attempts=1
    )
    sent = []
    monkeypatch.setattr("reports.services.report_enqueue", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reports_requeue_stale() == [report.pk]
    assert sent == [report.pk]
    report.refresh_from_db()
    assert report.status == "queued"


def test_render_delay_is_refused_in_production(monkeypatch):
    import subprocess
    import sys

    env = {
        "DJANGO_ENV": "production",
        "SECRET_KEY": "k" * 10 + "Zq8#fX2!pL0@vN6$wR4%tY1^uB3&iM5*oC7(eD9)gH" + "j" * 10,
        "PARTICIPANT_KEY_PEPPER": "Zq8#fX2!pL0@vN6$wR4%tY1^uB3&iM5*oC7(eD9)gH",
        "ALLOWED_HOSTS": "example.org",
        "REPORTS_RENDER_DELAY_SECONDS": "5",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        env={**env, "DJANGO_SETTINGS_MODULE": "copgirls.settings"},
        capture_output=True,
        text=True,
        cwd=str(Path(__file__).resolve().parents[2]),
    )
    assert result.returncode != 0
    assert "REPORTS_RENDER_DELAY_SECONDS is for tests" in result.stderr


def test_a_starting_worker_imports_what_reports_need_and_a_web_process_does_not():
    """The first report a user asks for does not wait for SciPy and WeasyPrint to load."""
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import sys, django; django.setup()\n"
        "import reports.tasks\n"
        "heavy = ('weasyprint', 'scipy.stats', 'reports.pdf', 'reports.figures')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "from celery.signals import worker_init\n"
        "worker_init.send(sender=None)\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    before, after = result.stdout.strip().splitlines()[-2:]
    assert before == "[]"
    assert after == "['reports.figures', 'reports.pdf', 'scipy.stats', 'weasyprint']"


def test_an_attempt_taken_over_mid_render_does_not_replace_the_file_of_the_one_that_finished(
    db, make_report, monkeypatch
):
    """A broker connection lost mid-report gives the message back while its first run goes on;
    the second run takes over and finishes. The first must not then put its own PDF (made
    before, say, an event's responses were erased) under the file whose SHA-256 is stored."""
    from reports import pdf

    report = make_report()
    real_render = pdf.render_pdf
    calls = []

    def render(report_, figures):
        calls.append(1)
        if len(calls) == 1:  # the first run: the second takes over and finishes meanwhile
            assert (
                services.report_generate(report_id=report.pk, worker="a@host", task_id="t1")
                == "ready"
            )
            return b"%PDF-1.7 the first run's figures"
        return real_render(report_, figures)

    monkeypatch.setattr("reports.pdf.render_pdf", render)
    # Its own message met again (as after a connection loss): the second run takes over.
    services.report_generate(report_id=report.pk, worker="a@host", task_id="t1")
    report.refresh_from_db()
    assert (report.status, report.attempts) == ("ready", 2)
    assert hashlib.sha256(report.pdf.read()).hexdigest() == report.sha256
    assert [path.name for path in files_of(report)] == FILES


def test_a_taken_over_run_writing_late_does_not_remove_the_file_of_the_one_that_takes_over(
    db, make_report, monkeypatch
):
    """The first run, taken over, still reaches its write between the second run's write and
    its rename: the second run's PDF must still be the one stored and the report ready (it
    stayed 'running' until the stale sweep, its temporary file removed by the first)."""
    report = make_report()
    real_finish = services._finish

    def finish(report_id, worker, attempt, name, temporary, content, figures, **brief):
        late = services._write_temporary(name, b"%PDF of the run taken over")  # the first run
        try:
            return real_finish(
                report_id, worker, attempt, name, temporary, content, figures, **brief
            )
        finally:
            late.unlink(missing_ok=True)

    monkeypatch.setattr(services, "_finish", finish)
    assert services.report_generate(report_id=report.pk, worker="a@host", task_id="t1") == "ready"
    report.refresh_from_db()
    assert report.status == "ready"
    stored = Path(services.default_storage.path(report.pdf.name)).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == report.sha256
    assert [path.name for path in files_of(report)] == FILES
