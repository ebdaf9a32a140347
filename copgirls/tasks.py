"""Tasks of the core, and the watch every worker keeps: it says it is alive and runs the
apps' sweeps (:data:`worker_tick`) without waiting for beat."""

from __future__ import annotations

import contextlib
import logging
import threading

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import close_old_connections, connection
from django.dispatch import Signal
from django.utils import timezone

from copgirls.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

#: Sent in each worker's main process when it starts and every ``WORKER_WATCH_SECONDS``
#: after, with ``hostname``: an app connects what must run on its own there (a sweep that
#: picks up work a fault stranded). A receiver's error is logged; the next tick runs again.
worker_tick = Signal()


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self, token: str = "") -> None:
    """Record that this worker is alive (scheduled every minute; /healthz shows its age)."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=self.request.hostname or "unknown",
        defaults={"seen_at": timezone.now(), "token": token[:64]},
    )


def worker_watch_tick(consumer, hostname: str) -> None:
    """One round of the watch: record the worker alive if its consumer holds a broker
    connection (it has none while it reconnects), then send :data:`worker_tick`."""
    try:
        if getattr(consumer, "connection", None) is not None:
            WorkerHeartbeat.objects.update_or_create(
                hostname=hostname, defaults={"seen_at": timezone.now()}
            )
    except Exception:  # the database may be down: the next tick tries again
        logger.warning("worker watch: could not record %s alive", hostname, exc_info=True)
        with contextlib.suppress(Exception):
            connection.close()
        return
    for receiver, result in worker_tick.send_robust(sender=None, hostname=hostname):
        if isinstance(result, Exception):
            logger.warning("worker watch: %r failed: %r", receiver, result)
            with contextlib.suppress(Exception):
                connection.close()


@worker_ready.connect
def start_worker_watch(sender=None, **kwargs) -> None:
    """Start the watch thread of this worker (its main process; pool processes run tasks)."""
    hostname = getattr(sender, "hostname", None) or "unknown"
    stop = threading.Event()

    def watch() -> None:
        while True:
            close_old_connections()  # this thread's own, as a request's (health checks)
            worker_watch_tick(sender, hostname)
            if stop.wait(settings.WORKER_WATCH_SECONDS):
                return

    threading.Thread(target=watch, name="worker-watch", daemon=True).start()
