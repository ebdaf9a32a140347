from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        from assessments import guards, permissions
        from assessments import navigation as assessments_navigation
        from copgirls import navigation
        from events.guards import deletion_guard_register, module_change_guard_register

        permissions.register()
        navigation.register(assessments_navigation.items)
        deletion_guard_register(guards.sessions_with_responses_refuse_deletion)
        module_change_guard_register(guards.sessions_with_links_keep_their_module)
