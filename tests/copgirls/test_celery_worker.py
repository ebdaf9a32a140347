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
