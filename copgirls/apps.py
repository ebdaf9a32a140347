from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CopgirlsConfig(AppConfig):
    name = "copgirls"
    verbose_name = _("Portal core")

    def ready(self) -> None:
        from django.urls import register_converter

        from copgirls import (
            navigation,
            permissions,
            receivers,  # noqa: F401 -- connects allauth's sign-in signal
        )
        from copgirls.log_redaction import SecretConverter

        # Before any URLconf is read: routes mark their secret parameters with it.
        register_converter(SecretConverter, "secret")
        permissions.register()
        checks.register(permissions.check_scopes)
        navigation.register(navigation.items)
