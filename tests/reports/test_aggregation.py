"""The report's aggregation path gives exactly the figures of the straightforward ORM one.

:func:`reports.aggregation.aggregate` (the selected sessions, two reach GROUP BYs rolled
up, one impact statement read through a binary COPY on PostgreSQL) is held, on generated
data with repeats, missing scores, several regions, years and age bands and data after
the cut-off, to :func:`~reports.aggregation.reach` per dimension,
:func:`~reports.aggregation.pair_columns_orm` and
:func:`~reports.aggregation.response_counts` — equal, not close.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from assessments.models import Response
from assessments.pairing import pairing_recompute
from events.models import AgeBand, CopSession, EventStatus
from reports import aggregation
from reports.aggregation import Selection
from tests.reports.factories import (
    CopModuleFactory,
    CopSessionFactory,
    EventFactory,
    add_attendance,
    add_pairs,
    add_unpaired,
    state,
)

STATES = ("KE", "ET", "FR", "BR", "IN", "EG")


@pytest.fixture
def generated(db):
    """Celebrations in six member states (five regions) over three years."""
    rng = np.random.default_rng(7)
    modules = [CopModuleFactory() for _ in range(3)]
    bands = list(AgeBand.values)
    for index in range(18):
        iso2 = STATES[index % len(STATES)]
        event = EventFactory(
            member_state=state(iso2),
            start_date=datetime.date(2024 + index % 3, 4, 20 + index % 5),
            actual_girls=None if index % 3 else int(rng.integers(20, 200)),
            status=EventStatus.DRAFT if index == 17 else EventStatus.PUBLISHED,
        )
        if index % 4 == 3:
            continue  # a celebration without COP
        for number in range(1 + index % 2):
            session = CopSessionFactory(event=event, module=modules[(index + number) % 3])
            add_attendance(session, girls=int(rng.integers(5, 40)), boys=int(rng.integers(0, 9)))
            n = int(rng.integers(3, 25))
            pre = np.round(rng.uniform(10, 90, n), 1)
            post = np.round(np.clip(pre + rng.normal(10, 12, n), 0, 100), 1)
            self_pre = [None if k % 7 == 0 else float(rng.integers(1, 6)) for k in range(n)]
            self_post = [float(rng.integers(1, 6)) for _ in range(n)]
            add_pairs(
                session,
                pre,
                post,
                self_efficacy=(self_pre, self_post),
                age_band=bands[(index + 2 * number) % len(bands)],
            )
            add_unpaired(session, "pre", index % 3)
            add_unpaired(session, "post", 1, counts=False)  # a repeat
    cutoff = timezone.now()
    # Data after the cut-off: a session logged later and a response submitted later.
    late_event = EventFactory(member_state=state("KE"), actual_girls=None)
    late = CopSessionFactory(event=late_event, module=modules[0])
    add_attendance(late, girls=33)
    add_pairs(late, [40.0, 50.0], [60.0, 70.0])
    CopSession.objects.filter(pk=late.pk).update(created_at=cutoff + datetime.timedelta(hours=1))
    Response.objects.filter(pk=Response.objects.order_by("-pk").values("pk")[:1]).update(
        submitted_at=cutoff.replace(second=0, microsecond=0) + datetime.timedelta(minutes=10)
    )
    return Selection(
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        cutoff=cutoff,
    )


def reference(selection: Selection) -> aggregation.Aggregates:
    return aggregation.Aggregates(
        reach={
            dimension: aggregation.reach(selection, dimension)
            for dimension in (None, *aggregation.REACH_DIMENSIONS)
        },
        pairs=aggregation.pair_columns_orm(selection),
        counts=aggregation.response_counts(selection),
    )


def assert_identical(result: aggregation.Aggregates, expected: aggregation.Aggregates) -> None:
    grid = result.reach.get("grid")
    assert {key: rows for key, rows in result.reach.items() if key != "grid"} == {
        key: rows for key, rows in expected.reach.items() if key != "grid"
    }
    if grid is not None:  # the publication grid's cells add up to every reach table
        overall = expected.reach[None].get(None) or aggregation.ReachRow()
        assert sum(row.girls for row in grid.values()) == overall.girls
        assert sum(row.attendance for row in grid.values()) == expected.counts["attendance"]
        by_year: dict = {}
        for (_state, year), row in grid.items():
            by_year[year] = by_year.get(year, 0) + row.girls
        assert by_year == {key: row.girls for key, row in expected.reach["year"].items()}
    assert result.counts == expected.counts
    if result.count_cells and expected.count_cells:
        assert result.count_cells == expected.count_cells
    for key in aggregation.COUNT_KEYS if result.count_cells else ():
        assert sum(row[key] for row in result.count_cells.values()) == expected.counts[key], key
    for column in dataclasses.fields(aggregation.PairColumns):
        got = getattr(result.pairs, column.name)
        want = getattr(expected.pairs, column.name)
        assert got.dtype == want.dtype, column.name
        assert got.tolist() == want.tolist() or np.array_equal(got, want, equal_nan=True), (
            column.name
        )


def selections(generated: Selection) -> list[Selection]:
    kenya, france = state("KE"), state("FR")
    return [
        generated,
        dataclasses.replace(generated, region_id=kenya.region_id),
        dataclasses.replace(generated, member_state_id=france.pk),
        dataclasses.replace(generated, period_start=datetime.date(2025, 1, 1)),
        # Nothing selected at all.
        dataclasses.replace(
            generated,
            period_start=datetime.date(2011, 1, 1),
            period_end=datetime.date(2011, 12, 31),
        ),
    ]


def test_the_fast_path_gives_exactly_the_orm_figures(generated):
    checked = 0
    for selection in selections(generated):
        expected = reference(selection)
        assert_identical(aggregation.aggregate(selection), expected)
        checked += expected.pairs.n
    whole = reference(generated)
    # The data is not trivial: pairs with missing self-efficacy, repeats, all age bands,
    # and the late session and response left out.
    assert whole.pairs.n > 150
    assert np.isnan(whole.pairs.self_efficacy_pre).any()
    assert whole.counts["post"] > whole.counts["counted_post"]
    assert set(whole.pairs.age_band) == set(AgeBand.values)
    published = CopSession.objects.filter(event__status=EventStatus.PUBLISHED)
    assert whole.reach[None][None].sessions == published.count() - 1  # not the late one
    assert checked > whole.pairs.n


def test_the_portable_path_gives_the_same_figures(generated, monkeypatch):
    fast = aggregation.aggregate(generated)
    monkeypatch.setattr(aggregation, "_impact_copy", lambda selection, sessions: None)
    assert_identical(aggregation.aggregate(generated), fast)


def test_postgresql_reads_the_pairs_through_a_binary_copy(generated, require_postgres):
    result = aggregation._impact_copy(generated, aggregation.session_table(generated))
    assert result is not None
    pairs, counts, cells = result
    assert pairs.n > 150 and counts["post"] > counts["counted_post"]
    for key, total in counts.items():  # the grid's cells add up to the counts
        assert sum(cell[key] for cell in cells.values()) == total, key


def test_counts_too_large_to_pack_take_the_portable_path(generated, require_postgres, monkeypatch):
    expected = reference(generated)
    # No bit left for the post count: every group with a post response no longer fits.
    monkeypatch.setattr(aggregation, "_PACKED", (8, 8))
    assert aggregation._impact_copy(generated, aggregation.session_table(generated)) is None
    assert_identical(aggregation.aggregate(generated), expected)


def test_aggregation_runs_four_statements_whatever_the_size(
    generated, django_assert_max_num_queries
):
    # The selected sessions, two reach GROUP BYs, the impact statement (on PostgreSQL a
    # COPY, which the query log does not see) and the look-up of posts sent after the
    # cut-off by girls who had posted before it (and, when there are some, two more).
    with django_assert_max_num_queries(5):
        result = aggregation.aggregate(generated)
    assert result.pairs.n > 0


def test_pair_columns_and_the_reference_agree_with_the_report_figures(generated):
    assert_identical(
        aggregation.Aggregates(
            reach=reference(generated).reach,
            pairs=aggregation.pair_columns(generated),
            counts=aggregation.response_counts(generated),
        ),
        reference(generated),
    )
    assert connection.vendor in {"postgresql", "sqlite"}


def test_a_repeat_post_after_the_cut_off_changes_no_figure_at_that_cut_off(db):
    """DESIGN: regenerating a report with the same parameters and cut-off gives the same
    figures — even when a girl answers post again after the cut-off, which moves today's
    repeat-rule flag from her earlier post to the new one."""
    session = CopSessionFactory(event=EventFactory(member_state=state("KE")))
    keys = add_pairs(session, [40.0, 50.0, 60.0], [70.0, 80.0, 90.0])
    add_unpaired(session, "post", 1)
    cutoff = timezone.now()
    selection = Selection(
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        cutoff=cutoff,
    )
    before = aggregation.aggregate(selection)
    assert before.pairs.n == 3

    earlier = Response.objects.get(session=session, participant_key=keys[1], phase="post")
    later = Response.objects.get(pk=earlier.pk)
    later.pk = None
    later.client_submission_id = uuid.uuid4()
    later.knowledge_score = 10.0
    later.submitted_at = cutoff.replace(second=0, microsecond=0) + datetime.timedelta(minutes=3)
    later.save()
    pairing_recompute(session_id=session.pk)
    assert Response.objects.get(pk=earlier.pk).counts_for_pairing is False

    again = aggregation.aggregate(selection)
    assert again.counts == before.counts
    assert sorted(again.pairs.knowledge_post.tolist()) == [70.0, 80.0, 90.0]
    assert np.isclose(again.pairs.knowledge_pre.mean(), before.pairs.knowledge_pre.mean())
    assert sorted(again.pairs.age_band.tolist()) == sorted(before.pairs.age_band.tolist())
    # Today's report (a cut-off after the new post) counts her last post.
    now = dataclasses.replace(selection, cutoff=timezone.now() + datetime.timedelta(minutes=5))
    assert sorted(aggregation.aggregate(now).pairs.knowledge_post.tolist()) == [10.0, 70.0, 90.0]
