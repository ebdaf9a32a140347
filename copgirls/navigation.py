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
    return [NavItem(_("Home"), reverse("home"), order=0)]
