from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("National COP strategies, policies and programmes")

    def ready(self) -> None:
        from copgirls import dashboard, navigation
        from policies import navigation as policies_navigation
        from policies import permissions

        permissions.register()
        navigation.register(policies_navigation.items)
        dashboard.register(policies_navigation.cards)
