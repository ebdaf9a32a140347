"""Checks behind /healthz: the database, the Celery broker, the media storage and the workers."""

from __future__ import annotations

import datetime
import logging
import uuid
from pathlib import Path

import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from copgirls.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        for key in ("data_folder_in", "processed_folder", "control_folder"):
            folder = Path(options[key])
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".healthz-{uuid.uuid4().hex}"
            probe.write_bytes(b"")
            probe.unlink()
        return
    timeout = settings.HEALTHCHECK_TIMEOUT
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        client.ping()
    finally:
        client.close()


def check_media() -> None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise OSError("media storage returned other bytes than were written")
    finally:
        default_storage.delete(name)


def check_worker() -> None:
    """Some Celery worker has recorded itself alive, connected to the broker, within
    ``HEALTHCHECK_WORKER_SECONDS`` (each one's watch does every ``WORKER_WATCH_SECONDS``;
    one cut off from the broker, or dead, stops)."""
    since = timezone.now() - datetime.timedelta(seconds=settings.HEALTHCHECK_WORKER_SECONDS)
    if not WorkerHeartbeat.objects.filter(seen_at__gte=since).exists():
        raise RuntimeError(
            f"no Celery worker has been seen for {settings.HEALTHCHECK_WORKER_SECONDS} s"
        )


CHECKS = {
    "database": check_database,
    "broker": check_broker,
    "media": check_media,
    "worker": check_worker,
}


def run_checks() -> dict:
    """Run every check; returns ``{"status": "ok"|"fail", "checks": {...}, "failing": [...]}``."""
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # noqa: BLE001 -- any failure is the answer
            # The details (hosts, users, paths) go to the log, not to an anonymous client.
            logger.exception("healthz: the %s check failed", name)
            results[name] = {"status": "fail"}
        else:
            results[name] = {"status": "ok"}
    failing = [name for name, result in results.items() if result["status"] != "ok"]
    report = {"status": "fail" if failing else "ok", "checks": results, "failing": failing}
    if "database" not in failing:
        last = (
            WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
        )
        report["worker_last_seen_seconds"] = (
            None if last is None else int((timezone.now() - last).total_seconds())
        )
    return report
