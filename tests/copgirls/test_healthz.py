import datetime
import time

import pytest
from django.utils import timezone

from copgirls.models import WorkerHeartbeat


@pytest.fixture(autouse=True)
def worker_seen(db):
    """A worker recorded itself alive a moment ago (its watch does every 15 s)."""
    return WorkerHeartbeat.objects.create(hostname="celery@worker-1", seen_at=timezone.now())


@pytest.mark.django_db
def test_healthz_reports_every_part_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "broker": "ok",
        "media": "ok",
        "worker": "ok",
    }


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down_within_five_seconds(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"] == {"status": "fail"}  # no host or error text leaks
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_healthz_names_the_media_storage_when_it_cannot_be_written(client, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["media"]


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_names_the_workers_when_none_has_been_seen_within_the_bound(
    client, settings, worker_seen
):
    settings.HEALTHCHECK_WORKER_SECONDS = 60
    WorkerHeartbeat.objects.filter(pk=worker_seen.pk).update(
        seen_at=timezone.now() - datetime.timedelta(seconds=61)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"] == {"status": "fail"}
    assert body["worker_last_seen_seconds"] >= 61

    WorkerHeartbeat.objects.create(hostname="celery@worker-2", seen_at=timezone.now())
    assert client.get("/healthz").status_code == 200  # one live worker is enough
