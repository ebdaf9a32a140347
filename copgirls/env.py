"""Reading the portal's configuration from environment variables.

Every setting comes from the environment, with a safe default. A bad value stops
start-up with :class:`ConfigurationError`, whose message is one line naming the
variable and what is wrong with it; ``manage.py``, the WSGI entry point and the
Celery app print that line and exit instead of a traceback.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

#: Every variable the settings read, in order; the docker-compose test checks
#: the compose file against it.
READ: list[str] = []

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(ImproperlyConfigured):
    """A configuration variable has a value the portal cannot start with."""


def _raw(name: str) -> str | None:
    if name not in READ:
        READ.append(name)
    return os.environ.get(name)


def string(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value.strip()


def boolean(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigurationError(f"{name} must be true or false (1/0, yes/no), not {value!r}")


def integer(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigurationError(f"{name} must be at least {minimum}, not {number}")
    return number


def string_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [part.strip() for part in value.split(",") if part.strip()]


def url(name: str, default: str, *, schemes: dict[str, str]) -> str:
    """A URL whose scheme is one of ``schemes`` (scheme -> example for the message)."""
    value = string(name, default)
    examples = " or ".join(schemes.values())
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 -- raises ValueError on a port that is not a number
    except ValueError as exc:
        raise ConfigurationError(f"{name} is malformed ({exc}); expected {examples}") from None
    if parts.scheme not in schemes:
        shown = parts.scheme or "none"
        raise ConfigurationError(f"{name} has an unsupported scheme {shown!r}; expected {examples}")
    if parts.scheme not in {"sqlite", "filesystem", "db"} and not parts.hostname:
        raise ConfigurationError(f"{name} names no host; expected {examples}")
    return value


def database_url(connection) -> str:
    """The ``DATABASE_URL`` of an open connection: hands a child process (a worker, a web
    server, a report run) the very database this process uses — the test database in tests."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = (db["USER"] or "") + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
        return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{db['NAME']}"
