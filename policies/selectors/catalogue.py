"""Reads of the resolve-1 catalogues and of what is linked to a regional initiative."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from copgirls.models import MemberState
from events.models import Event, EventStatus
from policies.models import CopArea, PartnerOrganisation, RegionalInitiative


def cop_area_catalogue() -> QuerySet[CopArea]:
    """Every area, retired ones too, with the instruments that cover it."""
    return CopArea.objects.annotate(instrument_count=Count("instruments", distinct=True)).order_by(
        "position", "code"
    )


def regional_initiative_catalogue(region_ids: list[int] | None = None) -> QuerySet:
    """The initiatives (of ``region_ids``; ``None``: every region) with what is linked."""
    initiatives = RegionalInitiative.objects.select_related("region").annotate(
        state_count=Count("member_states", distinct=True),
        celebration_count=Count("celebrations", distinct=True),
        instrument_count=Count("instruments", distinct=True),
    )
    if region_ids is not None:
        initiatives = initiatives.filter(region_id__in=region_ids)
    return initiatives.order_by("region__name", "code")


def partner_catalogue() -> QuerySet[PartnerOrganisation]:
    return PartnerOrganisation.objects.annotate(
        instrument_count=Count("instruments", distinct=True)
    ).order_by("name")


def initiative_links(initiative: RegionalInitiative) -> dict[str, Any]:
    """The member states taking part, the celebrations held under the initiative (with
    whether each integrates COP) and the instruments that contribute to it."""
    celebrations = list(
        initiative.celebrations.select_related("member_state").order_by("start_date", "title")
    )
    return {
        "member_states": list(initiative.member_states.order_by("name")),
        "celebrations": celebrations,
        "integrating_cop": sum(1 for event in celebrations if event.cop_session_count),
        "instruments": list(
            initiative.instruments.select_related("member_state").order_by("title")
        ),
    }


def linkable_member_states(initiative: RegionalInitiative) -> QuerySet[MemberState]:
    return MemberState.objects.filter(region_id=initiative.region_id).order_by("name")


def linkable_celebrations(initiative: RegionalInitiative) -> QuerySet[Event]:
    """The region's celebrations held in the initiative's period, drafts left out."""
    return (
        Event.objects.filter(
            member_state__region_id=initiative.region_id,
            year__gte=initiative.period_start,
            year__lte=initiative.period_end,
        )
        .filter(Q(status=EventStatus.PUBLISHED) | Q(status=EventStatus.COMPLETED))
        .select_related("member_state")
        .order_by("-start_date", "title")
    )
