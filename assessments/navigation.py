"""Navigation entries of the assessments app."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from copgirls.navigation import NavItem


def items(request, roles) -> list[NavItem]:
    entries = []
    if roles.secretariat or roles.member_states or roles.events:
        entries.append(NavItem(_("Assessments"), reverse("assessments:sessions"), order=30))
    if roles.secretariat:
        entries.append(
            NavItem(_("Questionnaires"), reverse("assessments:questionnaires"), order=35)
        )
    return entries
