import datetime
import time

import pytest
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.utils import timezone

from copgirls.models import Role, WorkerHeartbeat
from tests.copgirls.conftest import make_user

TOKEN = "monitoring-token-3f9c1e7a5b2d4c6e8a0b"


@pytest.fixture
def monitor(client, settings):
    """A client that sends the monitoring token, as the load balancer's probe would."""
    settings.HEALTHZ_TOKEN = TOKEN
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {TOKEN}"
    return client


@pytest.fixture(autouse=True)
def worker_seen(db):
    """A worker recorded itself alive a moment ago (its watch does every 15 s)."""
    return WorkerHeartbeat.objects.create(hostname="celery@worker-1", seen_at=timezone.now())


@pytest.mark.django_db
def test_healthz_reports_every_part_ok(monitor):
    response = monitor.get("/healthz")
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
def test_healthz_names_the_broker_when_it_is_down_within_five_seconds(monitor, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    started = time.monotonic()
    response = monitor.get("/healthz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert body["checks"]["broker"] == {"status": "fail"}  # no host or error text leaks
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
def test_healthz_names_the_media_storage_when_it_cannot_be_written(monitor, settings, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker
    response = monitor.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["media"]


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


# --- What the public sees ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_public_sees_only_up_or_down(client, settings):
    assert client.get("/healthz").json() == {"status": "ok"}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json() == {"status": "fail"}  # not which part, not the worker's heartbeat


@pytest.mark.django_db
@pytest.mark.parametrize(
    "authorization",
    ["Bearer wrong-token-of-the-same-length-000000", f"Basic {TOKEN}", f"Bearer {TOKEN[:-1]}"],
    ids=["wrong token", "other scheme", "a prefix of the token"],
)
def test_a_wrong_token_sees_only_up_or_down(client, settings, authorization):
    settings.HEALTHZ_TOKEN = TOKEN
    response = client.get("/healthz", HTTP_AUTHORIZATION=authorization)
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_no_token_is_accepted_when_none_is_configured(client, settings):
    settings.HEALTHZ_TOKEN = ""
    response = client.get("/healthz", HTTP_AUTHORIZATION="Bearer ")
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_the_secretariat_sees_the_detail_and_a_coordinator_does_not(client, kenya, settings):
    settings.MFA_REQUIRED = True
    secretariat = make_user(
        "sec@itu.example", role=Role.SECRETARIAT, totp_secret=generate_totp_secret()
    )
    coordinator = make_user(
        "wanjiru@ke.example",
        role=Role.COORDINATOR,
        member_state=kenya,
        totp_secret=generate_totp_secret(),
    )
    client.force_login(secretariat)
    assert client.get("/healthz").json()["checks"]["database"] == {"status": "ok"}
    client.force_login(coordinator)
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_a_secretariat_account_without_its_second_factor_sees_only_up_or_down(client, settings):
    settings.MFA_REQUIRED = True
    client.force_login(make_user("new-sec@itu.example", role=Role.SECRETARIAT))
    assert client.get("/healthz").json() == {"status": "ok"}


def test_a_short_healthz_token_is_refused_at_start(tmp_path):
    from tests.copgirls.test_configuration import run_manage

    result = run_manage(tmp_path, "check", HEALTHZ_TOKEN="abc123")
    assert result.returncode != 0
    assert "HEALTHZ_TOKEN must be a random string of at least 32 characters" in result.stderr


@pytest.mark.django_db
def test_healthz_names_the_workers_when_none_has_been_seen_within_the_bound(
    monitor, settings, worker_seen
):
    settings.HEALTHCHECK_WORKER_SECONDS = 60
    WorkerHeartbeat.objects.filter(pk=worker_seen.pk).update(
        seen_at=timezone.now() - datetime.timedelta(seconds=61)
    )
    response = monitor.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["worker"]
    assert body["checks"]["worker"] == {"status": "fail"}
    assert body["worker_last_seen_seconds"] >= 61

    WorkerHeartbeat.objects.create(hostname="celery@worker-2", seen_at=timezone.now())
    assert monitor.get("/healthz").status_code == 200  # one live worker is enough
