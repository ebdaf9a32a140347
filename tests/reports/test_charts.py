"""The report's charts: text set by the layout engine, readable without telling colours apart
(WCAG 1.4.1, 1.4.11), the same values and decimals as the tables."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from reports import charts

CSS = (Path(settings.BASE_DIR) / "reports" / "static" / "reports" / "charts.css").read_text()


def _contrast(colour: str, background: str = "#ffffff") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rule(selector: str) -> str:
    match = re.search(r"(?:^|\n)" + re.escape(selector) + r" \{([^}]*)\}", CSS)
    assert match, selector
    return match.group(1)


def test_before_and_after_bars_differ_in_pattern_not_only_in_colour():
    html = str(charts.pre_post_chart("c", "Knowledge", [("M01 Rights", 40.0, 70.0)]))
    assert html.count("chart-bar-pre") == 2 and html.count("chart-bar-post") == 2  # key + bar
    assert "repeating-linear-gradient" in _rule(".chart-bar-pre")
    assert "gradient" not in _rule(".chart-bar-main, .chart-bar-post")


def test_every_bar_colour_stands_out_from_the_page_and_is_the_stylesheets():
    colours = {charts.PRE_COLOUR, charts.POST_COLOUR, charts.BAR_COLOUR}
    assert {
        colour: round(_contrast(colour), 2) for colour in colours if _contrast(colour) < 3
    } == {}
    assert f"background-color: {charts.POST_COLOUR}" in _rule(".chart-bar-main, .chart-bar-post")
    assert f"background-color: {charts.PRE_COLOUR}" in _rule(".chart-bar-pre")


def test_labels_are_html_text_never_cut_and_bars_have_no_style_attribute():
    label = "M02 Personal data and privacy settings on social media"
    html = str(charts.bar_chart("c", "Girls", [(label, 120.0, "120"), ("Africa", 30.0, "30")]))
    assert f'<th class="chart-label" scope="row">{label}</th>' in html
    assert "<svg" not in html and "<text" not in html and "style=" not in html
    widths = re.findall(r"chart-w-(\d+)", html)
    assert widths == [str(charts.BAR_SPAN), str(round(charts.BAR_SPAN * 30 / 120))]
    assert all(f".chart-w-{n} {{ width: {n}%; }}" in CSS for n in range(101))


def test_a_withheld_value_draws_no_bar_and_reads_as_in_the_tables():
    html = str(charts.bar_chart("c", "Girls", [("Americas", None, "<10"), ("Africa", 50, "50")]))
    americas = html.split("Americas")[1].split("</tr>")[0]
    assert "chart-bar" not in americas and "&lt;10" in americas


def test_chart_values_have_the_tables_decimals_in_the_reports_language():
    with translation.override("fr"):
        html = str(charts.pre_post_chart("c", "Connaissances", [("M01", 40.04, 70.0)]))
    assert ">40,0<" in html and ">70,0<" in html
    assert 'aria-label="Connaissances. M01: 40,0 → 70,0"' in html


def test_a_scope_of_one_region_and_one_year_draws_no_by_region_chart_and_no_trend():
    row = {
        "label": "Africa",
        "girls": {"value": 120, "display": "120", "suppressed": False},
        "share_cop": 50.0,
        "knowledge": None,
    }
    figures = {
        "reach": {"by_region": [row]},
        "impact": {"by_module": []},
        "trends": [{**row, "label": "2026"}],
    }
    assert charts.for_report(figures) == {}
    figures["reach"]["by_region"] = [row, {**row, "label": "Europe"}]
    figures["trends"] = [{**row, "label": "2025"}, {**row, "label": "2026"}]
    assert set(charts.for_report(figures)) == {
        "girls_by_region",
        "cop_share_by_region",
        "cop_share_by_year",
    }
