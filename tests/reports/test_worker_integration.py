"""A real Celery worker on Redis and PostgreSQL produces reports; killed, it completes once."""

from __future__ import annotations

import hashlib
import os
import signal
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from copgirls.models import AuditEntry, MemberState, Region
from copgirls.reference_data import load_reference_data
from reports.models import Report
from tests.conftest import CeleryWorker

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def reference_data(transactional_db):
    """Regions and member states: an earlier transactional test may have flushed them."""
    load_reference_data(Region, MemberState)


@pytest.fixture
def render_delay(monkeypatch):
    """Seconds the worker pauses while rendering (read from its environment)."""

    def set_delay(seconds: int) -> None:
        monkeypatch.setenv("REPORTS_RENDER_DELAY_SECONDS", str(seconds))

    return set_delay


def wait_for(condition, timeout: float, worker, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"{what} within {timeout} s; worker log: {worker.log_path.read_text()[-3000:]}")


def request_report(client, secretariat) -> Report:
    client.force_login(secretariat)
    response = client.post(
        "/reports/new/",
        {
            "scope": "global",
            "year": "2025",
            "language": "en",
            "meeting_name": "Twenty-fourth meeting of CWG-COP",
            "document_number": "CWG-COP/24/5",
        },
    )
    assert response.status_code == 302
    return Report.objects.get()


def report_files(report) -> list[str]:
    folder = Path(django_settings.MEDIA_ROOT) / "reports" / str(report.pk)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def slow_worker(render_delay, request):
    render_delay(request.param)
    return request.getfixturevalue("celery_worker_process")


@pytest.mark.parametrize("slow_worker", [3], indirect=True)
def test_request_progress_ready_download(
    slow_worker, reference_data, known_data, client, secretariat, settings
):
    settings.REPORTS_QUEUE = slow_worker.queue
    report = request_report(client, secretariat)
    seen = set()

    def ready():
        html = client.get(f"/reports/{report.pk}/progress/").content.decode()
        for stage in ("Queued", "Aggregating", "Rendering", "Ready."):
            if stage in html:
                seen.add(stage)
        return "Ready." in html

    wait_for(ready, 90, slow_worker, "the report was not ready")
    assert "Rendering" in seen  # progress was shown while the worker rendered
    report.refresh_from_db()
    assert (report.status, report.progress, report.attempts) == ("ready", 100, 1)
    response = client.get(f"/reports/{report.pk}/pdf/")
    body = b"".join(response.streaming_content)
    assert response["Content-Disposition"].startswith("attachment;")
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == report.sha256


def wait_until_rendering(report, worker) -> None:
    """Until the worker renders the report and its temporary file exists."""

    def rendering_with_a_temporary_file():
        report.refresh_from_db()
        return report.stage == "rendering" and any(
            name.endswith(".part") for name in report_files(report)
        )

    wait_for(rendering_with_a_temporary_file, 60, worker, "the worker did not render")


def assert_produced_once_on_the_second_attempt(report, client) -> None:
    """One file, no temporary left, one "ready" in the audit log, and the SHA-256 shown is
    the served file's."""
    report.refresh_from_db()
    assert report.attempts == 2
    assert report_files(report) == ["cwg-cop-24-5-en-brief.pdf", "cwg-cop-24-5-en.pdf"]
    ready_entries = AuditEntry.objects.filter(action="report.ready", object_id=str(report.pk))
    assert ready_entries.count() == 1
    body = b"".join(client.get(f"/reports/{report.pk}/pdf/").streaming_content)
    assert hashlib.sha256(body).hexdigest() == report.sha256


@pytest.mark.parametrize("slow_worker", [8], indirect=True)
def test_a_worker_killed_mid_render_is_restarted_and_the_report_completes_once(
    slow_worker, reference_data, known_data, client, secretariat, settings
):
    settings.REPORTS_QUEUE = slow_worker.queue
    report = request_report(client, secretariat)

    wait_until_rendering(report, slow_worker)
    slow_worker.kill()

    report.refresh_from_db()
    assert report.status == "running" and not report.pdf
    assert client.get(f"/reports/{report.pk}/pdf/").status_code == 404  # nothing half-written
    assert not any(name.endswith(".pdf") for name in report_files(report))

    restarted = CeleryWorker(slow_worker.queue, slow_worker.env, slow_worker.log_path)
    restarted.start()
    try:
        wait_for(
            lambda: Report.objects.filter(pk=report.pk, status="ready").exists(),
            120,
            restarted,
            "the report did not complete after the restart",
        )
    finally:
        restarted.stop()
    assert_produced_once_on_the_second_attempt(report, client)


@pytest.mark.parametrize("celery_pool", ["prefork"])
@pytest.mark.parametrize("slow_worker", [8], indirect=True)
def test_a_pool_process_killed_mid_render_gives_its_report_back_at_once(
    celery_pool, slow_worker, reference_data, known_data, client, secretariat, settings
):
    """The kernel's OOM killer takes the pool process, not the worker: the worker gets the
    message back and must produce the report now, not after the stale sweep (~20 min)."""
    settings.REPORTS_QUEUE = slow_worker.queue
    report = request_report(client, secretariat)

    wait_until_rendering(report, slow_worker)
    [child] = slow_worker.children()
    os.kill(child, signal.SIGKILL)

    wait_for(
        lambda: Report.objects.filter(pk=report.pk, status="ready").exists(),
        60,
        slow_worker,
        "the report did not complete after its pool process was killed",
    )
    assert_produced_once_on_the_second_attempt(report, client)
