"""Celery tasks of the reports app. They take primary keys and call services.

The services send :func:`report_generate_task` by its name
(:data:`reports.services.REPORT_GENERATE_TASK`), so the import runs one way: tasks → services.
"""

from __future__ import annotations

import contextlib
import logging

from celery import shared_task
from celery.signals import worker_init, worker_ready
from django.conf import settings
from django.db import connections
from django.dispatch import receiver

from copgirls.tasks import worker_tick
from reports import services

logger = logging.getLogger(__name__)


@shared_task(
    name=services.REPORT_GENERATE_TASK,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    max_retries=max(settings.REPORTS_MAX_ATTEMPTS - 1, 0),
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def report_generate_task(self, report_id: int) -> str:
    """Produce report ``report_id``: idempotent, driven by the report's status.

    Acknowledged only after it returns, and given back to the broker if its worker dies,
    so a report is never lost; the status makes a second delivery harmless. A failed
    attempt is retried after ``REPORTS_RETRY_DELAY_SECONDS`` until the report's attempts
    are spent, then the report is *failed* with the reason shown to the user.

    An attempt cut short by the database or the broker (restarting, unreachable) is tried
    again after ``REPORTS_FAULT_RETRY_SECONDS`` under the same message id, so it takes its own
    claim back at once; after ``REPORTS_FAULT_RETRIES`` of those, or when the broker cannot
    take the retry, the workers' sweep queues the report again once the services are back.
    """
    worker = self.request.hostname or services.cli_worker_name()
    options = {"queue": settings.REPORTS_QUEUE} if settings.REPORTS_QUEUE else {}
    try:
        return services.report_generate(
            report_id=report_id, worker=worker, task_id=self.request.id or ""
        )
    except services.INFRASTRUCTURE_ERRORS as exc:
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(Exception):  # a broken one: the next task opens anew
                connection.close()
        raise self.retry(
            exc=exc,
            countdown=settings.REPORTS_FAULT_RETRY_SECONDS,
            max_retries=settings.REPORTS_FAULT_RETRIES,
            **options,
        ) from exc
    except services.ReportAttemptError as exc:
        if exc.retry:
            raise self.retry(
                countdown=settings.REPORTS_RETRY_DELAY_SECONDS, max_retries=None, **options
            ) from exc
        return "failed"


@shared_task(
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def years_freeze_closed() -> list[int]:
    """Hourly (beat): freeze every closed, unfrozen year (:mod:`reports.freezing`), so a
    year's figures are final within the hour it closes. Idempotent: a second run, or two at
    once, freeze each year once."""
    from reports.freezing import years_freeze_closed as freeze

    return freeze()


@shared_task(ignore_result=True)
def reports_requeue_stale() -> list[int]:
    """Every few minutes (beat): queue again reports whose worker vanished. Every worker
    also runs the sweep itself (:func:`sweep_stranded_reports`); beat is a second net."""
    return services.reports_requeue_stale()


@receiver(worker_tick)
def sweep_stranded_reports(sender=None, hostname: str = "", **kwargs) -> None:
    """When a worker starts, and every ``WORKER_WATCH_SECONDS`` in it: queue again what a
    fault stranded — a dead claim, a lost message. When the database was down, the first
    tick that reaches it again picks up what the outage left."""
    requeued = services.reports_requeue_stale()
    if requeued:
        logger.warning("%s: stranded reports %s queued again", hostname, requeued)


@worker_init.connect
def import_what_reports_need(sender=None, **kwargs) -> None:
    """Import the aggregation, statistics and PDF libraries (NumPy, SciPy, WeasyPrint) when
    the worker starts, not when the first report is requested: a user waits for the report,
    not for the imports. Prefork children inherit the modules. The web processes, which
    send the task by name (and may import this module through Celery's autodiscovery), do
    not load them."""
    import reports.figures
    import reports.pdf  # noqa: F401


@worker_ready.connect
def release_claims_of_previous_process(sender=None, **kwargs) -> None:
    """A worker (re)starting under a name gives back the reports that name held."""
    hostname = getattr(sender, "hostname", None)
    if not hostname:
        return
    try:
        released = services.report_release_claims(worker=hostname)
    except Exception:  # the database may be down at start-up; the stale sweep catches up
        logger.exception("could not release the reports held by %s", hostname)
        return
    if released:
        logger.warning("%s restarted: reports %s queued again", hostname, released)
