"""Reads of the resolve-1 records: checklists, matrices, public pages and report figures.

Every function runs a fixed number of queries whatever the number of states, areas and
cycles: the pages read levels as ``values()`` rows and arrange them in Python dictionaries;
the report's figures (distributions, moves up and down) are aggregated in the database.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery

from copgirls.i18n import localized
from copgirls.models import MemberState, Region
from copgirls.names import name_of, region_name
from events.models import CopSession, Event, EventStatus
from policies.models import (
    LEVEL_DEFINITIONS,
    AreaStatus,
    AssessmentStatus,
    CopArea,
    Cycle,
    CycleStatus,
    InitiativeCelebration,
    InitiativeMemberState,
    Instrument,
    Level,
    RdfDiscussion,
    RegionalInitiative,
    RoadmapTarget,
    SelfAssessment,
)

#: The area whose level says whether a state has a national COP strategy.
STRATEGY_AREA_CODE = "A03"
#: From this level on, an area (and so a strategy) counts as adopted.
ADOPTED_LEVEL = Level.ADOPTED


def areas() -> list[CopArea]:
    return list(CopArea.objects.filter(is_retired=False).order_by("position", "code"))


def cycles() -> QuerySet[Cycle]:
    return Cycle.objects.order_by("starts_on", "code")


def current_cycle() -> Cycle | None:
    """The open cycle, else the latest closed one."""
    return (
        Cycle.objects.filter(status=CycleStatus.OPEN).first()
        or Cycle.objects.order_by("-starts_on").first()
    )


def previous_cycle(cycle: Cycle | None) -> Cycle | None:
    if cycle is None:
        return None
    return Cycle.objects.filter(starts_on__lt=cycle.starts_on).order_by("-starts_on").first()


def level_label(level: int | None) -> str:
    return str(Level(level).label) if level is not None else ""


def level_choices() -> list[dict[str, Any]]:
    return [
        {"value": level.value, "label": level.label, "definition": LEVEL_DEFINITIONS[level]}
        for level in Level
    ]


# --- A member state's checklist --------------------------------------------------------------


@dataclass
class ChecklistRow:
    area: CopArea
    status: AreaStatus | None
    previous_level: int | None
    target: RoadmapTarget | None

    @property
    def level(self) -> int | None:
        return self.status.level if self.status else None

    @property
    def previous_label(self) -> str:
        return level_label(self.previous_level)

    @property
    def next_level(self) -> Level | None:
        level = self.level if self.level is not None else -1
        return Level(level + 1) if level < Level.REVIEWED else None

    @property
    def next_step(self) -> str:
        """What is missing for the next level: its definition."""
        return str(LEVEL_DEFINITIONS[self.next_level]) if self.next_level is not None else ""

    @property
    def on_target(self) -> bool | None:
        if self.target is None:
            return None
        return (self.level or 0) >= self.target.level


@dataclass
class Checklist:
    member_state: MemberState
    cycle: Cycle | None
    assessment: SelfAssessment | None
    previous_cycle: Cycle | None
    rows: list[ChecklistRow] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.status is not None)

    @property
    def targets_met(self) -> int:
        return sum(1 for row in self.rows if row.on_target)

    @property
    def targets(self) -> int:
        return sum(1 for row in self.rows if row.target is not None)


def state_checklist(member_state: MemberState, cycle: Cycle | None) -> Checklist:
    """The state's areas in ``cycle``: level and evidence, last cycle's accepted level,
    the roadmap target, and what the next level needs."""
    previous = previous_cycle(cycle)
    assessment = None
    statuses: dict[int, AreaStatus] = {}
    if cycle is not None:
        assessment = (
            SelfAssessment.objects.filter(member_state=member_state, cycle=cycle)
            .select_related("cycle", "submitted_by", "reviewed_by")
            .first()
        )
        if assessment is not None:
            statuses = {
                status.area_id: status
                for status in AreaStatus.objects.filter(assessment=assessment).prefetch_related(
                    Prefetch("instruments", queryset=Instrument.objects.order_by("title"))
                )
            }
    previous_levels: dict[int, int] = {}
    if previous is not None:
        previous_levels = dict(
            AreaStatus.objects.filter(
                assessment__member_state=member_state,
                assessment__cycle=previous,
                assessment__status=AssessmentStatus.ACCEPTED,
            ).values_list("area_id", "level")
        )
    targets = {
        target.area_id: target
        for target in RoadmapTarget.objects.filter(member_state=member_state).select_related(
            "cycle"
        )
    }
    checklist = Checklist(member_state, cycle, assessment, previous)
    checklist.rows = [
        ChecklistRow(
            area, statuses.get(area.pk), previous_levels.get(area.pk), targets.get(area.pk)
        )
        for area in areas()
    ]
    return checklist


def instruments_of(member_state: MemberState) -> QuerySet[Instrument]:
    """The instruments that apply to ``member_state`` (kept by her or shared with her)."""
    return (
        Instrument.objects.filter(Q(member_state=member_state) | Q(member_states=member_state))
        .distinct()
        .select_related("member_state", "regional_initiative")
        .prefetch_related("areas", "partners", "member_states")
        .order_by("title")
    )


# --- A region's matrix and the world's ------------------------------------------------------


@dataclass
class MatrixCell:
    level: int | None
    previous: int | None
    status: str | None  # the self-assessment's status

    @property
    def label(self) -> str:
        return level_label(self.level)

    @property
    def change(self) -> int | None:
        if self.level is None or self.previous is None:
            return None
        return self.level - self.previous


def region_matrix(region: Region, cycle: Cycle | None) -> dict[str, Any]:
    """Member state × area for the RDF: this cycle's levels (with the assessment's
    status) and the change since the previous cycle's accepted levels."""
    previous = previous_cycle(cycle)
    states = list(MemberState.objects.filter(region=region).order_by("name"))
    cycle_ids = [c.pk for c in (cycle, previous) if c is not None]
    rows = AreaStatus.objects.filter(
        assessment__member_state__region=region, assessment__cycle_id__in=cycle_ids
    ).values_list(
        "assessment__member_state_id",
        "assessment__cycle_id",
        "area_id",
        "level",
        "assessment__status",
    )
    current: dict[tuple[int, int], tuple[int, str]] = {}
    before: dict[tuple[int, int], int] = {}
    for state_id, cycle_id, area_id, level, status in rows:
        if cycle is not None and cycle_id == cycle.pk:
            current[state_id, area_id] = (level, status)
        elif status == AssessmentStatus.ACCEPTED:
            before[state_id, area_id] = level
    statuses = (
        dict(
            SelfAssessment.objects.filter(member_state__region=region, cycle=cycle).values_list(
                "member_state_id", "status"
            )
        )
        if cycle is not None
        else {}
    )
    catalogue = areas()
    matrix = []
    for state in states:
        cells = []
        for area in catalogue:
            level, status = current.get((state.pk, area.pk), (None, None))
            cells.append(MatrixCell(level, before.get((state.pk, area.pk)), status))
        matrix.append(
            {
                "member_state": state,
                "name": name_of(state),
                "status": statuses.get(state.pk),
                "status_label": AssessmentStatus(statuses[state.pk]).label
                if state.pk in statuses
                else "",
                "cells": cells,
            }
        )
    return {
        "region": region,
        "cycle": cycle,
        "previous": previous,
        "areas": catalogue,
        "rows": matrix,
    }


def world_by_region(cycle: Cycle | None) -> dict[str, Any]:
    """Per region × area: states that reported (accepted) and those at adopted or better."""
    catalogue = areas()
    regions = list(Region.objects.order_by("name"))
    counts: dict[tuple[int, int], dict[str, int]] = {}
    reported: dict[int, int] = {}
    if cycle is not None:
        accepted = AreaStatus.objects.filter(
            assessment__cycle=cycle, assessment__status=AssessmentStatus.ACCEPTED
        )
        for row in accepted.values("assessment__member_state__region_id", "area_id").annotate(
            reported=Count("pk"), adopted=Count("pk", filter=Q(level__gte=ADOPTED_LEVEL))
        ):
            counts[row["assessment__member_state__region_id"], row["area_id"]] = row
        reported = dict(
            SelfAssessment.objects.filter(cycle=cycle, status=AssessmentStatus.ACCEPTED)
            .values("member_state__region_id")
            .annotate(n=Count("pk"))
            .values_list("member_state__region_id", "n")
        )
    states = dict(
        MemberState.objects.values("region_id")
        .annotate(n=Count("pk"))
        .values_list("region_id", "n")
    )
    rows = []
    for region in regions:
        cells = []
        for area in catalogue:
            row = counts.get((region.pk, area.pk), {})
            cells.append({"reported": row.get("reported", 0), "adopted": row.get("adopted", 0)})
        rows.append(
            {
                "region": region,
                "name": region_name(region.name),
                "states": states.get(region.pk, 0),
                "reported": reported.get(region.pk, 0),
                "cells": cells,
            }
        )
    return {"cycle": cycle, "areas": catalogue, "rows": rows}


def reviews_waiting(*, region_ids: list[int] | None) -> QuerySet[SelfAssessment]:
    """Submitted self-assessments of open cycles awaiting review (``None``: every region)."""
    waiting = SelfAssessment.objects.filter(
        status=AssessmentStatus.SUBMITTED, cycle__status=CycleStatus.OPEN
    ).select_related("member_state__region", "cycle")
    if region_ids is not None:
        waiting = waiting.filter(member_state__region_id__in=region_ids)
    return waiting.order_by("submitted_at")


# --- Public pages: validated (accepted) records only ----------------------------------------


def public_cycles() -> list[Cycle]:
    """Cycles with at least one accepted self-assessment, newest first."""
    return list(
        Cycle.objects.filter(assessments__status=AssessmentStatus.ACCEPTED)
        .distinct()
        .order_by("-starts_on")
    )


def public_state_policy(member_state: MemberState) -> dict[str, Any]:
    """The state's latest accepted self-assessment and the instruments that evidence it."""
    assessment = (
        SelfAssessment.objects.filter(member_state=member_state, status=AssessmentStatus.ACCEPTED)
        .select_related("cycle")
        .order_by("-cycle__starts_on")
        .first()
    )
    statuses: dict[int, AreaStatus] = {}
    instruments: list[Instrument] = []
    if assessment is not None:
        statuses = {
            status.area_id: status
            for status in AreaStatus.objects.filter(assessment=assessment).prefetch_related(
                "instruments"
            )
        }
        cited = {
            instrument.pk for status in statuses.values() for instrument in status.instruments.all()
        }
        instruments = list(
            Instrument.objects.filter(pk__in=cited)
            .select_related("regional_initiative")
            .prefetch_related("areas", "partners")
            .order_by("title")
        )
    return {
        "assessment": assessment,
        "rows": [{"area": area, "status": statuses.get(area.pk)} for area in areas()],
        "instruments": instruments,
    }


def public_levels(area: CopArea, cycle: Cycle) -> list[dict[str, Any]]:
    """Every member state's accepted level in ``area`` for ``cycle`` (``None``: not reported)."""
    levels = dict(
        AreaStatus.objects.filter(
            area=area, assessment__cycle=cycle, assessment__status=AssessmentStatus.ACCEPTED
        ).values_list("assessment__member_state_id", "level")
    )
    states = MemberState.objects.select_related("region").order_by("name")
    return [
        {
            "member_state": state,
            "name": name_of(state),
            "region": region_name(state.region.name),
            "level": levels.get(state.pk),
            "level_label": level_label(levels.get(state.pk)),
        }
        for state in states
    ]


def public_rdf_discussions() -> QuerySet[RdfDiscussion]:
    return (
        RdfDiscussion.objects.filter(validated_at__isnull=False)
        .select_related("region")
        .prefetch_related("member_states")
        .order_by("-held_on")
    )


# --- The CWG-COP report's resolve-1 section ------------------------------------------------


def report_cycle(period_end: datetime.date) -> Cycle | None:
    """The cycle a report ending on ``period_end`` reports on: the latest begun by then."""
    return Cycle.objects.filter(starts_on__lte=period_end).order_by("-starts_on").first()


def report_figures(
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    cutoff: datetime.datetime,
    region_id: int | None = None,
    member_state_id: int | None = None,
    language: str = "en",
) -> dict[str, Any]:
    """The resolve-1 figures of a report, as plain JSON.

    Only self-assessments accepted by the cut-off count, so the same parameters and
    cut-off give the same figures. A state "reported" when its self-assessment of the
    cycle was accepted; it "has a national COP strategy" when its level in the strategy
    area (:data:`STRATEGY_AREA_CODE`) is adopted or better.
    """
    cycle = report_cycle(period_end)
    previous = previous_cycle(cycle)
    states = MemberState.objects.all()
    if region_id is not None:
        states = states.filter(region_id=region_id)
    if member_state_id is not None:
        states = states.filter(pk=member_state_id)
    state_ids = list(states.values_list("pk", flat=True))
    catalogue = areas()
    region_names = dict(Region.objects.values_list("pk", "name"))
    strategy = next((area for area in catalogue if area.code == STRATEGY_AREA_CODE), None)
    #: The strategy area at adopted or better (no strategy area in the catalogue: nothing).
    has_strategy = Q(area_id=strategy.pk if strategy else -1, level__gte=ADOPTED_LEVEL)

    def accepted(of_cycle: Cycle | None) -> QuerySet[AreaStatus]:
        """The levels of ``of_cycle``'s self-assessments accepted by the cut-off (no
        default ordering: it would join the grouping)."""
        if of_cycle is None:
            return AreaStatus.objects.none()
        return AreaStatus.objects.filter(
            assessment__cycle=of_cycle,
            assessment__status=AssessmentStatus.ACCEPTED,
            assessment__reviewed_at__lte=cutoff,
            assessment__member_state_id__in=state_ids,
        ).order_by()

    now, before = accepted(cycle), accepted(previous)
    state = "assessment__member_state_id"
    reported_states = sorted(now.values_list(state, flat=True).distinct())
    with_strategy = sorted(now.filter(has_strategy).values_list(state, flat=True).distinct())

    def by_region(rows: QuerySet[AreaStatus]) -> dict[int, dict[str, int]]:
        return {
            row["assessment__member_state__region_id"]: row
            for row in rows.values("assessment__member_state__region_id").annotate(
                reported=Count(state, distinct=True),
                strategy=Count(state, filter=has_strategy, distinct=True),
            )
        }

    regions_now, regions_before = by_region(now), by_region(before)
    distributions: dict[int, list[int]] = defaultdict(lambda: [0] * len(Level))
    for row in now.values("area_id", "level").annotate(n=Count("pk")):
        distributions[row["area_id"]][row["level"]] = row["n"]
    adopted_before = dict(
        before.values("area_id")
        .annotate(n=Count("pk", filter=Q(level__gte=ADOPTED_LEVEL)))
        .values_list("area_id", "n")
    )
    changes: dict[int, dict[str, int]] = {}
    if previous is not None:
        previous_level = Subquery(
            before.filter(
                assessment__member_state_id=OuterRef(state), area_id=OuterRef("area_id")
            ).values("level")[:1]
        )
        changes = {
            row["area_id"]: row
            for row in now.annotate(previous_level=previous_level)
            .values("area_id")
            .annotate(
                compared=Count("pk", filter=Q(previous_level__isnull=False)),
                improved=Count("pk", filter=Q(level__gt=F("previous_level"))),
                declined=Count("pk", filter=Q(level__lt=F("previous_level"))),
            )
        }
    by_area = []
    for area in catalogue:
        distribution = list(distributions[area.pk])
        change = changes.get(area.pk, {})
        by_area.append(
            {
                "code": area.code,
                "label": str(localized(area, "title", language)),
                "reported": sum(distribution),
                "levels": distribution,
                "adopted": sum(distribution[ADOPTED_LEVEL:]),
                "adopted_before": adopted_before.get(area.pk, 0),
                "improved": change.get("improved", 0),
                "declined": change.get("declined", 0),
                "compared": change.get("compared", 0),
            }
        )
    regions = [
        {
            "key": region,
            "label": region_names.get(region, ""),
            "states": count,
            "reported": regions_now.get(region, {}).get("reported", 0),
            "strategy": regions_now.get(region, {}).get("strategy", 0),
            "strategy_before": regions_before.get(region, {}).get("strategy", 0),
        }
        for region, count in states.values("region_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("region_id", "n")
    ]
    discussions = (
        RdfDiscussion.objects.filter(
            validated_at__isnull=False,
            validated_at__lte=cutoff,
            held_on__gte=period_start,
            held_on__lte=period_end,
        )
        .select_related("region")
        .order_by("held_on")
    )
    if region_id is not None:
        discussions = discussions.filter(region_id=region_id)
    if member_state_id is not None:
        discussions = discussions.filter(member_states=member_state_id)
    in_scope = Instrument.objects.filter(member_states__in=state_ids, created_at__lte=cutoff)
    shared = (
        Instrument.objects.filter(pk__in=in_scope.values("pk"))
        .annotate(
            states=Count("member_states", distinct=True),
            partner_count=Count("partners", distinct=True),
        )
        .aggregate(
            total=Count("pk"),
            multi_state=Count("pk", filter=Q(states__gt=1)),
            multi_stakeholder=Count("pk", filter=Q(partner_count__gt=0)),
            naming_girls=Count("pk", filter=Q(names_girls=True)),
        )
    )
    initiatives = initiative_figures(
        state_ids=state_ids,
        period_start=period_start,
        period_end=period_end,
        cutoff=cutoff,
        region_id=region_id,
        member_state_id=member_state_id,
        language=language,
    )
    return {
        "cycle": {"code": cycle.code, "title": cycle.title} if cycle else None,
        "previous_cycle": {"code": previous.code, "title": previous.title} if previous else None,
        "states": len(state_ids),
        "reported": len(reported_states),
        "reported_before": sum(row["reported"] for row in regions_before.values()),
        "with_strategy": len(with_strategy),
        "with_strategy_before": sum(row["strategy"] for row in regions_before.values()),
        "strategy_states": with_strategy,
        "reported_states": reported_states,
        "strategy_area": strategy.code if strategy else None,
        "level_labels": [str(level.label) for level in Level],
        "by_area": by_area,
        "by_region": sorted(regions, key=lambda entry: entry["label"]),
        "rdf_discussions": [
            {
                "meeting": d.meeting,
                "held_on": d.held_on.isoformat(),
                "place": d.place,
                "region": d.region.name,
                "agenda_item": d.agenda_item,
                "outcomes": d.outcomes,
                "commitments": d.commitments,
            }
            for d in discussions
        ],
        "instruments": {
            "total": shared["total"],
            "multi_state": shared["multi_state"],
            "multi_stakeholder": shared["multi_stakeholder"],
            "naming_girls": shared["naming_girls"],
        },
        "initiatives": initiatives,
    }


def initiative_figures(
    *,
    state_ids: list[int],
    period_start: datetime.date,
    period_end: datetime.date,
    cutoff: datetime.datetime,
    region_id: int | None,
    member_state_id: int | None,
    language: str,
) -> dict[str, Any]:
    """The ITU-D regional initiatives that concern COP or cybersecurity, in the report's
    scope, with the member states in scope taking part and the celebrations in scope and
    period held under them (counted as the Reach section counts celebrations: published or
    completed, registered by the cut-off; a celebration integrates COP with a COP session
    logged by the cut-off). Only links made by the cut-off count."""
    celebrations = Event.objects.filter(
        status__in=[EventStatus.PUBLISHED, EventStatus.COMPLETED],
        start_date__gte=period_start,
        start_date__lte=period_end,
        created_at__lte=cutoff,
        member_state_id__in=state_ids,
    )
    initiatives = RegionalInitiative.objects.filter(touches_cop=True, created_at__lte=cutoff)
    if member_state_id is not None:
        initiatives = initiatives.filter(
            state_links__member_state_id=member_state_id, state_links__created_at__lte=cutoff
        )
    elif region_id is not None:
        initiatives = initiatives.filter(region_id=region_id)
    state_links = Q(state_links__created_at__lte=cutoff, state_links__member_state_id__in=state_ids)
    celebration_links = Q(
        celebration_links__created_at__lte=cutoff,
        celebration_links__celebration__in=celebrations.values("pk"),
    )
    rows = list(
        initiatives.select_related("region")
        .annotate(
            linked_states=Count("state_links", filter=state_links, distinct=True),
            linked_celebrations=Count("celebration_links", filter=celebration_links, distinct=True),
        )
        .order_by("region__name", "code")
    )
    linked = celebrations.filter(
        pk__in=InitiativeCelebration.objects.filter(
            initiative__in=initiatives.values("pk"), created_at__lte=cutoff
        ).values("celebration_id")
    )
    has_cop = Exists(CopSession.objects.filter(event_id=OuterRef("pk"), created_at__lte=cutoff))
    counts = linked.aggregate(celebrations=Count("pk"), with_cop=Count("pk", filter=Q(has_cop)))
    states = (
        InitiativeMemberState.objects.filter(
            initiative__in=initiatives.values("pk"),
            created_at__lte=cutoff,
            member_state_id__in=state_ids,
        )
        .values("member_state_id")
        .distinct()
        .count()
    )
    return {
        "total": len(rows),
        "member_states": states,
        "celebrations": counts["celebrations"],
        "celebrations_with_cop": counts["with_cop"],
        "rows": [
            {
                "code": initiative.code,
                "label": str(localized(initiative, "title", language)),
                "region": initiative.region.name,
                "period": f"{initiative.period_start}–{initiative.period_end}",
                "states": initiative.linked_states,
                "celebrations": initiative.linked_celebrations,
            }
            for initiative in rows
        ],
    }


def assessment_statuses(cycle: Cycle | None, state_ids: list[int]) -> dict[int, str]:
    """``{member state id: status label}`` of the cycle's self-assessments."""
    if cycle is None:
        return {}
    return {
        state_id: str(AssessmentStatus(status).label)
        for state_id, status in SelfAssessment.objects.filter(
            cycle=cycle, member_state_id__in=state_ids
        ).values_list("member_state_id", "status")
    }


def cycles_with_counts() -> QuerySet[Cycle]:
    return Cycle.objects.annotate(
        submitted=Count("assessments", filter=~Q(assessments__status=AssessmentStatus.DRAFT)),
        accepted=Count("assessments", filter=Q(assessments__status=AssessmentStatus.ACCEPTED)),
    ).order_by("-starts_on")
