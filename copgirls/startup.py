"""Start-up guard shared by manage.py, WSGI/ASGI and the Celery worker."""

import os
import sys


def load_settings_or_exit() -> None:
    """Import the settings; on a configuration error print one line and exit 2."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "copgirls.settings")
    from copgirls.env import ConfigurationError

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 -- forces the settings module to load
    except ConfigurationError as exc:
        print(f"copgirls: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
