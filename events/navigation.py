"""Navigation entries of the events app; see :mod:`copgirls.context_processors`."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from copgirls.navigation import NavItem


def items(request, roles) -> list[NavItem]:
    entries = [
        NavItem(_("Celebrations"), reverse("events:public_list"), order=10),
        NavItem(_("World map"), reverse("events:map"), order=11),
    ]
    if roles.is_staff_member:
        entries.append(NavItem(_("Manage celebrations"), reverse("events:list"), order=20))
        if roles.secretariat or roles.regions or roles.member_states:
            entries.append(NavItem(_("Statistics"), reverse("events:dashboard"), order=21))
        entries.append(NavItem(_("COP modules"), reverse("events:modules"), order=22))
    return entries
