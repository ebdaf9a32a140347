from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Installed for its management commands (``load_demo``, ``seed_demo``); it has no models."""

    name = "demo"
