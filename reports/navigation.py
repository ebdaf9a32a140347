"""Navigation entries of the reports app (see :mod:`copgirls.context_processors`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from copgirls.navigation import NavItem


def items(request, roles) -> list[NavItem]:
    if not (roles.secretariat or roles.regions or roles.member_states):
        return []
    return [NavItem(_("CWG-COP reports"), reverse("reports:list"), order=60)]
