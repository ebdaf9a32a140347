from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Girls in ICT celebrations and COP sessions")

    def ready(self) -> None:
        from copgirls import home, navigation
        from events import navigation as events_navigation
        from events import permissions
        from events.home import headline_panel

        permissions.register()
        navigation.register(events_navigation.items)
        home.register(headline_panel)
