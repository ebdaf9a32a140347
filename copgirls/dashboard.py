"""Cards on the dashboard: the portal core lists what each role may do with links to it;
an app adds its own cards by registering ``cards(request, roles) -> list[DashboardCard]``
with :func:`register` from its ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from copgirls.navigation import NavItem


@dataclass(frozen=True)
class DashboardCard:
    title: str
    text: str = ""
    links: list[NavItem] = field(default_factory=list)
    order: int = 50


DashboardCards = Callable[..., list[DashboardCard]]

_providers: list[DashboardCards] = []


def register(cards: DashboardCards) -> None:
    """Add an app's ``cards(request, roles)`` to the dashboard."""
    if cards not in _providers:
        _providers.append(cards)


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
    for provider in _providers:
        collected.extend(provider(request, roles))
    return sorted(collected, key=lambda card: card.order)
