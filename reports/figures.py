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
    allows_statistics,
    suppress_count,
    suppress_counts,
    suppress_margins,
    threshold,
)
from events.models import AgeBand
from reports import aggregation, statistics
from reports import policy as policy_section
from reports.aggregation import ReachRow, Selection

FIGURES_VERSION = 1

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
    pairs, counts = aggregates.pairs, aggregates.counts

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
    breakdowns = (*BREAKDOWNS, ("year", "year"))
    keys_of = {breakdown: getattr(pairs, column) for breakdown, column in breakdowns}
    sizes_of = {}
    for breakdown, keys in keys_of.items():
        unique, sizes = (np.unique(keys, return_counts=True)) if keys.size else ([], [])
        sizes_of[breakdown] = {
            _plain(key): int(size) for key, size in zip(unique, sizes, strict=True)
        }
    # Every breakdown counts the same pairs: one total, which each must protect.
    cells_of, total_n = suppress_margins(sizes_of, limit=limit)
    impact: dict[str, Any] = {
        "overall": {"n": total_n.as_dict(), **_measures(pairs, None, total_n, limit)}
    }
    for breakdown, keys in keys_of.items():
        rows = []
        for key, cell in sorted(
            cells_of[breakdown].items(), key=lambda item: order_of[breakdown](item[0])
        ):
            mask = keys == key
            rows.append(
                {
                    "key": str(key),
                    "label": label_of[breakdown](key),
                    "n": cell.as_dict(),
                    **_measures(pairs, mask, cell, limit),
                }
            )
        impact[f"by_{breakdown}"] = rows

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

    quality = _quality(counts, pairs.n, total_n, limit, attendance=attendance.total())
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
        if mask is not None:
            pre, post = pre[mask], post[mask]
        if cell.suppressed:
            result[key] = None
            continue
        stats = statistics.paired(pre, post, test=test, scale_max=scale_max)
        result[key] = stats.as_dict() if allows_statistics(stats.n, limit=limit) else None
    return result


def _quality(
    counts: dict[str, int], n_pairs: int, pairs_cell: Cell, limit: int, *, attendance: Cell
) -> dict[str, Any]:
    """Response and pairing rates. The pairs are published in the impact tables, so when an
    unpaired count is small the response total is withheld instead of the pairs; where the
    impact tables withhold the pairs (``pairs_cell``), they are withheld here too."""
    paired = {"published": {"paired"}} if not pairs_cell.suppressed else {"withheld": {"paired"}}
    pre_cells, pre_total = suppress_counts(
        {"paired": n_pairs, "unpaired": counts["counted_pre"] - n_pairs}, limit=limit, **paired
    )
    post_cells, post_total = suppress_counts(
        {"paired": n_pairs, "unpaired": counts["counted_post"] - n_pairs}, limit=limit, **paired
    )
    repeats = suppress_count(
        counts["pre"] + counts["post"] - counts["counted_pre"] - counts["counted_post"],
        limit=limit,
    )

    def rate(numerator: Cell, denominator: Cell) -> float | None:
        if numerator.suppressed or denominator.suppressed or not denominator.value:
            return None
        return 100.0 * numerator.value / denominator.value

    pairs = pre_cells["paired"]
    return {
        "attendance": attendance.as_dict(),
        "responses_pre": pre_total.as_dict(),
        "responses_post": post_total.as_dict(),
        "pairs": pairs.as_dict(),
        "unpaired_pre": pre_cells["unpaired"].as_dict(),
        "unpaired_post": post_cells["unpaired"].as_dict(),
        "repeats": repeats.as_dict(),
        "response_rate": rate(pre_total, attendance),
        "pairing_rate": rate(pairs, pre_total),
    }
