"""Disclosure control: the one place a figure about participants is made fit to publish.

**The rule.** No output may show, or let a reader work out, a count of fewer than
``SMALL_CELL_THRESHOLD`` participants (10 by default), nor any statistic computed from
fewer. A cell counted from fewer is shown as "<10" and its statistics withheld
(:func:`allows_statistics`). Where a total is published, complementary suppression hides
further cells (smallest first) until "total minus the visible cells" never reveals a
small count. Such a complementary cell is shown as "x" (it is not small, only withheld) —
so a reader knows it holds at least the threshold, and what the hidden cells hold beyond
that must itself be no small count (:func:`_protected`).

**Who must use it.** Every figure derived from participants — girls reached or
responding, pairs, every score and statistic — in every output (report PDF and annex,
public pages, staff dashboards, exports) must go through this module before it leaves;
no view, template or export may publish such a figure it computed on its own.

**Across outputs: the publication grid** (:class:`Grid`). Girls reached and attendance
(member state × year) and girls attending a module (member state × module) are published
as sums of grid cells of 10 or more: the public pages, the open data, every staff dashboard
(for every role) and every report add up the same cells, and a hidden cell is in no total,
so no difference between outputs gives one back (``tests/disclosure_audit``). Impact — the
paired participants of a (member state, year) cell and every statistic of them — is on the
same grid, its modules and age bands decided once per cell (:class:`PartitionedGrid`);
response counts are published per whole cell (:class:`WholeCellGrid`). The within-table
rules below (:func:`suppress_counts`, :func:`suppress_margins`) remain for tables that
are no sum of grid cells.

It is part of the core because celebrations, assessments and reports all need it; it
knows none of them (it takes plain counts and returns :class:`Cell` values).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext

from copgirls.names import long_date


def threshold() -> int:
    return settings.SMALL_CELL_THRESHOLD


@dataclass(frozen=True)
class Cell:
    """A published count: ``value`` is ``None`` when suppressed.

    ``published_on`` is set on the figure of a year not yet closed
    (:mod:`copgirls.publication`): it holds no count at all, only the day it will be
    published (:func:`not_yet_published`).
    """

    value: int | None
    limit: int
    complementary: bool = False
    published_on: datetime.date | None = None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.published_on is not None:
            return gettext("published on %(date)s") % {"date": long_date(self.published_on)}
        if self.value is None:
            return COMPLEMENTARY_MARK if self.complementary else f"<{self.limit}"
        return str(self.value)

    def as_dict(self) -> dict:
        published = {
            "value": self.value,
            "display": str(self),
            "suppressed": self.suppressed,
            "complementary": self.complementary,
        }
        if self.published_on is not None:  # an open year's figure (no report holds one)
            published["published_on"] = self.published_on.isoformat()
        return published


def not_yet_published(published_on: datetime.date, *, limit: int | None = None) -> Cell:
    """The figure of an open year: no count, the day it will be published instead."""
    return Cell(None, threshold() if limit is None else limit, published_on=published_on)


#: Shown for a cell withheld only so that a total cannot reveal a small cell.
COMPLEMENTARY_MARK = "x"


def suppress_counts(
    counts: Mapping[Hashable, int],
    *,
    with_total: bool = True,
    limit: int | None = None,
    published: Collection[Hashable] = (),
    withheld: Collection[Hashable] = (),
) -> tuple[dict[Hashable, Cell], Cell]:
    """Suppress the cells of one table (row or column) and its total.

    Returns ``(cells, total)``. With ``with_total`` the total is published (unless it is
    itself small, or no choice of cells protects it), so complementary suppression applies
    to the cells. Cells named in ``published`` are shown elsewhere and cannot be hidden to
    protect a small cell here: when the other cells are not enough, the total is withheld
    instead. Cells named in ``withheld`` are hidden whatever their count, and protected
    like a small one.
    """
    limit = threshold() if limit is None else limit
    values = {key: int(value) for key, value in counts.items()}
    hidden = {key for key, value in values.items() if value < limit} | (
        set(withheld) & values.keys()
    )
    total = sum(values.values())
    total_shown = with_total and total >= limit
    if total_shown and hidden:
        # Hide more cells, smallest first, until the total cannot give a hidden one away.
        candidates = values.keys() - hidden - set(published)
        for key in sorted(candidates, key=lambda k: (values[k], str(k))):
            if _protected([values[k] for k in hidden], limit):
                break
            hidden.add(key)
        if not _protected([values[k] for k in hidden], limit):
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


def _protected(hidden: Collection[int], limit: int) -> bool:
    """Whether the total minus the visible cells tells nothing about a hidden cell.

    The reader learns the sum of the hidden cells, and that each "x" among them holds at
    least ``limit``: what they hold beyond that must be no small count. (With 50, 1 and 10,
    hiding the 1 and the 10 leaves 11 = "x" + "<10": the small cell is 1.)
    """
    marked_x = sum(1 for value in hidden if value >= limit)
    return sum(hidden) - limit * marked_x >= limit


def _all_withheld(counts: Mapping[Hashable, int], limit: int) -> dict[Hashable, Cell]:
    return {
        key: Cell(None, limit, complementary=int(value) >= limit) for key, value in counts.items()
    }


def suppress_margins(
    tables: Mapping[Hashable, Mapping[Hashable, int]],
    *,
    limit: int | None = None,
    withheld: Mapping[Hashable, Collection[Hashable]] | None = None,
) -> tuple[dict[Hashable, dict[Hashable, Cell]], Cell]:
    """One-way tables of the same participants (by module, by region, by year…) that share
    one published total: ``(cells of each table, the total)``.

    The total is shown only if every table protects its small cells against it. If one
    cannot, the total is withheld — and then every cell of every table is withheld too,
    or a table whose cells were all visible would add up to the total and give it back.
    ``withheld`` names cells to hide in each table whatever their count.
    """
    limit = threshold() if limit is None else limit
    withheld = withheld or {}
    results = {
        name: suppress_counts(counts, limit=limit, withheld=withheld.get(name, ()))
        for name, counts in tables.items()
    }
    grand = max((sum(int(v) for v in counts.values()) for counts in tables.values()), default=0)
    if results and all(not total.suppressed for _, total in results.values()):
        return {name: cells for name, (cells, _) in results.items()}, Cell(grand, limit)
    return (
        {name: _all_withheld(counts, limit) for name, counts in tables.items()},
        Cell(None, limit, complementary=grand >= limit),
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


class Grid:
    """A fixed publication grid: counts of participants per finest cell (a member state and a
    year, say), and every total as the sum of the cells shown.

    A cell below the threshold is shown as "<10" and **left out of every total** built from
    the grid — a member state's, a region's, a year's, the world's, whichever output asks.
    No published total then holds a small count, so no difference between published figures
    (on one page or across pages, reports, dashboards, periods and scopes) can give one back:
    a hidden cell enters no published figure at all. Outputs say that their totals leave out
    the cells below 10. ``tests/disclosure_audit`` proves it with linear programming.
    """

    def __init__(self, counts: Mapping[Hashable, int] | None = None, *, limit: int | None = None):
        self.limit = threshold() if limit is None else limit
        self.counts = {key: int(value) for key, value in (counts or {}).items()}

    def cell(self, key: Hashable) -> Cell:
        return suppress_count(self.counts.get(key, 0), limit=self.limit)

    def shown(self, key: Hashable) -> bool:
        return self.counts.get(key, 0) >= self.limit

    def total(self, where: Callable[[Hashable], bool] | None = None) -> Cell:
        """The sum of the cells shown among those ``where`` selects (all by default); 0,
        not "<10", when it selects no cell at all (there is nothing to hide)."""
        selected = [value for key, value in self.counts.items() if where is None or where(key)]
        if not selected:
            return Cell(0, self.limit)
        visible = sum(value for value in selected if value >= self.limit)
        return suppress_count(visible, limit=self.limit)


class PartitionedGrid(Grid):
    """A publication grid whose cells are split into parts by breakdowns: the paired
    participants of a (member state, year) cell by module and by age band, say.

    A cell below the threshold is in no figure at all, as in :class:`Grid`: neither its
    count nor any statistic of its participants. Within a cell that is shown, the parts of
    each breakdown are decided once, for every output: a part below the threshold is
    withheld, and then further parts of that cell — smallest first — until at least two
    are withheld and they hold at least the threshold between them (complementary
    suppression). A breakdown's row in any output (a module across a region's cells, say)
    is the sum of its shown parts only, and its statistics are those of their participants,
    so what a reader can get back by subtracting — a cell's count minus its shown parts —
    is the withheld parts together: two or more groups of at least the threshold in all,
    whatever she cannot tell apart.
    """

    def __init__(
        self,
        counts: Mapping[Hashable, int] | None = None,
        parts: Mapping[str, Mapping[tuple[Hashable, Hashable], int]] | None = None,
        *,
        limit: int | None = None,
    ):
        super().__init__(counts, limit=limit)
        self.parts = {
            breakdown: {key: int(value) for key, value in values.items()}
            for breakdown, values in (parts or {}).items()
        }
        self.visible: dict[str, set[tuple[Hashable, Hashable]]] = {}
        for breakdown, values in self.parts.items():
            by_cell: dict[Hashable, dict[Hashable, int]] = {}
            for (cell, part), value in values.items():
                by_cell.setdefault(cell, {})[part] = value
            visible: set[tuple[Hashable, Hashable]] = set()
            for cell, of_cell in by_cell.items():
                if self.shown(cell):
                    visible |= {(cell, part) for part in protected_parts(of_cell, self.limit)}
            self.visible[breakdown] = visible

    def part_shown(self, breakdown: str, cell: Hashable, part: Hashable) -> bool:
        return (cell, part) in self.visible[breakdown]

    def part_total(
        self, breakdown: str, part: Hashable, where: Callable[[Hashable], bool] | None = None
    ) -> Cell:
        """The sum of the shown parts ``part`` of the cells ``where`` selects: "<10" when
        it selects parts but none is shown, 0 when it selects none."""
        selected = [
            (cell, value)
            for (cell, name), value in self.parts[breakdown].items()
            if name == part and (where is None or where(cell))
        ]
        if not selected:
            return Cell(0, self.limit)
        visible = self.visible[breakdown]
        return suppress_count(
            sum(value for cell, value in selected if (cell, part) in visible), limit=self.limit
        )


def protected_parts(parts: Mapping[Hashable, int], limit: int | None = None) -> set[Hashable]:
    """The parts of one shown cell that may be shown (see :class:`PartitionedGrid`)."""
    limit = threshold() if limit is None else limit
    hidden = {part for part, value in parts.items() if value < limit}
    if hidden:
        for part in sorted(parts.keys() - hidden, key=lambda p: (parts[p], str(p))):
            if len(hidden) >= 2 and sum(parts[p] for p in hidden) >= limit:
                break
            hidden.add(part)
    return set(parts) - hidden


class WholeCellGrid:
    """A grid whose cells hold several counts that are published together or not at all:
    a cell's counted pre responses are its pairs plus its unpaired pre responses, so showing
    the responses beside the pairs shows the unpaired too. A cell is shown only when every
    part (paired, unpaired pre, unpaired post…) holds at least the threshold; every figure
    is a sum over the shown cells of some of their parts."""

    def __init__(
        self, cells: Mapping[Hashable, Mapping[str, int]] | None = None, *, limit: int | None = None
    ):
        self.limit = threshold() if limit is None else limit
        self.cells = {
            key: {name: int(value) for name, value in parts.items()}
            for key, parts in (cells or {}).items()
        }

    def shown(self, key: Hashable) -> bool:
        parts = self.cells.get(key)
        return bool(parts) and all(value >= self.limit for value in parts.values())

    def total(
        self, parts: Collection[str], where: Callable[[Hashable], bool] | None = None
    ) -> Cell:
        selected = [key for key in self.cells if where is None or where(key)]
        if not selected:
            return Cell(0, self.limit)
        value = sum(self.cells[key][name] for key in selected if self.shown(key) for name in parts)
        return suppress_count(value, limit=self.limit)


def suppress_count(value: int, *, limit: int | None = None) -> Cell:
    """A single count with no published total around it."""
    limit = threshold() if limit is None else limit
    return Cell(int(value) if value >= limit else None, limit)


def allows_statistics(n: int, *, limit: int | None = None) -> bool:
    """Means, gains, effect sizes and p-values are published only for cells of ``limit`` or more."""
    return n >= (threshold() if limit is None else limit)
