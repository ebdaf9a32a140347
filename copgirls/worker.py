"""Entry point for ``celery -A copgirls.worker``: checks the configuration first."""

from copgirls.startup import load_settings_or_exit

load_settings_or_exit()

from copgirls.celery import app  # noqa: E402

__all__ = ["app"]
