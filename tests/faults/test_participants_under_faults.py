"""A class answering through faults: Redis killed and back, PostgreSQL restarted.

The portal runs under gunicorn against the suite's own services (tests/faults/conftest.py);
20 phones send at once, some time out and send again with the same submission id, as a
phone on a school's network does. What a girl may see: her thank-you (303), or — while
PostgreSQL is down — the page saying her answers were not sent, which she sends again.
Never a 500; every distinct submission stored exactly once.
"""

from __future__ import annotations

import http.client
import json
import random
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis

from tests.conftest import BASE_DIR
from tests.faults.conftest import free_port, wait_until

pytestmark = pytest.mark.faults

PHONES = 20


class Portal:
    """gunicorn on the fault world's services (two processes, two threads each)."""

    def __init__(self, faults):
        self.faults = faults
        self.port = free_port()
        self.log_path = faults.folder / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {
            **self.faults.env,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_ENV": "development",
            "DEBUG": "false",
            "COPGIRLS_VAR_DIR": str(self.faults.folder / "var"),
        }
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "copgirls.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "2",
             "--timeout", "30", "--graceful-timeout", "5"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()

        def answers() -> bool:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/a/")
                return connection.getresponse().status == 200
            except OSError:
                return False

        wait_until(answers, 60, "gunicorn did not answer", self.log_path)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


class Phone:
    """One girl's phone: its own connection and the limits' cookie the portal gave it."""

    def __init__(self, portal: Portal):
        self.portal = portal
        self.cookie = ""

    def post(self, path: str, fields: dict, *, timeout: float = 10) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.portal.port, timeout=timeout)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"http://127.0.0.1:{self.portal.port}",
        }
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            connection.request("POST", path, urlencode(fields), headers)
            response = connection.getresponse()
            body = response.read().decode(errors="replace")
            issued = response.getheader("Set-Cookie") or ""
            if issued.startswith("copgirls_client="):
                self.cookie = issued.split(";", 1)[0]
            return response.status, body
        finally:
            connection.close()


def open_link(faults, reference: str) -> tuple[str, dict]:
    """A celebration with a session and its open pre link: the code and one girl's answers."""
    output = faults.manage(
        "import json\n"
        "from assessments.models import Phase\n"
        "from assessments.services import link_open\n"
        "from copgirls.models import Role, RoleAssignment, User\n"
        "from tests.assessments.conftest import form_data, make_event, make_session\n"
        f"event = make_event(reference={reference!r})\n"
        "session = make_session(event)\n"
        f"user = User.objects.create_user({reference + '@faults.example'!r}, 'long-password-123')\n"
        "RoleAssignment.objects.create(user=user, role=Role.FACILITATOR, event=event)\n"
        "link = link_open(session=session, phase=Phase.PRE, actor=user)\n"
        "data = form_data(link.questionnaire)\n"
        "print('LINK', json.dumps({'code': link.code, 'data': data}))\n"
    )
    found = json.loads(output.split("LINK ", 1)[1])
    return found["code"], found["data"]


def stored_for(faults, code: str) -> int:
    [(count,)] = faults.postgres.query(
        "SELECT count(*) FROM assessments_response r JOIN assessments_collectionlink l"
        " ON l.session_id = r.session_id AND l.phase = r.phase WHERE l.code = %s",
        (code,),
    )
    return count


@pytest.fixture
def portal(faults):
    portal = Portal(faults)
    portal.start()
    yield portal
    portal.stop()


def submissions(data: dict, count: int) -> list[dict]:
    """``count`` distinct girls' submissions (her own submission id and memorable code)."""
    return [
        {**data, "client_submission_id": str(uuid.uuid4()), "memorable_code": f"owl {n}"}
        for n in range(count)
    ]


def send_all(portal, code, payloads, *, fault, retry_not_sent: bool) -> list[int]:
    """Every payload sent by one of 20 phones; 10 % sent twice; a time-out (1 s, random)
    or — when ``retry_not_sent`` — a "not sent" page is sent again, with the same id.
    ``fault()`` runs once a third of them are sent. The statuses of every answer."""
    path = f"/a/{code}/"
    statuses: list[int] = []
    lock = threading.Lock()
    phones = [Phone(portal) for _ in range(PHONES)]
    sent = {"n": 0}
    randomness = random.Random(17)
    resend = {n for n in range(len(payloads)) if randomness.random() < 0.10}
    short = {n for n in range(len(payloads)) if randomness.random() < 0.05}

    def one(n: int) -> None:
        phone = phones[n % PHONES]
        fields = payloads[n]
        times = 2 if n in resend else 1
        for _ in range(times):
            for _attempt in range(60):
                try:
                    status, body = phone.post(path, fields, timeout=0.05 if n in short else 10)
                except (TimeoutError, OSError):
                    short.discard(n)  # her phone gave up: she presses Send again
                    continue
                with lock:
                    statuses.append(status)
                if status == 503 and retry_not_sent:
                    assert "Send again" in body, body[:500]
                    time.sleep(0.5)
                    continue
                break
        with lock:
            sent["n"] += 1
            if sent["n"] == len(payloads) // 3:
                threading.Thread(target=fault).start()

    with ThreadPoolExecutor(PHONES) as pool:
        list(pool.map(one, range(len(payloads))))
    return statuses


def test_redis_killed_while_a_class_sends_nothing_is_lost_and_the_limits_come_back(faults, portal):
    code, data = open_link(faults, "FAULT-REDIS")
    payloads = submissions(data, 500)
    statuses = send_all(portal, code, payloads, fault=faults.redis.kill, retry_not_sent=False)
    assert 500 not in statuses, portal.log()
    assert set(statuses) == {303}, (sorted(set(statuses)), portal.log())
    assert stored_for(faults, code) == len(payloads)
    assert "rate-limit store failed" in Path(portal.log_path).read_text()

    # Redis back: the limits are counted there again (its counters appear), within seconds.
    faults.redis.start()
    cache = redis.Redis(port=faults.redis.port, db=1)
    phone = Phone(portal)

    def counted_in_redis() -> bool:
        phone.post(f"/a/{code}/", {**data, "client_submission_id": str(uuid.uuid4())})
        return bool(cache.keys("*assessments:rate:*"))

    wait_until(counted_in_redis, 20, "the limits were not counted in Redis again", portal.log_path)
    assert stored_for(faults, code) <= len(payloads) + 30  # the probes are girls too


def test_postgresql_restarted_while_a_class_sends_each_is_stored_once(faults, portal):
    code, data = open_link(faults, "FAULT-PG")
    payloads = submissions(data, 300)
    statuses = send_all(portal, code, payloads, fault=faults.postgres.restart, retry_not_sent=True)
    assert 500 not in statuses, portal.log()
    assert set(statuses) <= {303, 503}, (sorted(set(statuses)), portal.log())
    assert 503 in statuses  # the restart was met: some girls saw "not sent", and sent again
    assert stored_for(faults, code) == len(payloads)
