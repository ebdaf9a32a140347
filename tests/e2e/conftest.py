"""End-to-end fixtures: the real portal (gunicorn), a real Celery worker, PostgreSQL,
Redis, and Debian's Chromium driven by Playwright.

Under ``CI=true`` a missing service or browser fails; locally it skips saying what is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import CeleryWorker, database_url_for_subprocess, service_missing

# Playwright's sync API keeps an event loop running in this thread; the test database's
# set-up and flush are still plain synchronous calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Portal:
    """The portal served by gunicorn on a free port, with a worker on its own queue."""

    def __init__(self, tmp_path: Path, extra_env: dict[str, str] | None = None):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        queue = f"e2e-{uuid.uuid4().hex[:10]}"
        inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        self.env = {
            **inherited,
            "DATABASE_URL": database_url_for_subprocess(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CACHE_URL": settings.CACHE_URL,
            "CELERY_QUEUE": queue,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "COPGIRLS_VAR_DIR": str(tmp_path / "var"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "DJANGO_ENV": "development",
            "DEBUG": "false",
            **(extra_env or {}),
        }
        self.log_path = tmp_path / "gunicorn.log"
        self.worker = CeleryWorker(queue, self.env, tmp_path / "worker.log")
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Boot gunicorn and the worker side by side (each takes seconds), then wait for both."""
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "copgirls.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "2",
             "--preload", "--graceful-timeout", "5"],
            cwd=settings.BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.worker.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            raise RuntimeError(f"the portal did not answer: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        """Stop gunicorn and the worker together."""
        running = self.process is not None and self.process.poll() is None
        if running:
            self.process.terminate()
        self.worker.stop()
        if running:
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()

    def mails(self) -> list[str]:
        return [path.read_text() for path in sorted(self.mail_dir.glob("*.log"))]


@pytest.fixture(scope="session")
def _reference_data_snapshot(django_db_setup, django_db_blocker) -> dict:
    """The reference data serialized when the test database was created, per database.

    Read before Playwright starts: while its event loop runs in this thread, Django keeps
    database connections per context rather than per thread, so a test sees another
    connection object than the one ``create_test_db`` stored the snapshot on.
    """
    from django.db import connections

    return {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }


@pytest.fixture
def _reference_data_restorable(_reference_data_snapshot) -> None:
    """Put the snapshot on the connections this test sees, so the serialized rollback of
    ``transactional_db`` brings the member states and the COP catalogue back."""
    from django.db import connections

    for alias, contents in _reference_data_snapshot.items():
        if contents is not None:
            connections[alias]._test_serialized_contents = contents


@pytest.fixture
def portal_env(request) -> dict[str, str]:
    """Extra environment of the portal and its worker; a test sets it with
    ``@pytest.mark.parametrize("portal_env", [{...}], indirect=True)``."""
    return getattr(request, "param", {})


@pytest.fixture
def portal(
    _reference_data_restorable,
    portal_env,
    require_postgres,
    require_redis,
    django_db_serialized_rollback,
    transactional_db,
    tmp_path,
):
    live = Portal(tmp_path, portal_env)
    try:
        live.start()
    except RuntimeError as exc:
        service_missing(f"the portal could not be started: {exc}")
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser(_reference_data_snapshot):
    """Chromium, per test module: once the module is done, Playwright's event loop stops and
    the tests that follow use the thread's own database connection again."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        service_missing(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        from django.db import connections

        connections.close_all()  # the connections opened while the loop ran


@pytest.fixture
def phone(browser):
    """A cheap phone: 360 px wide."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    yield context
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context
    context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot as a test artefact (test-artifacts/<name>.png).

    ``full_page=False`` keeps what the screen shows, at one image pixel per CSS pixel: a
    small picture, fit for the README (docs/screenshots/).
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if full_page:
        page.screenshot(path=str(path), full_page=True)
    else:
        page.screenshot(path=str(path), scale="css")
    return path


def assert_accessible(page, name: str = "") -> None:
    """axe-core finds no serious or critical violation on the page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    serious = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]
    assert not serious, f"{name or page.url}: " + "\n".join(serious)
