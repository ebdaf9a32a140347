"""Navigation entries of the portal core; see :mod:`copgirls.context_processors`."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 50


def items(request, roles) -> list[NavItem]:
    entries = [NavItem(_("Home"), reverse("home"), order=0)]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        entries.append(NavItem(_("Dashboard"), reverse("copgirls:dashboard"), order=5))
        if roles.secretariat:
            entries.append(NavItem(_("People"), reverse("copgirls:people"), order=80))
            entries.append(NavItem(_("Audit log"), reverse("copgirls:audit_log"), order=85))
        entries.append(NavItem(_("My account"), reverse("account_email"), order=95))
        entries.append(NavItem(_("Sign out"), reverse("account_logout"), order=99))
    else:
        entries.append(NavItem(_("Sign in"), reverse("account_login"), order=99))
    return entries
