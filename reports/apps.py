from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("CWG-COP impact reports")

    def ready(self) -> None:
        from copgirls import navigation
        from reports import navigation as reports_navigation
        from reports import permissions

        permissions.register()
        navigation.register(reports_navigation.items)
