"""The demo package sits on top: it imports every app, and no app imports it back."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function alike."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_app_of_the_portal_imports_the_demo_package():
    local_apps = [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).parent == BASE_DIR and config.name != "demo"
    ]
    assert {path.name for path in local_apps} >= {"copgirls", "events", "assessments", "reports"}
    offenders = sorted(
        f"{path.relative_to(BASE_DIR)} imports {name}"
        for app in local_apps
        for path in app.rglob("*.py")
        for name in imported_modules(path)
        if name == "demo" or name.startswith("demo.")
    )
    assert offenders == []
