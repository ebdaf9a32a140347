"""The benchmarks run (at a small scale) and print sane figures.

These are not timed tests: the figures and their PASS/FAIL at full scale are in
bench/results.md (``make bench``). Here every benchmark must run end to end against the
real PostgreSQL, gunicorn and report process, and what it reports must make sense.
"""

import pytest
from django.core.management import call_command

from bench.run import main

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_every_benchmark_runs_and_reports_sane_figures(require_postgres, tmp_path, settings):
    call_command("seed_demo", "--scale", "demo", "--seed", "11")
    out = tmp_path / "results.md"
    figures = main(["--out", str(out), "--submissions", "40", "--page-runs", "4", "--repeat", "1"])
    by_number = {figure.name.split(".")[0].rstrip("abcd") for figure in figures}
    assert by_number == {"1", "2", "3", "4", "5", "6", "7"}
    named = {figure.name: figure for figure in figures}

    ratio = named["1. ratio portal / limit"]
    assert ratio.note == "same n, means and SDs of the changes", "the portal and the SQL disagree"
    assert ratio.value > 0
    assert named["3c. responses lost or stored twice"].value == 0
    assert named["3c. responses lost or stored twice"].passed
    assert named["3b. trivial Django view, same server"].value > 0
    # The floor stores every POST it is sent (it raises otherwise) and says how it compares.
    floor = named["3d. floor: the same POSTs, each stored as one row (same server)"]
    assert floor.value > 0 and "× the trivial view" in floor.note
    # Figure 3 is the submissions' rate over that floor, measured in the same run.
    ratio3 = named["3. ratio submissions / floor (3d)"]
    submitted = next(f for f in figures if f.name.startswith("3a."))
    assert ratio3.value == pytest.approx(submitted.value / floor.value)
    assert 0 < named["5. peak memory rendering the global report"].value < 4096
    for figure in figures:
        if figure.name.startswith("4."):
            assert "HTTP 200" in figure.note and figure.value > 0
    policy = next(figure for figure in figures if figure.name.startswith("7. resolve-1"))
    assert "area statuses" in policy.note and "without policy records" in policy.note
    api = [figure for figure in figures if figure.name.startswith("6. API celebrations list")]
    assert len(api) == 2 and all("HTTP 200" in figure.note for figure in api)
    # Page by page at constant cost: the deep page runs as many queries as the first.
    assert named["6. API queries per page (first, deep)"].passed
    text = out.read_text()
    assert "| figure | value | target | verdict | notes |" in text
    assert text.count("PASS") + text.count("FAIL") >= 8
    assert "celebrations" in text and "Machine:" in text
