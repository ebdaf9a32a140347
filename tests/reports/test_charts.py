"""The report's SVG charts can be read without telling colours apart (WCAG 1.4.1, 1.4.11)."""

from __future__ import annotations

import re

from reports import charts


def _contrast(colour: str, background: str = "#ffffff") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(colour), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_trend_lines_differ_in_pattern_and_marker_not_only_in_colour():
    svg = str(
        charts.trend_chart(
            "chart-trends",
            "Trends by year",
            ["2024", "2025", "2026"],
            [("Integrating COP (%)", [40.0, 55.0, 60.0]), ("Knowledge after (%)", [70, 72, 80])],
        )
    )
    dashes = re.findall(
        r'<polyline points="[^"]+" fill="none" stroke="#\w+" stroke-width="2"'
        r'(?: stroke-dasharray="([^"]+)")?/>',
        svg,
    )
    # one legend sample and one line per series, the second series dashed in both
    assert dashes == ["", "", "8 4", "8 4"]
    assert svg.count("<circle") == 1 + 3 and svg.count('width="7" height="7"') == 1 + 3


def test_every_bar_and_line_colour_stands_out_from_the_page():
    colours = {charts.PRE_COLOUR, charts.POST_COLOUR, charts.BAR_COLOUR, *charts.LINE_COLOURS}
    assert {
        colour: round(_contrast(colour), 2) for colour in colours if _contrast(colour) < 3
    } == {}
