"""No secret that travels in a URL is ever written to a log line.

An invitation token stands for the invited address, a collection code opens a class's
questionnaire, allauth's keys confirm an address or reset a password: whoever reads a
log that holds one can follow the link. Django's ``django.request`` logger writes the
path of every 4xx (``Not Found: /a/<code>/``), ``runserver`` and gunicorn write every
request line, and exceptions carry paths and database details in their text.

Which URL parameters are secret is said by the URLconf itself: a route declares them
with the ``secret`` path converter (``path("join/<secret:token>/", …)``); third-party
routes whose parameters are secret are named in :data:`THIRD_PARTY_SECRET_ROUTES`. Every
path-like token of a log message is resolved against the URLconf, and the values of its
secret parameters are replaced by ``[redacted]`` wherever they occur in the message, its
traceback and its stack: the route stays readable (``Not Found: /a/[redacted]/``).

The redaction is installed once by the settings as the process's log-record factory
(:func:`install`), so it applies to every record created in the process — Django's
loggers, ``django.server``, gunicorn's access and error logs, Celery's worker and task
loggers, and any handler added later (a test's capture included) — rather than to the
handlers that happened to be configured. :class:`RedactSecrets` is the same rule as a
logging filter, for handlers configured outside this process's settings.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote

REDACTED = "[redacted]"

#: Routes of other packages (allauth) whose URL parameters are secrets: view name → names.
THIRD_PARTY_SECRET_ROUTES: dict[str, frozenset[str]] = {
    "account_confirm_email": frozenset({"key"}),
    "account_reset_password_from_key": frozenset({"uidb36", "key"}),
}

#: Query-string parameters whose values are secrets whatever the path.
SECRET_QUERY_PARAMETERS = frozenset({"token", "key", "code", "access_token"})

#: Paths whose whole remainder is secret, for records created before the URLconf can be
#: read (start-up) or for paths that resolve nowhere (``/a/<code>`` without its slash).
_SECRET_PREFIXES = re.compile(
    r"(?P<prefix>/(?:a|join|accounts/confirm-email|accounts/password/reset/key)/)"
    r"(?P<secret>[^/\s?#\"'<>]+)"
)

#: A path in a message: starts with "/" after a space, quote, bracket or the start.
_PATH = re.compile(r"(?:(?<=^)|(?<=[\s\"'(\[=:,]))(/[^\s\"'<>()\[\],]*)")

#: A personal access token of the API (``api.tokens``): redacted wherever it appears (a header
#: echoed in an error, a client pasting it into a URL), whatever the path.
ACCESS_TOKEN_PREFIX = "cgpat_"  # noqa: S105 (the prefix, not a token)
_ACCESS_TOKEN = re.compile(re.escape(ACCESS_TOKEN_PREFIX) + r"[A-Za-z0-9_-]+")

#: PostgreSQL's unique-violation detail names the key's values (a participant's pairing
#: key, a submission id): ``DETAIL:  Key (session_id, participant_key)=(3, 9f…) …``.
_KEY_DETAIL = re.compile(r"(Key \([^)]*\)=\()([^)]*)(\))")


class SecretConverter:
    """A path segment that is a secret (a token, a code): matched like ``str``, and its
    value never written to a log line."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def _walk(resolver, prefix: str = "") -> dict[str, frozenset[str]]:
    from django.urls import URLPattern, URLResolver

    found: dict[str, frozenset[str]] = {}
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            found.update(_walk(pattern, namespace))
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = getattr(pattern.pattern, "converters", {})
            names = frozenset(
                name
                for name, converter in converters.items()
                if isinstance(converter, SecretConverter)
            )
            if names:
                found[f"{prefix}{pattern.name}"] = names
    return found


@lru_cache(maxsize=1)
def secret_routes() -> dict[str, frozenset[str]]:
    """View name → its secret parameters, read from the URLconf (and allauth's routes)."""
    from django.urls import get_resolver

    routes = _walk(get_resolver())
    routes.update(THIRD_PARTY_SECRET_ROUTES)
    return routes


_local = threading.local()


def _urlconf_ready() -> bool:
    from django.apps import apps

    return apps.ready and not getattr(_local, "busy", False)


def _secrets_of_path(path: str) -> set[str]:
    """The secret values carried by one path (and its query string)."""
    from django.urls import Resolver404, resolve

    if path.startswith("//"):  # an absolute URL's "//host/path"
        path = "/" + path[2:].partition("/")[2]
    path, _, query = path.partition("?")
    path = path.split("#", 1)[0]
    found: set[str] = set()
    for candidate in (path, path if path.endswith("/") else path + "/"):
        try:
            match = resolve(unquote(candidate))
        except (Resolver404, ValueError):
            continue
        for name in secret_routes().get(match.view_name, ()):
            value = match.kwargs.get(name)
            if value:
                found.add(str(value))
        break
    for name, value in parse_qsl(query, keep_blank_values=False):
        if name.lower() in SECRET_QUERY_PARAMETERS:
            found.add(value)
        elif value.startswith("/"):
            found |= _secrets_of_path(value)
    for match in _SECRET_PREFIXES.finditer(unquote(path)):
        # A reset key travels as "<uidb36>-<key>": the key alone is a secret too.
        found |= {match.group("secret"), match.group("secret").partition("-")[2]}
    return found


def redact(text: str) -> str:
    """``text`` with every secret of every path in it replaced by ``[redacted]``."""
    if text and ACCESS_TOKEN_PREFIX in text:
        text = _ACCESS_TOKEN.sub(REDACTED, text)
    if not text or "/" not in text and "Key (" not in text:
        return text
    secrets: set[str] = set()
    if "/" in text:
        if _urlconf_ready():
            _local.busy = True
            try:
                for match in _PATH.finditer(text):
                    secrets |= _secrets_of_path(match.group(1))
                for match in re.finditer(r"%2F[^\s\"'&]*", text, flags=re.IGNORECASE):
                    secrets |= _secrets_of_path(unquote(match.group(0)))
            finally:
                _local.busy = False
        else:
            secrets |= {m.group("secret") for m in _SECRET_PREFIXES.finditer(unquote(text))}
    for secret in sorted((s for s in secrets if len(s) >= 3), key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote(secret)}:
            text = text.replace(form, REDACTED)
    return _KEY_DETAIL.sub(rf"\g<1>{REDACTED}\g<3>", text)


def redact_record(record: logging.LogRecord) -> logging.LogRecord:
    """Render the record's message once, redacted; its traceback and stack too."""
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 -- a bad format string is logging's own error to report
        return record
    record.msg, record.args = redact(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


class RedactSecrets(logging.Filter):
    """The same redaction as a filter, for handlers configured outside these settings."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install() -> None:
    """Make every log record of this process pass through :func:`redact_record`."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacts_secrets", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        return redact_record(current(*args, **kwargs))

    factory.redacts_secrets = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
