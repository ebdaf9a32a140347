"""Fixtures of the fault-injection suite: a PostgreSQL cluster, a redis-server and Celery
workers of the suite's own, which a test may kill and restart.

Never the machine's shared services: the cluster is initdb'd into a temporary folder and
listens on a free port (fsync off, for speed; ``-F``), the redis-server on another. Both are
session-scoped (one ``migrate``), started again before each test if a test left them down;
every test uses a Celery queue and a media folder of its own. Processes are stopped by the
ids this module started, never by name.

Under ``CI=true`` a missing ``initdb`` or ``redis-server`` fails the suite (see
:func:`tests.conftest.service_missing`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import pytest

from tests.conftest import BASE_DIR, CeleryWorker, service_missing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, what: str, log: Path | None = None, step=0.2):
    """``condition()``'s first truthy value within ``timeout`` seconds, else fail saying
    ``what`` (with the end of ``log``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    pytest.fail(f"{what} within {timeout} s\n{tail}")


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster of the suite's own (``pg_ctl`` on its data folder)."""

    bindir: Path
    root: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/copgirls"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        # PostgreSQL refuses to run as root: as root, run it as the postgres account.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], capture_output=True, text=True, check=check, timeout=120
        )

    def initdb(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
            "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-F -p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c max_connections=60 -c shared_buffers=32MB"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop",
            check=False,
        )  # fmt: skip

    def restart(self) -> None:
        """A fast restart (``-m fast``): every connection is cut, the cluster back in ~1 s."""
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
            "-m", "fast", "-w", "-t", "60",
            "-o", f"-F -p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c max_connections=60 -c shared_buffers=32MB",
            "restart",
        )  # fmt: skip

    def running(self) -> bool:
        status = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return status.returncode == 0

    def connect(self, database: str = "copgirls"):
        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, connect_timeout=5
        )

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of ``sql``, on a connection of its own (what a page would read)."""
        connection = self.connect()
        try:
            with connection, connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()


@dataclass
class RedisServer:
    """A redis-server of the suite's own, without persistence: a restart loses its data, as
    a cache or a broker replaced by a fresh one would."""

    root: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        log = (self.root / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", str(self.root),
            ],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()

        def answers() -> bool:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection,
            ):
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
            return False

        wait_until(answers, 20, "redis-server did not answer", self.root / "redis.log")

    def kill(self) -> None:
        """SIGKILL: the broker gone at once, as a crashed or replaced container."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def running(self) -> bool:
        return bool(self.process and self.process.poll() is None)


def _postgres_bindir() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@pytest.fixture(scope="session")
def faults_postgres():
    """The suite's PostgreSQL cluster, migrated (one ``migrate`` for the session)."""
    bindir = _postgres_bindir()
    if bindir is None:
        service_missing("initdb (PostgreSQL server binaries) is not installed")
    root = Path(tempfile.mkdtemp(prefix="copgirls-faults-pg-"))
    cluster = PostgresCluster(bindir=bindir, root=root)
    try:
        cluster.initdb()
        cluster.start()
        with contextlib.closing(cluster.connect("postgres")) as connection:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute("CREATE DATABASE copgirls")
        environment = {
            **os.environ,
            "DATABASE_URL": cluster.url,
            "CELERY_BROKER_URL": "filesystem://",
            "CACHE_URL": "db://",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR, env=environment, check=True, timeout=300, capture_output=True,
        )  # fmt: skip
        yield cluster
    except subprocess.CalledProcessError as exc:
        service_missing(f"the suite's PostgreSQL could not be set up: {exc.stderr}")
    finally:
        cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def faults_redis():
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed")
    root = Path(tempfile.mkdtemp(prefix="copgirls-faults-redis-"))
    server = RedisServer(root=root)
    server.start()
    yield server
    server.kill()
    shutil.rmtree(root, ignore_errors=True)


@dataclass
class FaultWorld:
    """What one test runs against: the suite's services, a queue and media folder of its
    own, and the workers it started (stopped, by process id, when it ends)."""

    postgres: PostgresCluster
    redis: RedisServer
    folder: Path
    queue: str = field(default_factory=lambda: f"faults-{uuid.uuid4().hex[:10]}")
    settings: dict[str, str] = field(default_factory=dict)
    workers: list[CeleryWorker] = field(default_factory=list)

    @property
    def media(self) -> Path:
        return self.folder / "media"

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.postgres.url,
            "CELERY_BROKER_URL": self.redis.url(0),
            "CACHE_URL": self.redis.url(1),
            "CELERY_QUEUE": self.queue,
            "MEDIA_ROOT": str(self.media),
            "CI": "true",
            **self.settings,
        }

    def worker(self, name: str, *, pool: str = "solo", start: bool = True) -> CeleryWorker:
        """A Celery worker named ``name`` on this test's queue (its log: ``<name>.log``)."""
        worker = CeleryWorker(
            self.queue, self.env, self.folder / f"{name}.log", pool=pool, name=name
        )
        self.workers.append(worker)
        if start:
            worker.start()
        return worker

    def manage(self, code: str) -> str:
        """Run ``code`` in a Django process on this test's services; returns its output."""
        result = subprocess.run(
            [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
            cwd=BASE_DIR, env={**self.env, "DJANGO_SETTINGS_MODULE": "copgirls.settings"},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if result.returncode:
            pytest.fail(f"the Django process failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def request_report(self, document_number: str = "CWG-COP/24/5") -> int:
        """Ask for a global 2025 (closed) report, as the form does: recorded, then queued."""
        output = self.manage(
            "import datetime\n"
            "from reports.services import report_request\n"
            "report = report_request(requested_by=None, scope='global',"
            " period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 12, 31),"
            " language='en', meeting_name='Twenty-fourth meeting of CWG-COP',"
            f" document_number={document_number!r})\n"
            "print('report', report.pk)\n"
        )
        return int(output.split("report ")[-1].split()[0])

    def report(self, report_id: int) -> dict:
        [row] = self.postgres.query(
            "SELECT status, stage, attempts, pdf, sha256, error, error_detail, claimed_by, "
            "brief, brief_sha256 FROM reports_report WHERE id = %s",
            (report_id,),
        )
        names = ("status", "stage", "attempts", "pdf", "sha256", "error", "error_detail")
        return dict(zip((*names, "claimed_by", "brief", "brief_sha256"), row, strict=True))

    def files(self, report_id: int) -> list[str]:
        folder = self.media / "reports" / str(report_id)
        return sorted(path.name for path in folder.iterdir()) if folder.exists() else []

    def logs(self) -> str:
        return "\n".join(
            f"--- {worker.name}\n{worker.log_path.read_text(errors='replace')[-3000:]}"
            for worker in self.workers
            if worker.log_path.exists()
        )


@pytest.fixture
def faults(faults_postgres, faults_redis, tmp_path):
    """This test's :class:`FaultWorld`; the services are up when it starts."""
    if not faults_postgres.running():
        faults_postgres.start()
    if not faults_redis.running():
        faults_redis.start()
    world = FaultWorld(postgres=faults_postgres, redis=faults_redis, folder=tmp_path)
    world.media.mkdir()
    yield world
    for worker in world.workers:
        if worker.process is not None:
            worker.kill()
            worker.log.close()
