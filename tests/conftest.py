"""Shared fixtures: real services (PostgreSQL, Redis, a Celery worker) and their guards.

Under ``CI=true`` a missing service fails the test; locally it skips with a
message naming what is missing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import translation

from copgirls.env import database_url

BASE_DIR = Path(settings.BASE_DIR)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def service_missing(reason: str) -> None:
    """Fail under CI, skip elsewhere: a missing service never silently passes in CI."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def _redis_problem() -> str | None:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return f"CELERY_BROKER_URL is {url!r}, not a Redis URL"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {url} does not answer ({exc})"
    return None


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        service_missing("PostgreSQL is not configured (set DATABASE_URL=postgres://…)")


@pytest.fixture
def require_redis():
    problem = _redis_problem()
    if problem:
        service_missing(problem)


def database_url_for_subprocess() -> str:
    """The URL of the database this test runs on (the test database), for child processes."""
    return database_url(connection)


def stop_process(process: subprocess.Popen | None) -> None:
    """SIGTERM, and SIGKILL if it has not exited 20 s later; nothing if it is not running."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


class CeleryWorker:
    """A real ``celery worker`` process listening on a queue of its own, named
    ``<name>@<host>`` (``name`` defaults to the queue: two workers on one queue need two).

    Gossip, mingle and event heartbeats are off, as in ``make run`` and compose: their
    channels are what a broker reconnect trips over (tests/faults).
    """

    def __init__(
        self,
        queue: str,
        env: dict[str, str],
        log_path: Path,
        pool: str = "solo",
        name: str | None = None,
    ):
        self.queue = queue
        self.env = env
        self.log_path = log_path
        self.pool = pool
        self.name = name or queue
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        self.log = self.log_path.open("ab")
        offset = self.log_path.stat().st_size  # "ready" of this start, not of an earlier one
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "copgirls.worker", "worker",
                "--pool", self.pool, "--concurrency", "1", "--queues", self.queue,
                "--loglevel", "INFO",
                "--without-gossip", "--without-mingle", "--without-heartbeat",
                "--hostname", f"{self.name}@%h",
            ],
            cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited: {self.log_path.read_text()[-2000:]}")
            if b" ready." in self.log_path.read_bytes()[offset:]:
                return
            time.sleep(0.2)
        raise RuntimeError(f"celery worker not ready in {timeout}s: {self.log_path.read_text()}")

    def kill(self) -> None:
        """SIGKILL, as the kernel's OOM killer or a lost machine would."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def children(self) -> list[int]:
        """The process ids of the pool's child processes (prefork), from /proc."""
        pid = self.process.pid
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(child) for child in text.split()]

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()


@pytest.fixture
def celery_pool() -> str:
    """The worker's pool: ``solo`` (one process); a test may parametrize ``prefork``."""
    return "solo"


@pytest.fixture
def celery_worker_process(
    require_postgres,
    require_redis,
    django_db_serialized_rollback,
    transactional_db,
    tmp_path,
    celery_pool,
):
    """Start a real Celery worker on PostgreSQL (the test database) and Redis.

    Tasks must be sent with ``queue=worker.queue``; the worker sees only committed data,
    hence ``transactional_db`` — with a serialized rollback, so the reference data that
    migrations load (member states, the COP catalogue) is back for the next test.
    """
    queue = f"test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = CeleryWorker(queue, env, tmp_path / "worker.log", pool=celery_pool)
    try:
        worker.start()
    except RuntimeError as exc:
        service_missing(f"a Celery worker could not be started: {exc}")
    yield worker
    worker.stop()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language: a request in another one leaves
    that language active in the thread (LocaleMiddleware activates, nothing resets), and
    a service called next would speak it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(items):
    """Every transactional test gets the reference data back (serialized rollback).

    A transactional test empties the database when it ends; without this, the member
    states, regions and COP catalogue that migrations load would be missing in the next one.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and "serialized_rollback" not in marker.kwargs
        ):
            mark = pytest.mark.django_db(**marker.kwargs, serialized_rollback=True)
            item.add_marker(mark, append=False)  # before the decorator's, so it is the closest


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the serialized reference data where every connection object can find it.

    Playwright's sync API runs an event loop in this thread; while it runs, asgiref's
    ``Local`` hands Django *new* connection objects, which lack the contents serialized
    when the test database was created — and serialized rollback then restores nothing.
    Storing them on the backend's class makes every connection object see them.
    """
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents is not None:
            type(connection)._test_serialized_contents = contents
    return django_db_setup
