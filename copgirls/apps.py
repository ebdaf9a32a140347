from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CopgirlsConfig(AppConfig):
    name = "copgirls"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from copgirls import (
            navigation,
            permissions,
            receivers,  # noqa: F401 -- connects allauth's sign-in signal
        )

        permissions.register()
        checks.register(permissions.check_scopes)
        navigation.register(navigation.items)
