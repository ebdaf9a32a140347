"""The disclosure audit (issue 20): an attacker with every output in hand, in the manner of
the interval audits of statistical offices (τ-ARGUS's protection intervals).

On generated data with many small cells, it collects every figure of girls reached, of
attendance and of girls attending a module that any role can obtain — the public pages (the
world map for every year and all years, each member state's page), every staff dashboard
(the world's, each region's, each member state's) and the report of every allowed scope
(global, each region, each member state) and period (every run of whole closed years: an
open year's figures say when they are published and enter no constraint) — taken
together, as if every role pooled what it sees: what holds against all of them holds
against each. Each published figure is written as a linear constraint on the hidden cells
of the publication grid (member state × year; member state × module), with the cells the
published rule says it adds up; for every cell truly below 10, ``scipy.optimize.linprog``
(HiGHS) computes the least and the most it can hold given all published figures. The
promise: nothing narrows it beyond what "<10" says (0 to 9). A narrower interval fails the
test, printing the cell, its interval and the published figures that pin it.

A figure is explained by the truth: it must equal the sum of its cells of 10 or more (the
grid rule) or of all its cells (an exact total); a figure that is neither fails too.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from scipy.optimize import linprog

from copgirls.models import MemberState, Region, Role
from copgirls.publication import last_closed_year, year_is_closed
from events.models import CopModule
from reports.aggregation import Selection
from reports.figures import build_figures
from tests.events.conftest import make_user
from tests.reports.factories import CopSessionFactory, EventFactory, add_attendance

LIMIT = 10
#: Nothing may narrow a hidden cell beyond "<10": it may hold anything from 0 to 9.
REQUIRED_WIDTH = LIMIT - 1
#: Two closed years and this open one: figures of girls are published for closed years
#: only (copgirls.publication), so the open year's cells enter no figure.
YEARS = (last_closed_year() - 1, last_closed_year(), timezone.now().year)
CLOSED_YEARS = tuple(year for year in YEARS if year_is_closed(year))


@dataclass(frozen=True)
class Figure:
    output: str  # where it is published, as a reader would name it
    family: str  # "girls", "attendance" or "module_girls"
    cells: frozenset  # the grid cells it covers
    display: str  # as published: a number, "<10" or "x"


class Truth:
    """The generated data, cell by cell, as the auditor (not the attacker) knows it."""

    def __init__(self):
        self.cells: dict[str, dict] = {"girls": {}, "attendance": {}, "module_girls": {}}

    def add(self, family: str, key, value: int) -> None:
        self.cells[family][key] = self.cells[family].get(key, 0) + value


def generate(kind: str, seed: int) -> Truth:
    """Published celebrations in ``YEARS`` over states of three regions; some record their
    girls, others only their sessions' attendance; drafts that no figure may count.

    ``kind``: "mixed" (cells of every size), "small_states" (most member states below 10
    girls) or "few_big" (a few large states beside many tiny ones, including cells of 0).
    """
    rng = np.random.default_rng(seed)
    truth = Truth()
    modules = [CopModule.objects.order_by("position")[i] for i in range(3)]
    iso2s = ["KE", "NG", "RW", "GH", "FR", "DE", "BE", "BR", "AR", "CL", "PE"]
    for index, iso2 in enumerate(iso2s):
        state = MemberState.objects.get(iso2=iso2)
        for year in YEARS:
            if kind == "small_states":
                big = index % 4 == 0
            elif kind == "few_big":
                big = index in (0, 4, 7)
            else:
                big = bool(rng.integers(0, 2))
            for number in range(int(rng.integers(1, 3))):
                girls = int(rng.integers(12, 60)) if big else int(rng.integers(0, 5))
                recorded = bool(rng.integers(0, 3))
                event = EventFactory(
                    member_state=state,
                    start_date=datetime.date(year, 4, 20 + number),
                    actual_girls=girls if recorded else None,
                )
                module = modules[int(rng.integers(0, 3))]
                session = CopSessionFactory(event=event, module=module)
                attending = girls if not recorded else int(rng.integers(0, girls + 1))
                boys = int(rng.integers(0, 4))
                add_attendance(session, girls=attending, boys=boys)
                truth.add("girls", (iso2, year), girls)
                truth.add("attendance", (iso2, year), attending + boys)
                if year in CLOSED_YEARS:  # an open year's attendance is in no figure
                    truth.add("module_girls", (iso2, module.code), attending)
            # A draft: on no public page, in no figure of girls.
            EventFactory(
                member_state=state,
                start_date=datetime.date(year, 5, 2),
                actual_girls=int(rng.integers(1, 9)),
                status="draft",
            )
    return truth


# --- Collecting every output ------------------------------------------------------------


def _display(value) -> str:
    if isinstance(value, dict):
        return str(value["display"])
    return str(value)


def _page(user, name: str, *args, query: str = ""):
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200, (name, args)
    return response.context


def collect(truth: Truth) -> list[Figure]:
    figures: list[Figure] = []
    state_cells = {iso2 for iso2, _year in truth.cells["girls"]}
    region_of = dict(MemberState.objects.values_list("iso2", "region__code"))
    states_of = {
        region: {iso2 for iso2 in state_cells if region_of[iso2] == region}
        for region in {region_of[iso2] for iso2 in state_cells}
    }

    def girls_cells(states, years=YEARS) -> frozenset:
        """The cells a figure of ``years`` adds up: those of its closed years."""
        return frozenset((iso2, year) for iso2 in states for year in years if year in CLOSED_YEARS)

    def add(output, family, cells, value):
        if getattr(value, "published_on", None) is not None:
            # "published on 1 February…": no count, and only where no closed year is covered.
            assert not cells, f"{output}: {value} over closed cells {sorted(cells)}"
            return
        figures.append(Figure(output, family, frozenset(cells), _display(value)))

    # Public pages: the world map for all years and each year, each member state's page.
    for year in (None, *YEARS):
        query = f"?year={year}" if year else ""
        context = _page(None, "events:map", query=query)
        years = YEARS if year is None else (year,)
        add(
            f"world map {year or 'all years'}: total",
            "girls",
            girls_cells(state_cells, years),
            context["totals"].girls_reached,
        )
        for row in context["rows"]:
            add(
                f"world map {year or 'all years'}: {row.iso2}",
                "girls",
                girls_cells({row.iso2}, years),
                row.girls_reached,
            )
    for iso2 in state_cells:
        context = _page(None, "events:public_member_state", iso2)
        add(
            f"public page {iso2}: total",
            "girls",
            girls_cells({iso2}),
            context["figures"]["girls_reached"],
        )
        for row in context["figures"]["years"]:
            add(
                f"public page {iso2}: {row['year']}",
                "girls",
                girls_cells({iso2}, (row["year"],)),
                row["girls_reached"],
            )

    # Staff dashboards, for the roles that see them.
    this_year = timezone.localdate().year
    secretariat = make_user(Role.SECRETARIAT)
    modules = sorted({code for _iso2, code in truth.cells["module_girls"]})

    def dashboard(name, dashboard, states):
        add(
            f"{name}: girls, all years",
            "girls",
            girls_cells(states),
            dashboard.all_years.girls_reached,
        )
        add(
            f"{name}: girls, {this_year}",
            "girls",
            girls_cells(states, (this_year,)),
            dashboard.this_year.girls_reached,
        )
        for row in dashboard.modules:
            if row.code in modules:
                add(
                    f"{name}: girls attending {row.code}",
                    "module_girls",
                    {(s, row.code) for s in states},
                    row.girls,
                )
        for row in dashboard.breakdown:
            covered = {row["code"]} if row["iso2"] else states_of.get(row["code"], set())
            add(
                f"{name}: {row['code']}, all years",
                "girls",
                girls_cells(covered),
                row["all_years"].girls_reached,
            )
            add(
                f"{name}: {row['code']}, {this_year}",
                "girls",
                girls_cells(covered, (this_year,)),
                row["this_year"].girls_reached,
            )

    dashboard(
        "world dashboard", _page(secretariat, "events:world_dashboard")["dashboard"], state_cells
    )
    for region, states in states_of.items():
        officer = make_user(Role.REGIONAL_OFFICER, region=Region.objects.get(code=region))
        dashboard(
            f"{region} dashboard",
            _page(officer, "events:region_dashboard", region)["dashboard"],
            states,
        )
    for iso2 in state_cells:
        coordinator = make_user(Role.COORDINATOR, member_state=MemberState.objects.get(iso2=iso2))
        dashboard(
            f"{iso2} dashboard",
            _page(coordinator, "events:state_dashboard", iso2)["dashboard"],
            {iso2},
        )

    # Reports: every scope, every run of whole years.
    scopes = [("global", {}, state_cells)]
    scopes += [
        (region, {"region_id": Region.objects.get(code=region).pk}, states)
        for region, states in states_of.items()
    ]
    scopes += [
        (iso2, {"member_state_id": MemberState.objects.get(iso2=iso2).pk}, {iso2})
        for iso2 in state_cells
    ]
    iso2_of = dict(MemberState.objects.values_list("pk", "iso2"))
    region_code = dict(Region.objects.values_list("pk", "code"))
    for (name, scope, states), (first, last) in itertools.product(
        scopes, [(a, b) for a in CLOSED_YEARS for b in CLOSED_YEARS if a <= b]
    ):  # the periods a report may cover: runs of closed years
        years = tuple(range(first, last + 1))
        selection = Selection(
            datetime.date(first, 1, 1), datetime.date(last, 12, 31), timezone.now(), **scope
        )
        report = build_figures(selection, language="en")
        label = f"report {name} {first}–{last}"
        reach = report["reach"]
        add(f"{label}: girls reached", "girls", girls_cells(states, years), reach["total"]["girls"])
        for row in reach["by_region"]:
            covered = states_of.get(region_code[int(row["key"])], set()) & states
            add(
                f"{label}: girls, {row['label']}",
                "girls",
                girls_cells(covered, years),
                row["girls"],
            )
        for row in reach["by_member_state"]:
            add(
                f"{label}: girls, {row['label']}",
                "girls",
                girls_cells({iso2_of[int(row["key"])]}, years),
                row["girls"],
            )
        for row in reach["by_year"]:
            add(
                f"{label}: girls, {row['key']}",
                "girls",
                girls_cells(states, (int(row["key"]),)),
                row["girls"],
            )
        add(
            f"{label}: attendance",
            "attendance",
            girls_cells(states, years),
            report["quality"]["attendance"],
        )
    return figures


# --- The attacker's linear programme -------------------------------------------------------


def explained(figure: Figure, truth: dict) -> frozenset | None:
    """The cells ``figure`` adds up, as the truth shows it: those of 10 or more (the grid
    rule), else all its cells (an exact total); ``None`` for a figure no rule explains."""
    everything = sum(truth.get(cell, 0) for cell in figure.cells)
    if figure.display == "x":
        return figure.cells
    if figure.display == "<10":
        # Small whole; or, under the grid rule, no cell of 10 or more: a sum of nothing.
        return figure.cells if everything < LIMIT else frozenset()
    value = int(figure.display)
    shown = frozenset(cell for cell in figure.cells if truth.get(cell, 0) >= LIMIT)
    if sum(truth.get(cell, 0) for cell in shown) == value:
        return shown
    if everything == value:
        return figure.cells
    return None


def audit(figures: list[Figure], truth: Truth) -> list[str]:
    """The disclosures found: one line per hidden cell that the published figures narrow."""
    found = []
    for family, cells in truth.cells.items():
        mine = [figure for figure in figures if figure.family == family]
        keys = sorted(cells, key=str)
        index = {key: i for i, key in enumerate(keys)}
        equalities, values, upper, bounds_up = [], [], [], []
        lower, bounds_low = [], []
        involved: dict = {key: [] for key in keys}
        for figure in mine:
            cells_added = explained(figure, cells)
            if cells_added is None:
                found.append(f"{figure.output} = {figure.display}: no published rule explains it")
                continue
            covered = [cell for cell in cells_added if cell in index]
            row = np.zeros(len(keys))
            for cell in covered:
                row[index[cell]] = 1
                involved[cell].append(figure)
            if not covered:
                continue
            if figure.display == "<10":
                upper.append(row)
                bounds_up.append(LIMIT - 1)
            elif figure.display == "x":
                lower.append(-row)
                bounds_low.append(-LIMIT)
            else:
                equalities.append(row)
                values.append(int(figure.display))
        a_ub = np.array(upper + lower) if upper or lower else None
        b_ub = np.array(bounds_up + bounds_low) if upper or lower else None
        a_eq = np.array(equalities) if equalities else None
        b_eq = np.array(values) if equalities else None
        for key in keys:
            if cells[key] >= LIMIT:
                continue
            objective = np.zeros(len(keys))
            objective[index[key]] = 1
            ends = []
            for sign in (1, -1):
                result = linprog(
                    sign * objective,
                    A_ub=a_ub,
                    b_ub=b_ub,
                    A_eq=a_eq,
                    b_eq=b_eq,
                    bounds=[(0, None)] * len(keys),
                    method="highs",
                )
                assert result.status in (0, 3), result.message  # 3: unbounded above
                ends.append(sign * result.fun if result.status == 0 else float("inf"))
            low, high = ends
            if high - low < REQUIRED_WIDTH - 1e-6:
                arithmetic = "\n".join(f"    {f.output} = {f.display}" for f in involved[key][:12])
                found.append(
                    f"{family} {key} (truly {cells[key]}) lies in [{low:g}, {high:g}], "
                    f"narrower than 0–9, from:\n{arithmetic}"
                )
    return found


@pytest.mark.parametrize(("kind", "seed"), [("mixed", 1), ("small_states", 2), ("few_big", 3)])
def test_no_combination_of_outputs_narrows_a_small_cell(db, settings, kind, seed):
    settings.MFA_REQUIRED = False
    truth = generate(kind, seed)
    small = sum(1 for cells in truth.cells.values() for value in cells.values() if value < LIMIT)
    assert small >= 10  # the data has many small cells to attack
    figures = collect(truth)
    assert len(figures) > 300
    disclosures = audit(figures, truth)
    assert not disclosures, "\n".join(disclosures)
