"""Cards on the dashboard. Each app may add a ``dashboard`` module with
``cards(request, roles) -> list[DashboardCard]``; the portal core lists what each role
may do with links to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from copgirls.navigation import NavItem

#: App modules that may contribute cards, in order.
DASHBOARD_MODULES = ("events.dashboard", "assessments.dashboard", "reports.dashboard")


@dataclass(frozen=True)
class DashboardCard:
    title: str
    text: str = ""
    links: list[NavItem] = field(default_factory=list)
    order: int = 50


def _core_cards(request, roles) -> list[DashboardCard]:
    cards = []
    if roles.secretariat:
        links = [
            NavItem(_("Appoint a coordinator or regional officer"), reverse("copgirls:appoint")),
            NavItem(_("People and roles"), reverse("copgirls:people")),
            NavItem(_("Audit log"), reverse("copgirls:audit_log")),
        ]
        if request.user.is_staff:
            links.append(NavItem(_("Django administration"), reverse("admin:index")))
        cards.append(
            DashboardCard(
                _("ITU secretariat"),
                _(
                    "You see every member state and region, keep the COP module catalogue "
                    "and questionnaires, appoint coordinators and regional officers, and "
                    "request CWG-COP reports."
                ),
                links,
                order=10,
            )
        )
    if roles.regions:
        cards.append(
            DashboardCard(
                _("Regional officer"),
                _(
                    "You may read the celebrations, COP sessions and results of the member "
                    "states in your region and request regional reports."
                ),
                order=20,
            )
        )
    if roles.member_states:
        cards.append(
            DashboardCard(
                _("Member-state coordinator"),
                _(
                    "You register your state's celebrations, invite facilitators to them, "
                    "follow your state's dashboard and download your state's report."
                ),
                order=30,
            )
        )
    if roles.events:
        cards.append(
            DashboardCard(
                _("Facilitator"),
                _(
                    "You log the COP sessions of the celebrations you were invited to, open "
                    "their pre and post assessments and type in paper answers."
                ),
                order=40,
            )
        )
    return cards


def cards(request, roles) -> list[DashboardCard]:
    collected = _core_cards(request, roles)
    for name in DASHBOARD_MODULES:
        try:
            module = import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        collected.extend(module.cards(request, roles))
    return sorted(collected, key=lambda card: card.order)
