"""The submission functions come from ``assessments/sql/``, whatever state a database was in.

Each version of a function is a file named by the migration that installs it; migrations
load them (``assessments.sql``). A database migrated from empty, or from any earlier state
(forwards), runs the latest file's function; migrated back to a state, it runs the version
that state had.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import subprocess
import sys
import tomllib
import types
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from assessments import sql
from copgirls.env import database_url
from tests.assessments.migration_walk import FUNCTIONS
from tests.conftest import BASE_DIR

#: ``md5(prosrc)`` — the body between ``$$`` — of each released version, as PostgreSQL held
#: it in a database migrated by main at 572b84f, when the migrations still built these
#: texts in Python (0009 and 0010 by ``str.replace`` on the one before). A released file
#: never changes: databases hold its function and migrating back installs it again.
RELEASED = {
    "submission_link.0007": "912924e62c22ee341734b6dc57a28b33",
    "response_store.0007": "1a4d6a0837ae69fdbffab402c306c83d",
    "response_store.0009": "5befdf0c6273236ac7d2615d2839fbcb",
    "response_store.0010": "6611a860e71e34e6e421efb3482fb870",
}


def body(name: str) -> str:
    text = sql.load(name)
    parts = text.split("$$")
    assert len(parts) == 3, f"{name}.sql: one $$-quoted body expected"
    return parts[1]


def number(migration_or_version: str) -> int:
    return int(migration_or_version.rsplit(".", 1)[-1].split("_", 1)[0])


def test_released_versions_are_the_functions_databases_hold():
    assert sql.versions("response_store") == [
        "response_store.0007",
        "response_store.0009",
        "response_store.0010",
    ]
    for name, digest in RELEASED.items():
        assert hashlib.md5(body(name).encode()).hexdigest() == digest, name  # noqa: S324


def test_every_version_file_is_installed_by_its_migration():
    migrations = {
        number(name): name
        for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
        if app == "assessments"
    }
    for function in FUNCTIONS:
        for version in sql.versions(function):
            migration = migrations.get(number(version))
            assert migration, f"{version}.sql: no assessments migration {number(version):04d}"
            source = (BASE_DIR / "assessments" / "migrations" / f"{migration}.py").read_text()
            assert f'"{version}"' in source, f"migration {migration} does not install {version}"


def test_the_sql_files_are_package_data():
    """An installed copgirls (not only a checkout) has the files its migrations load."""
    config = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["assessments.sql"]
    files = [path.name for path in (BASE_DIR / "assessments" / "sql").glob("*.sql")]
    assert files
    for name in files:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name
    ignored = (BASE_DIR / ".dockerignore").read_text().split()
    assert not any(fnmatch.fnmatch(f"assessments/sql/{files[0]}", p) for p in ignored)


def expected_at(state: str) -> dict[str, str | None]:
    """Per function, the version a database at migration ``state`` runs (None: none yet)."""
    found = {}
    for function in FUNCTIONS:
        held = [v for v in sql.versions(function) if number(v) <= number(state)]
        found[function] = held[-1] if held else None
    return found


@pytest.fixture
def empty_database(require_postgres, django_db_blocker):
    """The URL of a new, empty PostgreSQL database, dropped after the test."""
    name = f"{settings.DATABASES['default']['NAME']}_walk_{uuid.uuid4().hex[:8]}"[-63:]
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(
            types.SimpleNamespace(
                vendor="postgresql", settings_dict={**connection.settings_dict, "NAME": name}
            )
        )
    finally:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.services
def test_migrate_gives_the_latest_function_from_every_state_and_back(empty_database, tmp_path):
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (latest,) = (name for app, name in loader.graph.leaf_nodes() if app == "assessments")
    first = min(number(v) for function in FUNCTIONS for v in sql.versions(function))
    # From the migration before the first function to the one before the latest, newest first.
    states = sorted(
        (
            name
            for app, name in loader.disk_migrations
            if app == "assessments" and first - 1 <= number(name) < number(latest)
        ),
        reverse=True,
    )
    assert states[-1].startswith("0006") and number(states[0]) == number(latest) - 1
    targets = ["latest"]
    for state in states:
        targets += [state, "latest"]  # back to the state, then forward from it
    out = tmp_path / "walk.json"
    subprocess.run(
        [sys.executable, "-m", "tests.assessments.migration_walk", str(out), *targets],
        cwd=BASE_DIR,
        env={**os.environ, "DATABASE_URL": empty_database},
        check=True,
        timeout=300,
    )
    walk = json.loads(out.read_text())
    files, after = walk["files"], walk["after"]
    current = expected_at(latest)
    assert current == {
        "response_store": "response_store.0010",
        "submission_link": "submission_link.0007",
    }

    def held(definitions: dict[str, str], versions: dict[str, str | None]) -> None:
        for function, proname in FUNCTIONS.items():
            version = versions[function]
            assert definitions.get(proname) == (files[version] if version else None), (
                function,
                version,
            )

    held(after[0], current)  # migrate from an empty database
    for step, target in enumerate(targets[1:], start=1):
        held(after[step], current if target == "latest" else expected_at(target))
    # The same definition every way it was reached, and it is the latest file's.
    assert len({json.dumps(definitions, sort_keys=True) for definitions in after[::2]}) == 1
    assert "clock_timestamp()" in after[0]["assessments_response_store"]
