"""A real Celery worker process, on Redis, runs a task that writes to PostgreSQL."""

import time
import uuid

import pytest

from copgirls.models import WorkerHeartbeat
from copgirls.tasks import worker_heartbeat


@pytest.mark.services
def test_a_real_worker_runs_a_task_that_writes_to_the_database(celery_worker_process):
    token = uuid.uuid4().hex
    worker_heartbeat.apply_async(args=[token], queue=celery_worker_process.queue)

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        beat = WorkerHeartbeat.objects.filter(token=token).first()
        if beat is not None:
            break
        time.sleep(0.2)
    else:
        log = worker_log(celery_worker_process)
        pytest.fail(f"the worker did not write the heartbeat within 30 s: {log}")
    assert beat.hostname.startswith(celery_worker_process.queue)


def worker_log(worker) -> str:
    return worker.log_path.read_text()[-3000:]


def test_the_shipped_workers_run_without_gossip_mingle_and_event_heartbeats():
    """Their channels are what a broker reconnect trips over (tests/faults); make run and
    compose start workers without them, as the fault suite's workers are started."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    run = (root / "scripts/run.sh").read_text()
    compose = (root / "docker-compose.yml").read_text()
    for flag in ("--without-gossip", "--without-mingle", "--without-heartbeat"):
        assert flag in run
        assert f'"{flag}"' in compose
