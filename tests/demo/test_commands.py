"""``load_demo``: the logins of every demo module, and never in production."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from copgirls.models import User


def load_demo(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_load_demo_loads_once_and_lists_the_logins_of_the_core_and_the_celebrations(db):
    output = load_demo()
    assert "Demo data ready (" in output
    for email in (
        "secretariat@demo.copgirls.org",
        "africa@demo.copgirls.org",
        "kenya@demo.copgirls.org",
        "france@demo.copgirls.org",
        "facilitator@demo.copgirls.org",
    ):
        assert f"{email} " in output and User.objects.filter(email=email).exists()
    assert "girls-in-ict-demo" in output
    assert "Demo data ready (0 new objects)." in load_demo()


def test_logins_only_prints_the_logins_and_creates_nothing(db):
    output = load_demo("--logins-only")
    assert "Demo data ready" not in output
    assert "Coordinator, France" in output and "secretariat@demo.copgirls.org" in output
    assert not User.objects.filter(email__endswith="@demo.copgirls.org").exists()


def test_load_demo_refuses_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="load_demo refuses to run with DJANGO_ENV=production"):
        load_demo()
    with pytest.raises(CommandError, match="refuses"):
        load_demo("--logins-only")
    assert not User.objects.filter(email__endswith="@demo.copgirls.org").exists()
