"""The change since an earlier issued report of the same scope (the resolution's periodic
review): read from both reports' stored, suppressed figures, so the comparison is the same
every time the report is produced, and no figure the suppression withheld in either report
enters a difference.

:func:`compare` returns plain JSON, stored in the report's figures under ``comparison``:

* ``headline`` — the summary's indicators, each ``{"key", "now", "before", "change"}``
  (``change`` is ``None`` when either value is withheld or undefined);
* ``reach`` — per breakdown (``by_region``, ``by_member_state``, ``by_year``) and ``total``,
  the change in celebrations of each row, by the row's key (a row new since then counts
  from 0).
"""

from __future__ import annotations

from typing import Any

#: The summary's indicators, in the order they are written.
HEADLINE = (
    "celebrations",
    "member_states",
    "share_cop",
    "girls",
    "sessions",
    "pairs",
    "knowledge_gain",
)


def _count(cell: Any) -> int | float | None:
    """A published number, or ``None``: a count cell withheld, a statistic undefined."""
    if isinstance(cell, dict):
        if cell.get("suppressed") or cell.get("value") is None:
            return None
        return cell["value"]
    return cell


def _indicators(figures: dict[str, Any]) -> dict[str, Any]:
    total = figures["reach"]["total"]
    overall = figures["impact"]["overall"]
    knowledge = overall.get("knowledge") or {}
    return {
        "celebrations": total["celebrations"],
        "member_states": total["member_states"],
        "share_cop": total["share_cop"],
        "girls": _count(total["girls"]),
        "sessions": total["sessions"],
        "pairs": _count(overall["n"]),
        "knowledge_gain": knowledge.get("gain"),
    }


def _change(now, before):
    if now is None or before is None:
        return None
    return now - before


def compare(figures: dict[str, Any], earlier) -> dict[str, Any]:
    """``figures`` (this report's) beside those of ``earlier`` (an issued report)."""
    previous = earlier.figures
    now, before = _indicators(figures), _indicators(previous)
    reach: dict[str, Any] = {}
    for breakdown in ("by_region", "by_member_state", "by_year"):
        earlier_rows = {row["key"]: row["celebrations"] for row in previous["reach"][breakdown]}
        reach[breakdown] = {
            row["key"]: row["celebrations"] - earlier_rows.get(row["key"], 0)
            for row in figures["reach"][breakdown]
        }
    reach["total"] = now["celebrations"] - before["celebrations"]
    return {
        "report": earlier.pk,
        "document_number": earlier.document_number,
        "data_cutoff": earlier.data_cutoff.date().isoformat(),
        "period_start": earlier.period_start.isoformat(),
        "period_end": earlier.period_end.isoformat(),
        "headline": [
            {
                "key": key,
                "now": now[key],
                "before": before[key],
                "change": _change(now[key], before[key]),
            }
            for key in HEADLINE
        ],
        "reach": reach,
    }
