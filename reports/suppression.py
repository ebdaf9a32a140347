"""Small-cell suppression: the one function every figure passes through before it leaves.

A cell counted from fewer than ``SMALL_CELL_THRESHOLD`` participants (10 by default) is
shown as "<10" and its statistics withheld. Where a total is published, complementary
suppression hides further cells (smallest first) until the hidden cells add up to at
least the threshold, so "total minus the visible cells" never reveals a small count.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from django.conf import settings


def threshold() -> int:
    return settings.SMALL_CELL_THRESHOLD


@dataclass(frozen=True)
class Cell:
    """A published count: ``value`` is ``None`` when suppressed."""

    value: int | None
    limit: int

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        return f"<{self.limit}" if self.value is None else str(self.value)


def suppress_counts(
    counts: Mapping[Hashable, int], *, with_total: bool = True, limit: int | None = None
) -> tuple[dict[Hashable, Cell], Cell]:
    """Suppress the cells of one table (row or column) and its total.

    Returns ``(cells, total)``. With ``with_total`` the total is published (unless it is
    itself small), so complementary suppression applies to the cells.
    """
    limit = threshold() if limit is None else limit
    values = {key: int(value) for key, value in counts.items()}
    hidden = {key for key, value in values.items() if value < limit}
    total = sum(values.values())
    total_shown = with_total and total >= limit
    if total_shown and hidden:
        # Hide more cells, smallest first, until what is hidden cannot be a small count.
        for key in sorted(values.keys() - hidden, key=lambda k: (values[k], str(k))):
            if sum(values[k] for k in hidden) >= limit:
                break
            hidden.add(key)
    cells = {key: Cell(None if key in hidden else value, limit) for key, value in values.items()}
    return cells, Cell(total if total_shown else None, limit)


def suppress_count(value: int, *, limit: int | None = None) -> Cell:
    """A single count with no published total around it."""
    limit = threshold() if limit is None else limit
    return Cell(int(value) if value >= limit else None, limit)


def allows_statistics(n: int, *, limit: int | None = None) -> bool:
    """Means, gains, effect sizes and p-values are published only for cells of ``limit`` or more."""
    return n >= (threshold() if limit is None else limit)
