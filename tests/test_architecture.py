"""The import directions: core <- events <- assessments <- reports <- api, with demo on top.

Two checks, because each sees what the other cannot: the import-linter contracts in
``.importlinter`` walk the static import graph (every ``import``, lazy ones inside functions
too, directly or through other modules), and a fresh interpreter with an app left out of
``INSTALLED_APPS`` shows that the layers below it load and import without it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from importlinter.api import read_configuration

BASE_DIR = Path(settings.BASE_DIR)
CONFIG = BASE_DIR / ".importlinter"

#: Each layer and what it must never import (contract id -> forbidden top-level packages).
DIRECTIONS = {
    "core": {"events", "policies", "assessments", "reports", "api", "demo"},
    "events": {"policies", "assessments", "reports", "api", "demo"},
    "policies": {"assessments", "reports", "api", "demo"},
    "assessments": {"reports", "api", "demo"},
    "reports": {"api", "demo"},
    "api": {"demo"},
}
SOURCE = {
    "core": "copgirls",
    "events": "events",
    "policies": "policies",
    "assessments": "assessments",
    "reports": "reports",
    "api": "api",
}
#: ``lint-imports``, as ``make test`` runs it, from this interpreter.
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def test_the_contracts_state_every_direction():
    """Nobody makes the linter pass by dropping a contract or a forbidden package."""
    contracts = {c["id"]: c for c in read_configuration(str(CONFIG))["contracts_options"]}

    assert set(contracts) == set(DIRECTIONS)
    for contract_id, forbidden in DIRECTIONS.items():
        contract = contracts[contract_id]
        assert contract["type"] == "forbidden"
        assert contract["source_modules"] == [SOURCE[contract_id]]
        assert set(contract["forbidden_modules"]) == forbidden


def test_the_import_graph_keeps_every_contract():
    result = subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS, "--config", str(CONFIG), "--no-cache", "--no-logo"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 6 kept, 0 broken." in result.stdout


#: Run in a fresh interpreter: Django set up without the ``forbidden`` apps, then each target
#: imported (``pkg.*``: every module of the package); prints the forbidden packages' modules
#: that got loaded. (Set up with every app, Django itself loads their models and ``ready()``.)
PROBE = textwrap.dedent(
    """
    import importlib, os, pkgutil, sys

    os.environ["DJANGO_SETTINGS_MODULE"] = "copgirls.settings"
    forbidden = set(sys.argv[1].split(","))
    targets = sys.argv[2].split(",")

    from django.conf import settings

    settings.INSTALLED_APPS = [
        app for app in settings.INSTALLED_APPS if app.split(".")[0] not in forbidden
    ]
    import django

    django.setup()
    for target in targets:
        if not target.endswith(".*"):
            importlib.import_module(target)
            continue
        package = importlib.import_module(target[:-2])
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            # Migrations are loaded by migrate, not imported by the app's code.
            if ".migrations" in info.name:
                continue
            importlib.import_module(info.name)
    print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in forbidden)))
    """
)


def loaded_without(forbidden: set[str], targets: list[str]) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(sorted(forbidden)), ",".join(targets)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return [name for name in result.stdout.strip().split(",") if name]


def test_the_core_loads_and_imports_without_any_app():
    loaded = loaded_without(
        DIRECTIONS["core"],
        ["copgirls.models", "copgirls.disclosure", "copgirls.services", "copgirls.permissions"],
    )

    assert loaded == []


@pytest.mark.parametrize("app", ["events", "policies", "assessments"])
def test_every_module_of_an_app_imports_without_the_apps_above_it(app):
    assert loaded_without(DIRECTIONS[app], [f"{app}.*"]) == []
