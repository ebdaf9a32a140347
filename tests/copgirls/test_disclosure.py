"""The small-cell rule on plain counts; what the outputs show is tested with each output
(tests/reports/test_suppression_outputs.py, tests/events/test_dashboards_and_public.py)."""

from copgirls.disclosure import (
    Grid,
    PartitionedGrid,
    WholeCellGrid,
    allows_statistics,
    protected_parts,
    suppress_count,
    suppress_counts,
    suppress_within,
)


def test_a_cell_of_nine_is_shown_as_less_than_ten():
    assert str(suppress_count(9)) == "<10"
    assert str(suppress_count(10)) == "10"
    assert not allows_statistics(9)
    assert allows_statistics(10)


def test_the_total_minus_the_visible_cells_never_reveals_a_suppressed_cell():
    cells, total = suppress_counts({"Africa": 120, "Americas": 9, "Europe": 40, "CIS": 15})
    assert str(cells["Americas"]) == "<10"
    # CIS (15) is hidden too: the total then reveals only that the two add up to 24.
    assert cells["CIS"].suppressed
    assert (str(cells["Africa"]), str(cells["Europe"]), str(total)) == ("120", "40", "184")
    hidden = total.value - sum(c.value for c in cells.values() if not c.suppressed)
    assert hidden >= 10


def test_complementary_suppression_hides_several_cells_until_the_remainder_is_not_small():
    cells, total = suppress_counts({"a": 3, "b": 2, "c": 4, "d": 50, "e": 60})
    assert [k for k, c in cells.items() if c.suppressed] == ["a", "b", "c", "d"]
    assert total.value == 119


def test_a_small_total_is_suppressed_with_its_cells():
    cells, total = suppress_counts({"a": 3, "b": 4})
    assert total.suppressed and all(c.suppressed for c in cells.values())


def test_nothing_is_hidden_when_every_cell_is_large_enough():
    cells, total = suppress_counts({"a": 10, "b": 11})
    assert not any(c.suppressed for c in cells.values()) and total.value == 21


def most_the_small_cells_can_hold(cells, total, limit=10):
    """What a reader who knows the rule ("x" is withheld and at least ``limit``) can say the
    cells shown "<10" hold together, at most: the total minus the visible cells minus the
    least each "x" holds."""
    visible = sum(cell.value for cell in cells.values() if not cell.suppressed)
    marked_x = sum(1 for cell in cells.values() if str(cell) == "x")
    return total.value - visible - limit * marked_x


def test_a_complementary_cell_just_above_the_limit_does_not_give_the_small_cell_away():
    cells, total = suppress_counts({"a": 50, "b": 1, "c": 10})
    # With only c withheld ("x", so at least 10) and the total 61 shown, b + c = 11 made b = 1.
    assert str(cells["b"]) == "<10"
    assert total.suppressed or most_the_small_cells_can_hold(cells, total) >= 10


def test_suppression_within_a_withheld_region_withholds_every_member_state():
    regions, _ = suppress_counts({"africa": 200, "americas": 9, "europe": 45})
    states = suppress_within(
        {"africa": {"ke": 120, "ng": 80}, "americas": {"br": 9}, "europe": {"fr": 30, "de": 15}},
        regions,
    )
    assert str(regions["americas"]) == "<10" and str(regions["europe"]) == "x"
    assert all(cell.suppressed for cell in states["europe"].values())
    assert [str(states["africa"]["ke"]), str(states["africa"]["ng"])] == ["120", "80"]


def test_a_cell_published_elsewhere_is_not_hidden_the_total_is():
    cells, total = suppress_counts({"paired": 500, "unpaired": 3}, published={"paired"})
    assert (str(cells["paired"]), str(cells["unpaired"]), str(total)) == ("500", "<10", "x")


def test_a_grid_leaves_its_small_cells_out_of_every_total():
    grid = Grid({("KE", 2025): 40, ("NG", 2025): 4, ("KE", 2026): 50, ("NG", 2026): 30})
    assert str(grid.cell(("NG", 2025))) == "<10" and str(grid.cell(("NG", 2026))) == "30"
    assert str(grid.total()) == "120"
    assert str(grid.total(lambda cell: cell[0] == "NG")) == "30"
    assert str(grid.total(lambda cell: cell[1] == 2025)) == "40"
    # Nothing shown: the total of the cells shown is no count to publish either.
    assert str(Grid({("NG", 2025): 4, ("RW", 2025): 8}).total()) == "<10"
    assert str(grid.total(lambda cell: cell[0] == "FR")) == "0"  # no cell: nothing hidden


def test_a_partitioned_grid_withholds_a_small_part_with_another_and_leaves_small_cells_out():
    # Kenya 2025: 30 pairs, 25 on R01 and 5 on R02; Nigeria 2025: 4 pairs on R01.
    grid = PartitionedGrid(
        {("KE", 2025): 30, ("NG", 2025): 4},
        {"module": {(("KE", 2025), "R01"): 25, (("KE", 2025), "R02"): 5, (("NG", 2025), "R01"): 4}},
        limit=10,
    )
    assert str(grid.total()) == "30"  # Nigeria's 4 in no total
    # R02's 5 alone would be 30 − 25: R01 is withheld with it.
    assert str(grid.part_total("module", "R01")) == "<10"
    assert str(grid.part_total("module", "R02")) == "<10"
    assert protected_parts({"a": 25, "b": 5, "c": 12}, 10) == {"a"}  # b and c: 17 together
    assert protected_parts({"a": 25, "b": 12}, 10) == {"a", "b"}


def test_a_whole_cell_grid_publishes_a_cell_only_when_every_part_is_large_enough():
    grid = WholeCellGrid(
        {
            ("KE", 2025): {"paired": 30, "unpaired_pre": 12},
            ("NG", 2025): {"paired": 30, "unpaired_pre": 3},  # pre − pairs would say 3
        },
        limit=10,
    )
    assert str(grid.total(("paired", "unpaired_pre"))) == "42"
    assert str(grid.total(("paired",))) == "30"
