"""Navigation entries and dashboard cards of resolve 1 (see :mod:`copgirls.navigation`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from copgirls.dashboard import DashboardCard
from copgirls.navigation import NavItem


def items(request, roles) -> list[NavItem]:
    entries = [NavItem(_("COP policies"), reverse("policies:public_map"), order=12)]
    if roles.secretariat or roles.regions or roles.member_states:
        entries.append(
            NavItem(_("COP policy self-assessment"), reverse("policies:overview"), order=23)
        )
    return entries


def cards(request, roles) -> list[DashboardCard]:
    """The resolve-1 card: her state's checklist, her region's matrix, the world's."""
    if not (roles.secretariat or roles.regions or roles.member_states):
        return []
    from copgirls.models import MemberState, Region
    from copgirls.names import name_of, region_name

    links = [NavItem(_("All member states' self-assessments"), reverse("policies:overview"))]
    for state in MemberState.objects.filter(pk__in=roles.member_states).order_by("name"):
        links.append(
            NavItem(
                _("%(state)s: COP policy checklist") % {"state": name_of(state)},
                reverse("policies:state", args=[state.iso2]),
            )
        )
    for region in Region.objects.filter(pk__in=roles.regions).order_by("name"):
        links.append(
            NavItem(
                _("%(region)s: member states × COP areas") % {"region": region_name(region.name)},
                reverse("policies:region", args=[region.code]),
            )
        )
    if roles.secretariat:
        links.append(NavItem(_("World: regions × COP areas"), reverse("policies:world")))
        links.append(NavItem(_("Reporting cycles"), reverse("policies:cycles")))
        links.append(NavItem(_("COP policy catalogues"), reverse("policies:catalogues")))
    if roles.secretariat or roles.regions:
        links.append(NavItem(_("RDF discussions"), reverse("policies:rdf_list")))
    return [
        DashboardCard(
            _("National COP strategies, policies and programmes"),
            _(
                "Each member state keeps its COP instruments and assesses, once per CWG-COP "
                "cycle, how far its national response has come in each COP area; the regional "
                "officer reviews it before it is published."
            ),
            links,
            order=45,
        )
    ]
