"""The permission registry: apps declare their scopes and predicates, the core asks by name,
and a model left without a scope stops ``manage.py check``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from copgirls import permissions
from copgirls.models import AuditEntry, Role
from copgirls.permissions import PermissionRegistry, allows, check_scopes, require, visible_to
from events.models import Attendance, CopModule, Event
from events.permissions import events_visible_to
from tests.copgirls.conftest import make_event, make_user
from tests.events.conftest import make_session


def test_every_model_of_the_portal_has_a_scope_or_says_why_not():
    assert check_scopes() == []
    assert {config.label for config in permissions.portal_app_configs()} == {
        "copgirls",
        "events",
        "policies",
        "assessments",
        "reports",
        "api",
        "demo",
    }


def test_a_model_without_a_scope_is_reported_with_where_to_register_it():
    registry = PermissionRegistry()
    registry.register_scope("events.Event", events_visible_to)
    registry.register_staff_catalogue("events.CopModule")

    errors = registry.check([apps.get_app_config("events")])

    assert sorted((error.id, error.msg) for error in errors) == [
        ("copgirls.E101", "events.Attendance has no permission scope."),
        ("copgirls.E101", "events.CopSession has no permission scope."),
    ]
    assert "events.permissions" in errors[0].hint


def test_manage_py_check_fails_while_a_model_has_no_scope(monkeypatch):
    incomplete = PermissionRegistry()
    monkeypatch.setattr(permissions, "registry", incomplete)
    with pytest.raises(SystemCheckError, match="reports.Report has no permission scope"):
        call_command("check")


def test_a_scope_for_no_model_and_a_predicate_of_no_app_are_reported():
    registry = PermissionRegistry()
    registry.register_unscoped("events.Celebration", reason="a typo of events.Event")
    registry.register_predicate("evnts.edit_event", lambda user, event: True)

    messages = {(error.id, error.msg) for error in registry.check([])}

    assert messages == {
        (
            "copgirls.E102",
            "A permission scope is registered for events.Celebration, which is not a model.",
        ),
        ("copgirls.E103", "The predicate evnts.edit_event names an app that is not installed."),
    }


def test_a_second_scope_for_a_model_is_refused_and_the_same_one_again_is_not():
    registry = PermissionRegistry()
    registry.register_scope("events.Event", events_visible_to)
    registry.register_scope("events.Event", events_visible_to)  # a ready() run twice
    registry.register_staff_catalogue("events.CopModule")
    registry.register_staff_catalogue("events.CopModule")
    with pytest.raises(ImproperlyConfigured, match="events.Event has a scope already"):
        registry.register_scope("events.Event", lambda user: Event.objects.all())
    with pytest.raises(ImproperlyConfigured, match="both with and without scope"):
        registry.register_unscoped("events.Event", reason="no page shows it")
    with pytest.raises(ImproperlyConfigured, match="say why"):
        registry.register_unscoped("events.Attendance", reason=" ")
    with pytest.raises(ImproperlyConfigured, match="app_label.verb_thing"):
        registry.register_predicate("edit_event", lambda user, event: True)


def test_a_model_registered_without_scope_cannot_be_asked_for(coordinator_ke):
    with pytest.raises(ImproperlyConfigured, match="never one response"):
        visible_to(coordinator_ke, "assessments.Response")
    with pytest.raises(ImproperlyConfigured, match="no scope is registered for events.Nothing"):
        visible_to(coordinator_ke, "events.Nothing")


def test_a_scope_that_returns_another_model_is_refused(coordinator_ke):
    registry = PermissionRegistry()
    registry.register_scope("events.CopModule", lambda user: Event.objects.all())
    with pytest.raises(ImproperlyConfigured, match="returned events.Event objects"):
        registry.visible_to(coordinator_ke, "events.CopModule")


def test_the_core_asks_for_celebrations_by_name_and_gets_her_states_only(
    coordinator_ke, event_ke, event_fr, secretariat
):
    assert list(visible_to(coordinator_ke, "events.Event")) == [event_ke]
    assert set(visible_to(secretariat, "events.Event")) == {event_ke, event_fr}


def test_a_registered_predicate_answers_by_name_and_require_turns_no_into_403(
    coordinator_ke, coordinator_fr, event_ke
):
    assert allows(coordinator_ke, "events.invite_facilitators", event_ke)
    assert not allows(coordinator_fr, "events.invite_facilitators", event_ke)
    require("events.invite_facilitators", coordinator_ke, event_ke)
    with pytest.raises(PermissionDenied):
        require("events.invite_facilitators", coordinator_fr, event_ke)
    with pytest.raises(ImproperlyConfigured, match="no predicate is registered as events.fly"):
        allows(coordinator_ke, "events.fly", event_ke)


def test_a_scope_through_a_parent_follows_the_parents_scope(
    coordinator_ke, coordinator_fr, kenya, france
):
    kenyan = make_session(make_event(kenya, "KE-9"))
    make_session(make_event(france, "FR-9"))

    theirs = visible_to(coordinator_ke, "events.Attendance")

    assert set(theirs) == set(Attendance.objects.filter(session=kenyan))
    assert sorted(theirs.values_list("count", flat=True)) == [3, 12]
    assert not visible_to(coordinator_fr, "events.Attendance").filter(session=kenyan).exists()


def test_the_module_catalogue_is_read_by_staff_and_the_audit_log_by_the_secretariat(
    coordinator_ke, secretariat
):
    without_role = make_user("someone@example.org")
    modules = CopModule.objects.count()
    assert modules > 0
    assert visible_to(coordinator_ke, "events.CopModule").count() == modules
    assert not visible_to(without_role, "events.CopModule").exists()

    assert AuditEntry.objects.exists()  # the roles granted by the fixtures
    assert visible_to(secretariat, "copgirls.AuditEntry").count() == AuditEntry.objects.count()
    assert not visible_to(coordinator_ke, "copgirls.AuditEntry").exists()


def test_an_officer_sees_her_regions_reports_scope_through_the_reports_app(kenya, france):
    officer = make_user("officer@example.org", role=Role.REGIONAL_OFFICER, region=kenya.region)
    assert list(visible_to(officer, "copgirls.Region")) == [kenya.region]
    assert visible_to(officer, "copgirls.MemberState").filter(pk=kenya.pk).exists()
    assert not visible_to(officer, "copgirls.MemberState").filter(pk=france.pk).exists()
    assert visible_to(officer, "reports.Report").model._meta.label == "reports.Report"


# --- The core names no app ----------------------------------------------------------------

APPS = ("events", "policies", "assessments", "reports")
#: Moved out of the core by issue 14's demo package; not this guard's business until then.
NOT_YET_MOVED = ("demo.py", "synthetic", "management", "migrations")


def _imported_names(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, and every string
    given to ``import_module``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def test_the_core_imports_no_app_not_even_inside_a_function():
    core = Path(settings.BASE_DIR) / "copgirls"
    offending = {
        str(path.relative_to(core)): sorted(
            name for name in _imported_names(path) if name.split(".")[0] in APPS
        )
        for path in core.rglob("*.py")
        if not any(part in NOT_YET_MOVED for part in path.relative_to(core).parts)
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_reports_services_send_the_task_by_name_without_importing_the_tasks():
    services = Path(settings.BASE_DIR) / "reports" / "services.py"
    assert "reports.tasks" not in _imported_names(services)
    from reports import services as reports_services
    from reports.tasks import report_generate_task

    # The name messages already in the broker carry: renaming the task would strand them.
    assert report_generate_task.name == "reports.tasks.report_generate_task"
    assert report_generate_task.name == reports_services.REPORT_GENERATE_TASK
