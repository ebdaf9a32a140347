"""The portal's navigation: the core's entries, and those each app registers from its
``AppConfig.ready()`` with :func:`register` (see :mod:`copgirls.context_processors`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50


NavigationItems = Callable[..., list[NavItem]]

_providers: list[NavigationItems] = []


def register(items: NavigationItems) -> None:
    """Add ``items(request, roles) -> list[NavItem]`` to every page's navigation."""
    if items not in _providers:
        _providers.append(items)


def collect(request, roles) -> list[NavItem]:
    """Every registered entry for ``roles``, by ``order`` (ties in registration order)."""
    entries = [item for provider in _providers for item in provider(request, roles)]
    return sorted(entries, key=lambda item: item.order)


def items(request, roles) -> list[NavItem]:
    entries = [NavItem(_("Home"), reverse("home"), order=0)]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        entries.append(NavItem(_("Dashboard"), reverse("copgirls:dashboard"), order=5))
        if roles.secretariat or roles.regions or roles.member_states:
            entries.append(NavItem(_("Child helplines"), reverse("copgirls:helplines"), order=78))
        if roles.secretariat:
            entries.append(NavItem(_("People"), reverse("copgirls:people"), order=80))
            entries.append(NavItem(_("Audit log"), reverse("copgirls:audit_log"), order=85))
        entries.append(NavItem(_("My account"), reverse("account_email"), order=95))
        entries.append(NavItem(_("Sign out"), reverse("account_logout"), order=99))
    else:
        entries.append(NavItem(_("Sign in"), reverse("account_login"), order=99))
    return entries
