"""bench/results.md keeps the 1× run and the 10× run side by side (``--section``)."""

from bench.run import write_results


def run_text(when: str, value: str) -> str:
    return (
        f"# Benchmark results\n\nRun on {when}.\n\n| figure | value |\n|---|---|\n"
        f"| 2b. global report | {value} |\n"
    )


def test_a_section_run_keeps_the_main_run_and_replaces_only_its_own_section(tmp_path):
    out = tmp_path / "results.md"
    write_results(out, run_text("day 1", "4.1 s"), None)
    write_results(out, run_text("day 2", "24 s"), "10× scale")
    write_results(out, run_text("day 3", "2.0 s"), None)  # the 1× run again
    write_results(out, run_text("day 4", "21 s"), "10× scale")  # and the 10× run again

    text = out.read_text()
    assert text.startswith("# Benchmark results\n\nRun on day 3.")
    assert text.count("## 10× scale") == 1
    assert "Run on day 4." in text and "| 2b. global report | 21 s |" in text
    assert "day 1" not in text and "day 2" not in text
    assert text.index("2.0 s") < text.index("## 10× scale") < text.index("21 s")
