"""Small-cell suppression: the one function every figure passes through before it leaves.

A cell counted from fewer than ``SMALL_CELL_THRESHOLD`` participants (10 by default) is
shown as "<10" and its statistics withheld. Where a total is published, complementary
suppression hides further cells (smallest first) until the hidden cells add up to at
least the threshold, so "total minus the visible cells" never reveals a small count.
Such a complementary cell is shown as "x" (it is not small, only withheld).

Reports pass every count through :func:`suppress_counts` (one-dimensional tables with
their total) or :func:`suppress_within` (member states within their region) once, when
the report's figures are built; the PDF, the web page and the CSV/XLSX annex render
those stored, already suppressed figures and never see a raw count.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass

from django.conf import settings


def threshold() -> int:
    return settings.SMALL_CELL_THRESHOLD


@dataclass(frozen=True)
class Cell:
    """A published count: ``value`` is ``None`` when suppressed."""

    value: int | None
    limit: int
    complementary: bool = False

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is None:
            return COMPLEMENTARY_MARK if self.complementary else f"<{self.limit}"
        return str(self.value)

    def as_dict(self) -> dict:
        return {"value": self.value, "display": str(self), "suppressed": self.suppressed}


#: Shown for a cell withheld only so that a total cannot reveal a small cell.
COMPLEMENTARY_MARK = "x"


def suppress_counts(
    counts: Mapping[Hashable, int],
    *,
    with_total: bool = True,
    limit: int | None = None,
    published: Collection[Hashable] = (),
) -> tuple[dict[Hashable, Cell], Cell]:
    """Suppress the cells of one table (row or column) and its total.

    Returns ``(cells, total)``. With ``with_total`` the total is published (unless it is
    itself small), so complementary suppression applies to the cells. Cells named in
    ``published`` are shown elsewhere and cannot be hidden to protect a small cell here:
    when the other cells are not enough, the total is withheld instead.
    """
    limit = threshold() if limit is None else limit
    values = {key: int(value) for key, value in counts.items()}
    hidden = {key for key, value in values.items() if value < limit}
    total = sum(values.values())
    total_shown = with_total and total >= limit
    if total_shown and hidden:
        # Hide more cells, smallest first, until what is hidden cannot be a small count.
        candidates = values.keys() - hidden - set(published)
        for key in sorted(candidates, key=lambda k: (values[k], str(k))):
            if sum(values[k] for k in hidden) >= limit:
                break
            hidden.add(key)
        if sum(values[k] for k in hidden) < limit:
            total_shown = False
    cells = {
        key: Cell(
            None if key in hidden else value,
            limit,
            complementary=key in hidden and value >= limit,
        )
        for key, value in values.items()
    }
    return cells, Cell(
        total if total_shown else None, limit, complementary=not total_shown and total >= limit
    )


def suppress_within(
    groups: Mapping[Hashable, Mapping[Hashable, int]],
    parents: Mapping[Hashable, Cell],
    *,
    limit: int | None = None,
) -> dict[Hashable, dict[Hashable, Cell]]:
    """Suppress children (member states) whose parent (region) total is published as ``parents``.

    Within a parent whose cell is shown, the children are suppressed against it as their
    total; under a parent that is withheld every child is withheld too, or the children
    would add up to it and undo the parent's suppression.
    """
    limit = threshold() if limit is None else limit
    result: dict[Hashable, dict[Hashable, Cell]] = {}
    for parent, children in groups.items():
        parent_cell = parents.get(parent)
        if parent_cell is None or parent_cell.suppressed:
            result[parent] = {
                key: Cell(None, limit, complementary=int(value) >= limit)
                for key, value in children.items()
            }
        else:
            result[parent], _total = suppress_counts(children, limit=limit)
    return result


def suppress_count(value: int, *, limit: int | None = None) -> Cell:
    """A single count with no published total around it."""
    limit = threshold() if limit is None else limit
    return Cell(int(value) if value >= limit else None, limit)


def allows_statistics(n: int, *, limit: int | None = None) -> bool:
    """Means, gains, effect sizes and p-values are published only for cells of ``limit`` or more."""
    return n >= (threshold() if limit is None else limit)
