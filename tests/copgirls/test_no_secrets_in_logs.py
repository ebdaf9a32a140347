"""No token, code or key that travels in a URL is written to any log line.

An attacker who can read the application log must find nothing there to follow: an
invitation's token gives the invited role (and an address counted as verified), a
collection code opens a class's questionnaire, allauth's keys confirm an address or
reset a password. Every log record of the process is captured at DEBUG while the
permission matrix, the participants' pages and the invitation and password-reset flows
run; none of their secrets may appear in it, while the route stays readable.
"""

from __future__ import annotations

import datetime
import logging
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.urls import reverse

from assessments.models import CollectionLink
from copgirls.log_redaction import REDACTED, redact
from copgirls.models import Role
from copgirls.services import invitation_create
from tests.copgirls.test_access_log import access_logger
from tests.copgirls.test_access_log import request as gunicorn_request
from tests.permissions.rules import collect
from tests.permissions.test_permission_matrix import NAMES, client_for
from tests.permissions.world import ACTORS, build_world

RULES, BUILDERS = collect()


class Everything(logging.Handler):
    """Formats every record it is given, traceback and stack included."""

    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def all_logs(settings):
    """The process's logging as ``LOG_LEVEL=DEBUG`` makes it, into one handler: every logger
    at DEBUG but those whose level the settings fix, and those that do not propagate
    (``django.server``, ``django.security.*``) included."""
    handler = Everything()
    fixed = set(settings.LOGGING.get("loggers", {}))
    levels = {}
    for logger in [logging.getLogger(), *logging.root.manager.loggerDict.values()]:
        if not isinstance(logger, logging.Logger):
            continue
        levels[logger] = logger.level
        if logger.name not in fixed:
            logger.setLevel(logging.DEBUG if logger is logging.root else logging.NOTSET)
        if logger is logging.root or not logger.propagate or logger.handlers:
            logger.addHandler(handler)
    yield handler
    for logger, level in levels.items():
        logger.setLevel(level)
        logger.removeHandler(handler)


def assert_no_secret(text: str, secrets: set[str]) -> None:
    leaked = sorted(secret for secret in secrets if secret and secret in text)
    lines = [line for line in text.splitlines() if any(s in line for s in leaked)]
    assert not leaked, "secrets in the log:\n" + "\n".join(lines[:20])


def test_the_permission_matrix_participants_and_invitations_leave_no_secret_in_the_log(
    db, settings, all_logs
):
    settings.ACCOUNT_RATE_LIMITS = False
    world = build_world()
    for build in BUILDERS:
        build(world)
    secrets: set[str] = set()

    # The permission matrix: every URL, every role, own and other object.
    for name in NAMES:
        rule = RULES[name]
        for side in ["own", "other"] if rule.kwargs else ["own"]:
            kwargs = rule.kwargs(world, side) if rule.kwargs else {}
            if name.startswith("participate:") or name == "copgirls:invitation":
                secrets |= {str(value) for value in kwargs.values()}
            url = reverse(name, kwargs=kwargs) + rule.query
            for actor in ACTORS:
                client = client_for(world, actor)
                getattr(client, rule.method)(url, rule.data(world, side) if rule.data else {})

    # The participants' pages: open, closed, unknown codes, without their slash, typed small.
    codes = set(CollectionLink.objects.values_list("code", flat=True))
    secrets |= codes | {"HXKT49", "hxkt49"}
    participant = Client()
    for code in [*codes, "HXKT49", "hxkt49"]:
        participant.get(f"/a/{code}/")
        participant.get(f"/a/{code}")
        participant.get(f"/a/{code}/thanks/")
        participant.post(f"/a/{code}/", {"assent": "on"})
        participant.get("/a/", {"code": code})

    # An invitation: opened by a stranger, by the wrong account, accepted by its own.
    secretariat = world.users["secretariat"]
    issued = invitation_create(
        invited_by=secretariat,
        email="new.coordinator@example.org",
        role=Role.COORDINATOR,
        site_url="http://testserver",
        member_state=world.get("member_state", "own"),
    )
    secrets.add(issued.token)
    join = reverse("copgirls:invitation", kwargs={"token": issued.token})
    Client().get(join)
    Client().get(join + "?next=/dashboard/")
    Client().get("/accounts/login/", {"next": join})
    client_for(world, "coordinator_a").post(join)
    Client().get(join[:-1])

    # A password reset by its e-mailed key, followed as the e-mail says.
    mail.outbox.clear()
    Client().post(reverse("account_reset_password"), {"email": secretariat.email})
    body = "\n".join(message.body for message in mail.outbox)
    keys = re.findall(r"/accounts/password/reset/key/([^/\s]+)/", body)
    assert keys, "the password-reset e-mail carries its link"
    for key in keys:
        secrets |= {key, key.split("-", 1)[1]}
        reset = Client()
        reset.get(f"/accounts/password/reset/key/{key}/")
        reset.get(f"/accounts/password/reset/key/{key}")

    # runserver's request line, as its request handler writes it.
    handler = SimpleNamespace(request=None, log_date_time_string=lambda: "06/Dec/2026 04:00:00")
    WSGIRequestHandler.log_message(handler, '"%s" %s %s', f"GET {join} HTTP/1.1", "404", "0")

    text = all_logs.text
    assert "Not Found: /a/[redacted]/" in text or "Gone: /a/[redacted]/" in text, text[:2000]
    assert f"/join/{REDACTED}/" in text
    assert_no_secret(text, {s for s in secrets if len(s) >= 6})


def test_the_gunicorn_access_log_of_a_secret_query_string_keeps_no_secret(tmp_path):
    log_file = tmp_path / "access.log"
    logger = access_logger(log_file)
    resp, req, environ = gunicorn_request("/accounts/login/")
    environ["QUERY_STRING"] = req.query = "next=%2Fjoin%2FZq3xUu9LrT0yWc1bNv8kHs4pEa7dFg2i%2F"
    req.uri = environ["RAW_URI"] = "/accounts/login/?" + req.query
    logger.access(resp, req, environ, datetime.timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    text = log_file.read_text()
    assert "/accounts/login/" in text
    assert "Zq3xUu9LrT0yWc1bNv8kHs4pEa7dFg2i" not in text


@pytest.mark.parametrize(
    "line, secret, kept",
    [
        ("Not Found: /a/K7MNPX/", "K7MNPX", "Not Found: /a/[redacted]/"),
        ("Gone: /a/K7MNPX/thanks/", "K7MNPX", "/a/[redacted]/thanks/"),
        ("Not Found: /a/K7MNPX", "K7MNPX", "/a/[redacted]"),
        ("Forbidden: /join/Zq3xUu9LrT0yWc1b/", "Zq3xUu9LrT0yWc1b", "Forbidden: /join/[redacted]/"),
        (
            '"GET /accounts/confirm-email/MTE:1vX:ckey123/ HTTP/1.1" 404',
            "ckey123",
            "/accounts/confirm-email/[redacted]/",
        ),
        (
            "Bad Request: /accounts/password/reset/key/2s-cg1a2b-3c4d5e6f7a8b/",
            "3c4d5e6f7a8b",
            "/accounts/password/reset/key/",
        ),
        (
            "GET /accounts/login/?next=%2Fjoin%2Fsecrettoken99%2F 200",
            "secrettoken99",
            "/accounts/login/?next=",
        ),
        ("GET /celebrations/?token=abcdef123456 200", "abcdef123456", "/celebrations/?token="),
        (
            "DETAIL:  Key (session_id, participant_key)=(3, 9f2c1e77aa) already exists.",
            "9f2c1e77aa",
            "Key (session_id, participant_key)=([redacted])",
        ),
    ],
)
def test_each_kind_of_secret_is_redacted_and_the_route_kept(db, line, secret, kept):
    redacted = redact(line)
    assert secret not in redacted
    assert kept in redacted


def test_a_region_code_and_an_ordinary_path_are_left_alone(db):
    assert redact("GET /celebrations/dashboard/regions/AFR/ 200") == (
        "GET /celebrations/dashboard/regions/AFR/ 200"
    )


def test_a_secret_in_an_exception_traceback_is_redacted(db, all_logs):
    try:
        raise ValueError("no link for /a/K7MNPX/ in Resolver404 {'path': 'a/K7MNPX/'}")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /a/K7MNPX/")
    assert "K7MNPX" not in all_logs.text
    assert "ValueError" in all_logs.text
