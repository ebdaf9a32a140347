"""docker-compose.yml and the Dockerfile agree with what the settings read."""

from pathlib import Path
from urllib.parse import urlsplit

import yaml
from django.conf import settings

from copgirls import env

ROOT = Path(settings.BASE_DIR)


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_services_of_a_production_deployment():
    services = compose()["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:")
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
    assert set(compose()["volumes"]) == {"pgdata", "media"}


def test_compose_ports_match_the_services():
    services = compose()["services"]
    assert any(port.endswith(":5432") for port in services["db"]["ports"])
    assert any(port.endswith(":6379") for port in services["redis"]["ports"])
    assert "127.0.0.1:8000:8000" in services["web"]["ports"]  # behind the TLS proxy only
    assert "0.0.0.0:8000" in " ".join(services["web"]["command"])


def test_every_variable_compose_sets_is_one_the_settings_read():
    services = compose()["services"]
    for name in ("web", "worker", "beat"):
        variables = set(services[name]["environment"])
        unknown = variables - set(env.READ)
        assert not unknown, f"{name} sets variables the settings never read: {unknown}"
        assert {"DJANGO_ENV", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} <= variables


def test_compose_urls_point_at_the_compose_services():
    services = compose()["services"]
    environment = services["web"]["environment"]
    database = urlsplit(environment["DATABASE_URL"].replace("${POSTGRES_PASSWORD:-copgirls}", "pw"))
    assert (database.scheme, database.hostname, database.port) == ("postgres", "db", 5432)
    assert database.path == "/" + services["db"]["environment"]["POSTGRES_DB"]
    assert database.username == services["db"]["environment"]["POSTGRES_USER"]
    broker = urlsplit(environment["CELERY_BROKER_URL"])
    assert (broker.scheme, broker.hostname, broker.port) == ("redis", "redis", 6379)
    assert environment["DJANGO_ENV"] == "production"
    assert environment["MEDIA_ROOT"] in " ".join(services["web"]["volumes"])


def test_the_image_installs_fonts_for_the_six_un_languages_and_weasyprint():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in ("fonts-noto-core", "fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0"):
        assert package in dockerfile
    assert "-c constraints.txt" in dockerfile


def gunicorn_option(command: str, option: str) -> str:
    words = command.replace('"', " ").replace(",", " ").replace("[", " ").replace("]", " ").split()
    return words[words.index(option) + 1]


def test_the_image_compose_and_the_benchmark_run_gunicorn_with_threads():
    """Workers of several threads overlap the database's waits; the benchmark measures the
    server the way the portal runs it (bench.run.Server)."""
    from bench.run import Server

    cmd = next(
        line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD")
    )
    web = " ".join(compose()["services"]["web"]["command"])
    run_script = (ROOT / "scripts" / "run.sh").read_text()
    threads = {gunicorn_option(text, "--threads") for text in (cmd, web, run_script)}
    assert threads == {str(Server.threads)}
    assert gunicorn_option(run_script, "--workers") == str(Server.workers)


def test_the_images_build_step_sets_what_production_settings_require(tmp_path):
    """collectstatic runs in production mode while the image is built: every variable
    production refuses to start without is given there (a random value, build only)."""
    import re
    import secrets
    import subprocess
    import sys

    dockerfile = (ROOT / "Dockerfile").read_text()
    step = dockerfile[dockerfile.index("DJANGO_ENV=production") : dockerfile.index("collectstatic")]
    names = set(re.findall(r"\b([A-Z][A-Z_]+)=", step))
    assert {"DJANGO_ENV", "SECRET_KEY", "PARTICIPANT_KEY_PEPPER", "ALLOWED_HOSTS"} <= names
    values = {"DJANGO_ENV": "production", "ALLOWED_HOSTS": "build"}
    values["DATABASE_URL"] = "sqlite:///:memory:"
    env = {
        "PATH": "/usr/bin:/bin",
        "COPGIRLS_VAR_DIR": str(tmp_path),
        **{name: values.get(name, secrets.token_urlsafe(50)) for name in names},
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
