"""Figure 7 (issue 16): what the resolve-1 section adds to the global report.

The global report is produced end to end through a running worker (as figure 2b) without
policy records, then with 194+ member states × 12 COP areas × 5 closed reporting cycles of
accepted self-assessments, an instrument per state, every state taking part in its region's
COP regional initiatives and every celebration of their periods held under them,
alternately; the figure is the median increase. The records are written with
``bulk_create`` (cycles under codes ``bench-*``) and removed after each run by their ids, so
the benchmark leaves the database as it found it.
"""

from __future__ import annotations

import datetime
import random
import statistics

CYCLES = 5


def seed() -> dict[str, list[int]]:
    """Write the benchmark's policy records; returns the ids of what it wrote."""
    from django.db import transaction
    from django.utils import timezone

    from copgirls.models import MemberState
    from events.models import Event
    from policies.models import (
        AreaStatus,
        AssessmentStatus,
        CopArea,
        Cycle,
        CycleStatus,
        InitiativeCelebration,
        InitiativeMemberState,
        Instrument,
        RegionalInitiative,
        SelfAssessment,
    )

    rng = random.Random(16)  # noqa: S311 -- benchmark data
    now = timezone.now()
    year = now.year
    states = list(MemberState.objects.values_list("pk", flat=True))
    areas = list(CopArea.objects.values_list("pk", flat=True))
    with transaction.atomic():
        cycles = Cycle.objects.bulk_create(
            Cycle(
                code=f"bench-{index}",
                title=f"Benchmark cycle {index}",
                starts_on=datetime.date(year - CYCLES + index, 1, 1),
                ends_on=datetime.date(year - CYCLES + index, 12, 31),
                status=CycleStatus.CLOSED,
                closed_at=now,
            )
            for index in range(1, CYCLES + 1)
        )
        assessments = SelfAssessment.objects.bulk_create(
            SelfAssessment(
                member_state_id=state,
                cycle=cycle,
                status=AssessmentStatus.ACCEPTED,
                submitted_at=now,
                reviewed_at=now,
            )
            for cycle in cycles
            for state in states
        )
        AreaStatus.objects.bulk_create(
            AreaStatus(assessment=assessment, area_id=area, level=rng.randint(0, 5), note="bench")
            for assessment in assessments
            for area in areas
        )
        instruments = Instrument.objects.bulk_create(
            Instrument(
                member_state_id=state,
                kind="strategy",
                title=f"bench-{state}",
                status="adopted",
                adoption_year=year - 1,
                names_girls=rng.random() < 0.3,
            )
            for state in states
        )
        through = Instrument.member_states.through
        through.objects.bulk_create(
            through(instrument_id=instrument.pk, memberstate_id=instrument.member_state_id)
            for instrument in instruments
        )
        # Every state takes part in its region's COP initiatives, and every celebration of
        # an initiative's period in its region is held under it.
        initiatives = list(RegionalInitiative.objects.filter(touches_cop=True))
        state_links = InitiativeMemberState.objects.bulk_create(
            InitiativeMemberState(initiative=initiative, member_state_id=state)
            for initiative in initiatives
            for state in MemberState.objects.filter(region_id=initiative.region_id).values_list(
                "pk", flat=True
            )
        )
        celebration_links = InitiativeCelebration.objects.bulk_create(
            InitiativeCelebration(initiative=initiative, celebration_id=event)
            for initiative in initiatives
            for event in Event.objects.filter(
                member_state__region_id=initiative.region_id,
                year__gte=initiative.period_start,
                year__lte=initiative.period_end,
            ).values_list("pk", flat=True)
        )
    return {
        "cycles": [cycle.pk for cycle in cycles],
        "state_links": [link.pk for link in state_links],
        "celebration_links": [link.pk for link in celebration_links],
    }


def unseed(seeded: dict[str, list[int]]) -> None:
    from django.db import transaction

    from policies.models import (
        Cycle,
        InitiativeCelebration,
        InitiativeMemberState,
        Instrument,
        SelfAssessment,
    )

    with transaction.atomic():
        SelfAssessment.objects.filter(cycle_id__in=seeded["cycles"]).delete()  # statuses cascade
        Cycle.objects.filter(pk__in=seeded["cycles"]).delete()
        Instrument.objects.filter(title__startswith="bench-").delete()
        InitiativeMemberState.objects.filter(pk__in=seeded["state_links"]).delete()
        InitiativeCelebration.objects.filter(pk__in=seeded["celebration_links"]).delete()


def bench_policy_section(repeat: int, *, figure_class, worker_class) -> list:
    from copgirls.models import MemberState
    from copgirls.publication import last_closed_year
    from policies.models import AreaStatus, Cycle

    if Cycle.objects.filter(code__startswith="bench-").exists():
        raise SystemExit("bench: policy records of an interrupted benchmark remain (bench-*)")
    period = {  # every closed year: reports cover no other (issue 20)
        "period_start": datetime.date(2011, 1, 1),
        "period_end": datetime.date(last_closed_year(), 12, 31),
    }
    without, with_section = [], []
    rows = links = 0
    with worker_class() as worker:
        worker.produce(scope="global", **period)  # warm the worker (fonts, imports)
        for _ in range(max(repeat, 1)):
            without.append(worker.produce(scope="global", **period))
            seeded = seed()
            try:
                rows = AreaStatus.objects.filter(assessment__cycle_id__in=seeded["cycles"]).count()
                links = len(seeded["celebration_links"])
                with_section.append(worker.produce(scope="global", **period))
            finally:
                unseed(seeded)
    base, full = statistics.median(without), statistics.median(with_section)
    added = 100.0 * (full - base) / base
    states = MemberState.objects.count()
    return [
        figure_class(
            f"7. resolve-1 section of the global report ({states} states × 12 areas × {CYCLES} "
            "cycles)",
            added,
            "%",
            "≤ 10 % of 2b",
            added <= 10,
            f"global report end to end {base:.2f} s without policy records, {full:.2f} s with "
            f"{rows:,} area statuses and {links:,} celebrations linked to COP regional "
            f"initiatives; medians of {len(without)} alternate runs",
        )
    ]
