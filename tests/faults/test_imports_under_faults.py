"""An import of 15,000 celebrations is all or nothing, even when its process is killed while
it writes; two imports of the same file at once store its rows once.

Each import runs in a Django process of its own on the suite's PostgreSQL (as a web worker
handling the upload would); "killed" is SIGKILL, once PostgreSQL shows it inserting.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import BASE_DIR
from tests.faults.conftest import wait_until

pytestmark = pytest.mark.faults

ROWS = 15_000

#: A Django process importing ``ROWS`` generated celebrations of Kenya as the secretariat;
#: ``{prefix}`` makes each file's references its own.
IMPORT = """
import os
from django.core.files.uploadedfile import SimpleUploadedFile
from copgirls.models import Role, RoleAssignment, User
from events.services import events_import
from tests.events.test_import import csv_bytes, row

user = User.objects.create_user(f"imports-{{os.getpid()}}@faults.example", "long-password-123")
RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT)
rows = [row(n, organiser_reference=f"{prefix}-{{n:05d}}") for n in range(1, {rows} + 1)]
upload = SimpleUploadedFile("celebrations.csv", csv_bytes(rows), content_type="text/csv")
outcome = events_import(actor=user, upload=upload)
print("OUTCOME", outcome.refused or "-", outcome.error_count, outcome.created, outcome.unchanged)
"""


def importer(faults, prefix: str) -> subprocess.Popen:
    code = "import django\ndjango.setup()\n" + IMPORT.format(prefix=prefix, rows=ROWS)
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=BASE_DIR, env={**faults.env, "DJANGO_SETTINGS_MODULE": "copgirls.settings"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def imported(faults, prefix: str) -> int:
    [(count,)] = faults.postgres.query(
        "SELECT count(*) FROM events_event WHERE organiser_reference LIKE %s", (f"{prefix}-%",)
    )
    return count


def finished(process: subprocess.Popen) -> str:
    output, _ = process.communicate(timeout=240)
    assert process.returncode == 0, output[-3000:]
    return output.split("OUTCOME ", 1)[1].strip()


def test_an_import_killed_while_it_writes_leaves_nothing_and_runs_whole_again(faults):
    process = importer(faults, "KILL")

    def inserting() -> bool:
        if process.poll() is not None:
            pytest.fail(f"the import ended before it was killed: {process.stdout.read()[-2000:]}")
        rows = faults.postgres.query(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE query LIKE 'INSERT INTO \"events_event\"%%' AND state = 'active'"
        )
        return rows[0][0] > 0

    wait_until(inserting, 180, "the import never started inserting", step=0.02)
    time.sleep(0.1)  # some batches of 500 in, others still to come
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    wait_until(
        lambda: (
            imported(faults, "KILL") == 0
            and not faults.postgres.query(
                "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'INSERT INTO \"events_event\"%%'"
            )
        ),
        30,
        "the killed import's rows did not vanish",
    )
    assert imported(faults, "KILL") == 0

    assert finished(importer(faults, "KILL")) == f"- 0 {ROWS} 0"
    assert imported(faults, "KILL") == ROWS


def test_two_imports_of_the_same_file_at_once_store_its_rows_once(faults):
    first, second = importer(faults, "TWICE"), importer(faults, "TWICE")
    outcomes = sorted([finished(first), finished(second)])
    assert outcomes == [f"- 0 0 {ROWS}", f"- 0 {ROWS} 0"]
    assert imported(faults, "TWICE") == ROWS
