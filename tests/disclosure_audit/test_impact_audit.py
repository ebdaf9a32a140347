"""The disclosure audit of impact and responses (issue 20): paired participants and counted
responses, attacked with every report a user can ask for.

Generated data: pairs in COP sessions of eleven member states over two years, split by
module and age band, beside unpaired pre and post responses — with many cells below 10.
The hidden quantities are, per publication grid cell (member state, year), the pairs of
each module, the pairs of each age band, the unpaired pre and the unpaired post responses;
a cell's pairs are the sum of its modules' (and of its age bands': a linear constraint).
Every figure of every report — of every scope (global, each region, each member state)
and run of whole years: the overall n, n by module, age band, region and year, and the
data-quality counts (counted pre and post responses, pairs, unpaired) — is written as a
linear constraint on them, and ``scipy.optimize.linprog`` (HiGHS) computes for every
quantity truly below 10 (a module's or age band's pairs in a cell, an unpaired count, a
cell's pairs) the least and the most it can hold. An interval narrower than 0–9 fails.

The attacker is handed more than she knows: for each figure, exactly which quantities it
adds up (the published rule, applied to the truth). A figure that rule does not explain
fails too; and every statistic must be over exactly the pairs of its published n.
"""

from __future__ import annotations

import datetime
import itertools

import numpy as np
import pytest
from django.utils import timezone
from scipy.optimize import linprog

from copgirls.disclosure import protected_parts
from copgirls.models import MemberState, Region
from events.models import AgeBand
from reports.aggregation import Selection
from reports.figures import build_figures
from tests.reports.factories import (
    CopModuleFactory,
    CopSessionFactory,
    EventFactory,
    add_pairs,
    add_unpaired,
)

LIMIT = 10
REQUIRED_WIDTH = LIMIT - 1
YEARS = (2025, 2026)
ISO2S = ("KE", "NG", "RW", "GH", "FR", "DE", "BE", "BR", "AR", "CL", "PE")
AGES = (AgeBand.AGE_9_12, AgeBand.AGE_13_18, AgeBand.AGE_19_24)


def generate(kind: str, seed: int) -> dict:
    """``{("module" | "age", iso2, year, part): pairs, ("U" | "V", iso2, year): unpaired}``.

    ``kind``: "mixed" (cells of every size), "small_states" (most member states with fewer
    than 10 pairs) or "few_big" (three large states among many tiny ones).
    """
    rng = np.random.default_rng(seed)
    modules = [CopModuleFactory(code=f"M{i}") for i in range(3)]
    truth: dict = {}
    for index, iso2 in enumerate(ISO2S):
        state = MemberState.objects.get(iso2=iso2)
        for year in YEARS:
            if kind == "small_states":
                big = index % 4 == 0
            elif kind == "few_big":
                big = index in (0, 4, 7)
            else:
                big = bool(rng.integers(0, 2))
            event = EventFactory(member_state=state, start_date=datetime.date(year, 4, 23))
            for module in rng.choice(modules, size=int(rng.integers(1, 3)), replace=False):
                session = CopSessionFactory(event=event, module=module)
                for age in rng.choice(AGES, size=int(rng.integers(1, 3)), replace=False):
                    n = int(rng.integers(8, 30)) if big else int(rng.integers(1, 6))
                    # The Likert means unchanged: no Wilcoxon test to run (its exact
                    # permutation path for small tied samples is slow), only the counts
                    # and the knowledge statistics are under audit.
                    same = ([3.0] * n, [3.0] * n)
                    add_pairs(
                        session,
                        [40.0] * n,
                        list(40.0 + rng.normal(10, 8, n)),
                        self_efficacy=same,
                        intention=same,
                        age_band=age,
                    )
                    for key in (("module", iso2, year, module.code), ("age", iso2, year, age)):
                        truth[key] = truth.get(key, 0) + n
                for phase, name in (("pre", "U"), ("post", "V")):
                    extra = int(rng.integers(0, 16)) if big else int(rng.integers(0, 4))
                    add_unpaired(session, phase, extra)
                    truth[name, iso2, year] = truth.get((name, iso2, year), 0) + extra
    return truth


def pairs_of(truth: dict, iso2: str, year: int) -> int:
    return sum(v for k, v in truth.items() if k[0] == "module" and k[1:3] == (iso2, year))


def shown_cell(truth, iso2, year) -> bool:
    return pairs_of(truth, iso2, year) >= LIMIT


def shown_responses(truth, iso2, year) -> bool:
    return shown_cell(truth, iso2, year) and all(
        truth.get((name, iso2, year), 0) >= LIMIT for name in ("U", "V")
    )


def visible_parts(truth, family, iso2, year) -> set:
    if not shown_cell(truth, iso2, year):
        return set()
    parts = {k[3]: v for k, v in truth.items() if k[0] == family and k[1:3] == (iso2, year)}
    return {(family, iso2, year, part) for part in protected_parts(parts, LIMIT)}


def collect(truth: dict) -> tuple[list[tuple[str, str, frozenset]], list[str]]:
    """Every figure as ``(output, display, the quantities it adds up)``, and the problems
    found on the way (a figure no rule explains, a statistic over other pairs)."""
    region_of = dict(MemberState.objects.values_list("iso2", "region__code"))
    region_label = dict(Region.objects.values_list("code", "name"))
    figures, problems = [], []

    def modules_of(cells) -> frozenset:
        return frozenset(
            k for k in truth if k[0] == "module" and k[1:3] in cells and shown_cell(truth, *k[1:3])
        )

    def add(output, cell, quantities, stats=None):
        value = sum(truth[q] for q in quantities)
        expected = {str(value)} if value >= LIMIT else {"<10", "0"} if value == 0 else set()
        if cell["display"] not in expected:
            problems.append(f"{output} = {cell['display']}: the rule gives {value}")
        knowledge = (stats or {}).get("knowledge")
        if knowledge is not None and knowledge["n"] != value:
            problems.append(f"{output}: a statistic over {stats['knowledge']['n']} pairs")
        if cell["suppressed"] and stats is not None and stats.get("knowledge") is not None:
            problems.append(f"{output}: a statistic of a withheld cell")
        figures.append((output, cell["display"], frozenset(quantities)))

    scopes = [("global", {}, set(ISO2S))]
    scopes += [
        (
            code,
            {"region_id": Region.objects.get(code=code).pk},
            {s for s in ISO2S if region_of[s] == code},
        )
        for code in sorted({region_of[s] for s in ISO2S})
    ]
    scopes += [
        (iso2, {"member_state_id": MemberState.objects.get(iso2=iso2).pk}, {iso2}) for iso2 in ISO2S
    ]
    periods = [(a, b) for a in YEARS for b in YEARS if a <= b]
    for (name, scope, states), (first, last) in itertools.product(scopes, periods):
        years = range(first, last + 1)
        cells = {(s, y) for s in states for y in years}
        selection = Selection(
            datetime.date(first, 1, 1), datetime.date(last, 12, 31), timezone.now(), **scope
        )
        report = build_figures(selection, language="en")
        label = f"report {name} {first}–{last}"
        impact = report["impact"]
        add(
            f"{label}: paired participants",
            impact["overall"]["n"],
            modules_of(cells),
            impact["overall"],
        )
        for row in impact["by_region"]:
            code = next(c for c, n in region_label.items() if n == row["label"])
            mine = {(s, y) for s, y in cells if region_of[s] == code}
            add(f"{label}: pairs, {row['label']}", row["n"], modules_of(mine), row)
        for row in impact["by_year"]:
            mine = {(s, y) for s, y in cells if y == int(row["key"])}
            add(f"{label}: pairs, {row['key']}", row["n"], modules_of(mine), row)
        for family, table in (("module", "by_module"), ("age", "by_age_band")):
            for row in impact[table]:
                part = row["label"][:2] if family == "module" else row["key"]
                quantities = [
                    q for s, y in cells for q in visible_parts(truth, family, s, y) if q[3] == part
                ]
                add(f"{label}: pairs, {row['label']}", row["n"], quantities, row)
        quality = report["quality"]
        responding = {c for c in cells if shown_responses(truth, *c)}
        unpaired = {
            name: frozenset(k for k in truth if k[0] == name and k[1:3] in responding)
            for name in ("U", "V")
        }
        paired = modules_of(responding)
        for key, quantities in (
            ("responses_pre", paired | unpaired["U"]),
            ("responses_post", paired | unpaired["V"]),
            ("pairs", paired),
            ("unpaired_pre", unpaired["U"]),
            ("unpaired_post", unpaired["V"]),
        ):
            add(f"{label}: {key}", quality[key], quantities)
    return figures, problems


def audit(truth: dict, figures) -> list[str]:
    keys = sorted(truth, key=str)
    index = {key: i for i, key in enumerate(keys)}
    equalities, values = [], []
    for _output, display, quantities in figures:
        if not quantities:
            continue  # "<10" as a sum of nothing: no constraint
        row = np.zeros(len(keys))
        for q in quantities:
            row[index[q]] = 1
        equalities.append(row)
        values.append(float(display))
    # A cell's pairs are its modules' and its age bands' alike.
    for iso2, year in itertools.product(ISO2S, YEARS):
        row = np.zeros(len(keys))
        for key in keys:
            if key[1:3] == (iso2, year) and key[0] in ("module", "age"):
                row[index[key]] = 1 if key[0] == "module" else -1
        equalities.append(row)
        values.append(0.0)
    a_eq, b_eq = np.array(equalities), np.array(values)

    targets = [((key,), truth[key]) for key in keys if truth[key] < LIMIT]
    targets += [
        (tuple(k for k in keys if k[0] == "module" and k[1:3] == cell), pairs_of(truth, *cell))
        for cell in itertools.product(ISO2S, YEARS)
        if pairs_of(truth, *cell) < LIMIT
    ]
    found = []
    for quantities, true_value in targets:
        objective = np.zeros(len(keys))
        for q in quantities:
            objective[index[q]] = 1
        ends = []
        for sign in (1, -1):
            result = linprog(
                sign * objective,
                A_eq=a_eq,
                b_eq=b_eq,
                bounds=[(0, None)] * len(keys),
                method="highs",
            )
            assert result.status in (0, 3), result.message
            ends.append(sign * result.fun if result.status == 0 else float("inf"))
        low, high = ends
        if high - low < REQUIRED_WIDTH - 1e-6:
            pinned = [
                f"    {output} = {display}"
                for output, display, covered in figures
                if covered & set(quantities)
            ][:12]
            found.append(
                f"{' + '.join(map(str, quantities))} (truly {true_value}) lies in "
                f"[{low:g}, {high:g}], narrower than 0–9, from:\n" + "\n".join(pinned)
            )
    return found


@pytest.mark.parametrize(("kind", "seed"), [("mixed", 11), ("small_states", 12), ("few_big", 13)])
def test_no_combination_of_reports_narrows_a_small_count_of_pairs_or_responses(db, kind, seed):
    truth = generate(kind, seed)
    small = [key for key, value in truth.items() if value < LIMIT]
    assert len(small) >= 20  # the data has many small cells to attack
    figures, problems = collect(truth)
    assert len(figures) > 500
    assert not problems, "\n".join(problems)
    disclosures = audit(truth, figures)
    assert not disclosures, "\n".join(disclosures)
