"""Template context for every page: the mode banner and the navigation for the user's roles."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

from copgirls.permissions import roles_of

#: Each app may have a ``navigation`` module with ``items(request, roles) -> list[NavItem]``.
NAVIGATION_MODULES = (
    "copgirls.navigation",
    "events.navigation",
    "assessments.navigation",
    "reports.navigation",
)


def _navigation(request) -> list:
    roles = roles_of(request.user)
    items = []
    for name in NAVIGATION_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        items.extend(module.items(request, roles))
    return sorted(items, key=lambda item: item.order)


def portal(request) -> dict:
    return {
        "PRODUCTION": settings.PRODUCTION,
        "MFA_REQUIRED": settings.MFA_REQUIRED,
        "navigation": _navigation(request),
    }
