from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from assessments import navigation as assessments_navigation
        from assessments import permissions
        from copgirls import navigation

        permissions.register()
        navigation.register(assessments_navigation.items)
