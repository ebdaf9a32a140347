from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from copgirls.models import WorkerHeartbeat


@shared_task(bind=True, ignore_result=True)
def worker_heartbeat(self, token: str = "") -> None:
    """Record that this worker is alive (scheduled every minute; /healthz shows its age)."""
    WorkerHeartbeat.objects.update_or_create(
        hostname=self.request.hostname or "unknown",
        defaults={"seen_at": timezone.now(), "token": token[:64]},
    )
