"""Who may see and do what with the resolve-1 records (see :mod:`copgirls.permissions`).

A coordinator keeps her state's instruments, roadmap and self-assessments; the regional
officers of her region read them and review the self-assessments; the secretariat does
both everywhere, opens and closes cycles, keeps the catalogues and validates RDF
discussions, which the regional officers record. Facilitators have no part here.
Registered with the core by :class:`policies.apps.PoliciesConfig`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from copgirls.models import MemberState, Region
from copgirls.permissions import (
    register_predicate,
    register_scope,
    register_scope_through,
    register_staff_catalogue,
    register_unscoped,
    roles_of,
)
from policies.models import (
    Instrument,
    RdfDiscussion,
    RegionalInitiative,
    RoadmapTarget,
    SelfAssessment,
)

# --- Scope ---------------------------------------------------------------------------------


def policy_states_visible_to(user) -> QuerySet[MemberState]:
    """Member states whose policy records the user may see: her state, her region's, all
    for the secretariat (not the states of a facilitator's celebrations)."""
    roles = roles_of(user)
    states = MemberState.objects.select_related("region")
    if roles.secretariat:
        return states
    return states.filter(Q(region_id__in=roles.regions) | Q(pk__in=roles.member_states))


def _state_filter(user, field: str) -> Q | None:
    roles = roles_of(user)
    if roles.secretariat:
        return None
    return Q(**{f"{field}__region_id__in": roles.regions}) | Q(
        **{f"{field}_id__in": roles.member_states}
    )


def instruments_visible_to(user) -> QuerySet[Instrument]:
    instruments = Instrument.objects.select_related("member_state__region")
    condition = _state_filter(user, "member_state")
    return instruments if condition is None else instruments.filter(condition)


def self_assessments_visible_to(user) -> QuerySet[SelfAssessment]:
    assessments = SelfAssessment.objects.select_related("member_state__region", "cycle")
    condition = _state_filter(user, "member_state")
    return assessments if condition is None else assessments.filter(condition)


def roadmap_targets_visible_to(user) -> QuerySet[RoadmapTarget]:
    targets = RoadmapTarget.objects.select_related("member_state", "area", "cycle")
    condition = _state_filter(user, "member_state")
    return targets if condition is None else targets.filter(condition)


def rdf_discussions_visible_to(user) -> QuerySet[RdfDiscussion]:
    """RDF discussions: the secretariat's all, a regional officer's her region's; the
    validated ones are public pages of their own."""
    roles = roles_of(user)
    discussions = RdfDiscussion.objects.select_related("region")
    if roles.secretariat:
        return discussions
    return discussions.filter(region_id__in=roles.regions)


def initiatives_in_charge_of(user) -> QuerySet[RegionalInitiative]:
    """The regional initiatives whose member states and celebrations the user keeps: her
    region's for a regional officer, all for the secretariat, none for anyone else (the
    catalogue itself is read by every staff member)."""
    roles = roles_of(user)
    initiatives = RegionalInitiative.objects.select_related("region")
    if roles.secretariat:
        return initiatives
    return initiatives.filter(region_id__in=roles.regions)


# --- Predicates ----------------------------------------------------------------------------


def can_keep_policies(user, member_state: MemberState) -> bool:
    """Her state's instruments, roadmap and self-assessment: its coordinators, the secretariat."""
    roles = roles_of(user)
    return roles.secretariat or member_state.pk in roles.member_states


def can_review_assessment(user, member_state: MemberState) -> bool:
    """Accept or return a state's self-assessment: its region's officers, the secretariat."""
    roles = roles_of(user)
    return roles.secretariat or member_state.region_id in roles.regions


def can_record_rdf(user, region: Region) -> bool:
    roles = roles_of(user)
    return roles.secretariat or region.pk in roles.regions


def can_link_initiative(user, initiative: RegionalInitiative) -> bool:
    """Link member states and celebrations to an initiative: its region's officers, the
    secretariat."""
    roles = roles_of(user)
    return roles.secretariat or initiative.region_id in roles.regions


def can_keep_catalogues(user) -> bool:
    """COP areas, regional initiatives and partner organisations: the secretariat."""
    return roles_of(user).secretariat


def can_manage_cycles(user) -> bool:
    return roles_of(user).secretariat


def register() -> None:
    register_scope("policies.Instrument", instruments_visible_to)
    register_scope("policies.SelfAssessment", self_assessments_visible_to)
    register_scope_through(
        "policies.AreaStatus", parent="policies.SelfAssessment", field="assessment"
    )
    register_scope("policies.RoadmapTarget", roadmap_targets_visible_to)
    register_scope("policies.RdfDiscussion", rdf_discussions_visible_to)
    register_staff_catalogue("policies.CopArea")
    register_staff_catalogue("policies.PartnerOrganisation")
    register_staff_catalogue("policies.RegionalInitiative")
    for link in ("policies.InitiativeMemberState", "policies.InitiativeCelebration"):
        register_unscoped(
            link,
            reason="a link row, read and written only through its regional initiative's pages "
            "(initiatives_in_charge_of)",
        )
    register_staff_catalogue("policies.Cycle")
    register_predicate("policies.keep_policies", can_keep_policies)
    register_predicate("policies.review_assessment", can_review_assessment)
    register_predicate("policies.record_rdf", can_record_rdf)
    register_predicate("policies.manage_cycles", can_manage_cycles)
    register_predicate("policies.link_initiative", can_link_initiative)
    register_predicate("policies.keep_catalogues", can_keep_catalogues)
