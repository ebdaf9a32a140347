"""Start-up configuration: bad values stop the portal with one readable line."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

MANAGE = [sys.executable, "manage.py"]
STRONG_KEY = "k7Qv2-Zp9sXw4Lm1Rt8Yb3Nc6Hd0Jf5Gu2Ea7Wq9Ko4Pi1Mx3Vz8By6Tn5Sh0Lr2Ud"


def run_manage(tmp_path, *args, **env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "CACHE_URL",
            "DJANGO_ENV",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set for the browser tests in this process only
        }
    }
    env["COPGIRLS_VAR_DIR"] = str(tmp_path / "var")
    env.update(env_overrides)
    return subprocess.run(
        [*MANAGE, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DATABASE_URL", "mysqlx://db/copgirls", "DATABASE_URL has an unsupported scheme 'mysqlx'"),
        ("DATABASE_URL", "postgres://db:54x2/copgirls", "DATABASE_URL is malformed"),
        ("DATABASE_URL", "postgres:///copgirls", "DATABASE_URL names no host"),
        ("DATABASE_URL", "not a url", "DATABASE_URL has an unsupported scheme 'none'"),
        ("CELERY_BROKER_URL", "redis://redis:six/0", "CELERY_BROKER_URL is malformed"),
        ("CELERY_BROKER_URL", "kafka://broker:9092", "CELERY_BROKER_URL has an unsupported"),
        ("DEBUG", "perhaps", "DEBUG must be true or false"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_one_line_naming_it(
    tmp_path, variable, value, expected
):
    result = run_manage(tmp_path, "check", **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("copgirls: configuration error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "PARTICIPANT_KEY_PEPPER": STRONG_KEY[::-1],
    "ALLOWED_HOSTS": "copgirls.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"DEBUG": "true"}, "DEBUG must be off"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be a random string"),
        ({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "SECRET_KEY must be a random"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be a random string"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must list"),
        ({"PARTICIPANT_KEY_PEPPER": ""}, "PARTICIPANT_KEY_PEPPER must be a random string"),
        ({"PARTICIPANT_KEY_PEPPER": "a" * 40}, "PARTICIPANT_KEY_PEPPER must be a random string"),
    ],
)
def test_production_mode_refuses_an_insecure_configuration(tmp_path, override, expected):
    result = run_manage(tmp_path, "check", **{**PRODUCTION, **override})
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_production_mode_passes_the_deployment_checklist(tmp_path):
    result = run_manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_celery_is_configured_for_reliable_long_tasks():
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert 0 < settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT


def test_the_redis_visibility_timeout_outlasts_the_longest_task(tmp_path):
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], s.CELERY_TASK_TIME_LIMIT)",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    visibility_timeout, hard_limit = map(int, result.stdout.split()[-2:])
    assert visibility_timeout > hard_limit


def test_the_celery_app_loads_its_configuration_from_the_settings():
    from copgirls.celery import app

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.accept_content == ["json"]
    assert app.conf.worker_prefetch_multiplier == 1
