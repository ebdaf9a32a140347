"""A report's figures: aggregated, tested and suppressed once, stored as JSON on the report.

:func:`build_figures` is the only road from the database to an output. It runs the SQL
aggregation (:mod:`reports.aggregation`), the statistics (:mod:`reports.statistics`)
and small-cell suppression (:mod:`copgirls.disclosure`), and returns plain JSON: counts
of participants as ``{"value", "display", "suppressed"}`` cells, statistics withheld
(``None``) for every suppressed cell. The PDF, the web page and the CSV/XLSX annex all
render this structure, so none of them can show a figure the suppression did not pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from django.utils import translation

from copgirls.disclosure import (
    Cell,
    Grid,
    PartitionedGrid,
    WholeCellGrid,
    allows_statistics,
    suppress_count,
    threshold,
)
from events.models import AgeBand
from reports import aggregation, statistics
from reports import policy as policy_section
from reports.aggregation import ReachRow, Selection

#: 2: impact and response counts on the publication grid (issue 20); a report of version 1
#: counted them under the within-report rules, so its figures are not comparable cell by cell.
FIGURES_VERSION = 2

#: The measures of impact: (key, column prefix, test, top of the scale for Hake's gain).
MEASURES: tuple[tuple[str, str, statistics.Test, float | None], ...] = (
    ("knowledge", "knowledge", "t", 100.0),
    ("self_efficacy", "self_efficacy", "wilcoxon", None),
    ("intention", "intention", "wilcoxon", None),
)

#: Impact breakdowns: (key, column of :class:`~reports.aggregation.PairColumns`).
BREAKDOWNS = (("module", "module_id"), ("age_band", "age_band"), ("region", "region_id"))


def build_figures(selection: Selection, *, language: str) -> dict[str, Any]:
    with translation.override(language):
        return _build(selection, language)


def _build(selection: Selection, language: str) -> dict[str, Any]:
    limit = threshold()
    names = aggregation.labels(language)
    aggregates = aggregation.aggregate(selection)
    reach_total = aggregates.reach[None].get(None) or ReachRow()
    reach_by = {
        dimension: aggregates.reach[dimension] for dimension in aggregation.REACH_DIMENSIONS
    }
    pairs = aggregates.pairs

    # --- Reach: girls reached is a count of participants. Every figure of it is a sum of
    # the publication grid's (member state, year) cells of 10 or more — the same cells the
    # public pages, the dashboards and every other report add up — so no difference between
    # two outputs holds a cell below 10 (copgirls.disclosure.Grid).
    grid_rows = aggregates.reach["grid"]
    girls_grid = Grid({key: row.girls for key, row in grid_rows.items()}, limit=limit)
    region_of_state = {state: names["member_state"][state][1] for state, _year in grid_rows}
    girls_total = girls_grid.total()
    girls_region = {
        key: girls_grid.total(lambda cell, key=key: region_of_state[cell[0]] == key)
        for key in reach_by["region"]
    }
    girls_state = {
        key: girls_grid.total(lambda cell, key=key: cell[0] == key)
        for key in reach_by["member_state"]
    }
    girls_year = {
        key: girls_grid.total(lambda cell, key=key: cell[1] == key) for key in reach_by["year"]
    }
    attendance = Grid({key: row.attendance for key, row in grid_rows.items()}, limit=limit)

    def region_label(key):
        return translation.gettext(names["region"].get(key, "?"))

    def state_label(key):
        return names["member_state"][key][0]

    reach = {
        "total": _reach_row(None, "", reach_total, girls_total),
        "by_region": _reach_rows(reach_by["region"], girls_region, region_label),
        "by_member_state": sorted(
            (
                {
                    **_reach_row(key, state_label(key), row, girls_state[key]),
                    "region": region_label(names["member_state"][key][1]),
                }
                for key, row in reach_by["member_state"].items()
            ),
            key=lambda item: (item["region"], item["label"]),
        ),
        "by_year": _reach_rows(reach_by["year"], girls_year, str),
    }

    # --- Impact: paired participants per cell, suppressed; statistics only where shown.
    age_labels = dict(AgeBand.choices)
    label_of: dict[str, Callable[[Any], str]] = {
        "module": lambda key: names["module"].get(key, "?"),
        "age_band": lambda key: str(age_labels.get(key, key or "?")),
        "region": region_label,
        "year": str,
    }
    order_of: dict[str, Callable[[Any], Any]] = {
        "module": lambda key: names["module"].get(key, ""),
        "age_band": lambda key: list(age_labels).index(key) if key in age_labels else 99,
        "region": region_label,
        "year": lambda key: key,
    }
    # Every figure of impact — its n and every statistic — is taken over the pairs of the
    # publication grid's (member state, year) cells of 10 or more pairs, the same cells in
    # every report; a module's or an age band's row over the parts of those cells that
    # PartitionedGrid shows (copgirls.disclosure, issue 20).
    cell_of = _codes(pairs.member_state_id * 10_000 + pairs.year)
    part_of = {breakdown: _codes(getattr(pairs, column)) for breakdown, column in BREAKDOWNS}
    cells = [(int(code) // 10_000, int(code) % 10_000) for code in cell_of[0]]
    pairs_grid = PartitionedGrid(
        dict(zip(cells, np.bincount(cell_of[1], minlength=len(cells)).tolist(), strict=True)),
        {
            breakdown: _part_counts(cells, cell_of[1], part_of[breakdown])
            for breakdown in ("module", "age_band")
        },
        limit=limit,
    )
    shown_cell = np.array([pairs_grid.shown(cell) for cell in cells], dtype=bool)
    included = shown_cell[cell_of[1]] if pairs.n else np.zeros(0, dtype=bool)
    total_n = pairs_grid.total()
    impact: dict[str, Any] = {
        "overall": {"n": total_n.as_dict(), **_measures(pairs, included, total_n, limit)}
    }
    region_of_pair_cell = {cell: region_of_state.get(cell[0]) for cell in cells}
    for breakdown, column in (("region", "region_id"), ("year", "year")):
        keys = getattr(pairs, column)
        rows = []
        for key in sorted({_plain(key) for key in keys}, key=order_of[breakdown]):
            if breakdown == "region":
                cell = pairs_grid.total(lambda c, key=key: region_of_pair_cell[c] == key)
            else:
                cell = pairs_grid.total(lambda c, key=key: c[1] == key)
            rows.append(
                {
                    "key": str(key),
                    "label": label_of[breakdown](key),
                    "n": cell.as_dict(),
                    **_measures(pairs, included & (keys == key), cell, limit),
                }
            )
        impact[f"by_{breakdown}"] = rows
    for breakdown in ("module", "age_band"):
        values, inverse = part_of[breakdown]
        visible_part = np.array(
            [
                [pairs_grid.part_shown(breakdown, cell, _plain(value)) for value in values]
                for cell in cells
            ],
            dtype=bool,
        ).reshape(len(cells), len(values))
        visible = visible_part[cell_of[1], inverse] if pairs.n else np.zeros(0, dtype=bool)
        rows = []
        for index in sorted(range(len(values)), key=lambda i: order_of[breakdown](values[i])):
            key = _plain(values[index])
            cell = pairs_grid.part_total(breakdown, key)
            rows.append(
                {
                    "key": str(key),
                    "label": label_of[breakdown](key),
                    "n": cell.as_dict(),
                    **_measures(pairs, visible & (inverse == index), cell, limit),
                }
            )
        impact[f"by_{breakdown}"] = rows
    # The tables keep their order: module, age band, region, year.
    impact = {
        key: impact[key] for key in ("overall", "by_module", "by_age_band", "by_region", "by_year")
    }

    # --- Trends: reach and knowledge change by year, side by side.
    impact_by_year = {row["key"]: row for row in impact["by_year"]}
    trends = []
    for row in reach["by_year"]:
        impact_row = impact_by_year.get(row["key"], {})
        trends.append(
            {
                **row,
                "n": impact_row.get("n") or suppress_count(0, limit=limit).as_dict(),
                "knowledge": impact_row.get("knowledge"),
            }
        )

    paired_of = dict(
        zip(cells, np.bincount(cell_of[1], minlength=len(cells)).tolist(), strict=True)
    )
    quality = _quality_on_the_grid(
        aggregates.count_cells,
        paired_of,
        {key: row.attendance for key, row in grid_rows.items()},
        limit,
        attendance=attendance.total(),
    )
    return {
        "version": FIGURES_VERSION,
        "threshold": limit,
        "empty": reach_total.celebrations == 0 and pairs.n == 0,
        "reach": reach,
        "impact": impact,
        "trends": trends,
        "quality": quality,
        "policy": policy_section.figures(selection, reach_by["member_state"], language=language),
    }


def _codes(column: np.ndarray) -> tuple[list, np.ndarray]:
    """The distinct values of ``column`` and each element's index (vectorised for numbers;
    in first-seen order for the age bands, whose ``None`` does not sort)."""
    if column.dtype != object:
        values, inverse = np.unique(column, return_inverse=True)
        return values.tolist(), inverse.reshape(-1).astype(np.int64)
    index: dict = {}
    inverse = np.fromiter(
        (index.setdefault(_plain(value), len(index)) for value in column.tolist()),
        dtype=np.int64,
        count=column.size,
    )
    return list(index), inverse


def _part_counts(cells: list, cell_index: np.ndarray, part: tuple[list, np.ndarray]) -> dict:
    """Pairs per (grid cell, part)."""
    values, inverse = part
    if not cell_index.size:
        return {}
    combined = cell_index * len(values) + inverse
    codes, counts = np.unique(combined, return_counts=True)
    return {
        (cells[int(code) // len(values)], values[int(code) % len(values)]): int(count)
        for code, count in zip(codes, counts, strict=True)
    }


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _reach_row(key, label: str, row: ReachRow, girls: Cell) -> dict[str, Any]:
    return {
        "key": "" if key is None else str(key),
        "label": label,
        "celebrations": row.celebrations,
        "member_states": row.member_states,
        "with_cop": row.with_cop,
        "share_cop": row.share_cop,
        "sessions": row.sessions,
        "girls": girls.as_dict(),
    }


def _reach_rows(rows: dict, girls: dict, label: Callable) -> list[dict[str, Any]]:
    items = [_reach_row(key, label(key), row, girls[key]) for key, row in rows.items()]
    return sorted(items, key=lambda item: item["label"])


def _measures(pairs, mask, cell: Cell, limit: int) -> dict[str, Any]:
    """Statistics of each measure for the pairs in ``mask`` — or ``None`` where withheld."""
    result: dict[str, Any] = {}
    for key, prefix, test, scale_max in MEASURES:
        pre = getattr(pairs, f"{prefix}_pre")
        post = getattr(pairs, f"{prefix}_post")
        pre, post = pre[mask], post[mask]
        if cell.suppressed:
            result[key] = None
            continue
        stats = statistics.paired(pre, post, test=test, scale_max=scale_max)
        result[key] = stats.as_dict() if allows_statistics(stats.n, limit=limit) else None
    return result


def _quality_on_the_grid(
    count_cells: dict,
    paired_of: dict,
    attendance_of: dict,
    limit: int,
    *,
    attendance: Cell,
) -> dict[str, Any]:
    """Response and pairing rates, every count a sum over the publication grid's (member
    state, year) cells: a cell's counted responses are its pairs plus its unpaired ones, so
    they are published together or not at all (:class:`~copgirls.disclosure.WholeCellGrid`:
    a cell is in these figures only when its pairs, its unpaired pre and its unpaired post
    responses are each 10 or more). Repeats are a grid of their own."""
    parts = {}
    for cell, row in count_cells.items():
        paired = paired_of.get(cell, 0)
        parts[cell] = {
            "paired": paired,
            "unpaired_pre": row["counted_pre"] - paired,
            "unpaired_post": row["counted_post"] - paired,
        }
    responses = WholeCellGrid(parts, limit=limit)
    repeats = Grid(
        {
            cell: row["pre"] + row["post"] - row["counted_pre"] - row["counted_post"]
            for cell, row in count_cells.items()
        },
        limit=limit,
    )
    pre = responses.total(("paired", "unpaired_pre"))
    post = responses.total(("paired", "unpaired_post"))
    pairs = responses.total(("paired",))
    # The response rate over the same cells: their attendance (each at least the pre
    # responses, so of 10 or more: a sum of published attendance cells).
    shown = [cell for cell in parts if responses.shown(cell)]
    attended = sum(attendance_of.get(cell, 0) for cell in shown)

    def rate(numerator: Cell, denominator: int | None) -> float | None:
        if numerator.suppressed or not denominator:
            return None
        return 100.0 * numerator.value / denominator

    complete = all(attendance_of.get(cell, 0) >= limit for cell in shown)
    return {
        "attendance": attendance.as_dict(),
        "responses_pre": pre.as_dict(),
        "responses_post": post.as_dict(),
        "pairs": pairs.as_dict(),
        "unpaired_pre": responses.total(("unpaired_pre",)).as_dict(),
        "unpaired_post": responses.total(("unpaired_post",)).as_dict(),
        "repeats": repeats.total().as_dict(),
        "response_rate": rate(pre, attended if complete else None),
        "pairing_rate": rate(pairs, pre.value),
    }
