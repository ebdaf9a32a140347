"""The resolve-1 figures of a report, counted by hand from what the test wrote: levels per
area, moves up and down since the previous cycle, national strategies by region."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from copgirls.models import MemberState
from policies import services
from policies.models import Level
from policies.selectors import report_figures
from tests.policies.conftest import accepted_assessment, fill, open_cycle, state

L = Level


def _two_cycles():
    """2024-2025: Kenya adopted a strategy (A03) and planned A09, Uganda planned A03 and
    implemented A09, France adopted a strategy. 2026-2027: Kenya implements it (up), Uganda
    drops to none in A03 and to adopted in A09 (both down), Brazil adopts one (new); France
    has submitted, not been accepted."""
    earlier = open_cycle(
        code="2024-2025", start=datetime.date(2024, 1, 1), end=datetime.date(2025, 12, 31)
    )
    accepted_assessment(state("KE"), earlier, {"A03": L.ADOPTED, "A09": L.PLANNED})
    accepted_assessment(state("UG"), earlier, {"A03": L.PLANNED, "A09": L.IMPLEMENTED})
    accepted_assessment(state("FR"), earlier, {"A03": L.ADOPTED})
    services.cycle_close(actor=None, cycle=earlier)
    cycle = open_cycle()
    accepted_assessment(state("KE"), cycle, {"A03": L.IMPLEMENTED, "A09": L.PLANNED})
    accepted_assessment(state("UG"), cycle, {"A03": L.NONE, "A09": L.ADOPTED})
    accepted_assessment(state("BR"), cycle, {"A03": L.ADOPTED})
    france = services.self_assessment_start(actor=None, member_state=state("FR"), cycle=cycle)
    fill(france, {"A03": L.REVIEWED})
    services.self_assessment_submit(actor=None, assessment=france)


def _figures(**scope):
    return report_figures(
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        cutoff=timezone.now(),
        **scope,
    )


def test_levels_and_moves_per_area_count_accepted_self_assessments_only(db):
    _two_cycles()

    figures = _figures()

    assert (figures["reported"], figures["reported_before"]) == (3, 3)
    assert (figures["with_strategy"], figures["with_strategy_before"]) == (2, 2)
    assert figures["strategy_states"] == sorted([state("KE").pk, state("BR").pk])
    areas = {row["code"]: row for row in figures["by_area"]}
    a03, a09, a01 = areas["A03"], areas["A09"], areas["A01"]
    assert a03["levels"] == [1, 0, 0, 1, 1, 0]
    assert (a03["adopted"], a03["adopted_before"]) == (2, 2)
    assert (a03["compared"], a03["improved"], a03["declined"]) == (2, 1, 1)
    assert a09["levels"] == [1, 1, 0, 1, 0, 0]
    assert (a09["adopted"], a09["adopted_before"]) == (1, 1)
    assert (a09["compared"], a09["improved"], a09["declined"]) == (2, 0, 1)
    assert a01["levels"] == [3, 0, 0, 0, 0, 0]
    assert (a01["compared"], a01["improved"], a01["declined"]) == (2, 0, 0)


def test_strategies_by_region_and_in_a_regions_report(db):
    _two_cycles()
    african = MemberState.objects.filter(region__code="AFR").count()

    regions = {row["label"]: row for row in _figures()["by_region"]}
    africa_only = _figures(region_id=state("KE").region_id)

    assert regions["Africa"] == {
        "key": state("KE").region_id,
        "label": "Africa",
        "states": african,
        "reported": 2,
        "strategy": 1,
        "strategy_before": 1,
    }
    assert (regions["Europe"]["reported"], regions["Europe"]["strategy_before"]) == (0, 1)
    assert (regions["Americas"]["reported"], regions["Americas"]["strategy"]) == (1, 1)
    assert sum(row["states"] for row in regions.values()) == MemberState.objects.count()
    assert [row["label"] for row in africa_only["by_region"]] == ["Africa"]
    assert (africa_only["states"], africa_only["reported"], africa_only["with_strategy"]) == (
        african,
        2,
        1,
    )
    a03 = next(row for row in africa_only["by_area"] if row["code"] == "A03")
    assert (a03["levels"], a03["improved"], a03["declined"]) == ([1, 0, 0, 0, 1, 0], 1, 1)


def test_the_figures_take_the_same_queries_for_three_or_thirty_reporting_states(db):
    _two_cycles()
    with CaptureQueriesContext(connection) as few:
        _figures()
    cycle = services.open_cycle()
    for other in MemberState.objects.filter(region__code="AFR").exclude(iso2__in=["KE", "UG"])[:27]:
        accepted_assessment(other, cycle, {"A03": L.PLANNED})

    with CaptureQueriesContext(connection) as many:
        figures = _figures()

    assert figures["reported"] == 30
    assert len(many) == len(few)
