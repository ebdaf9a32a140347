"""Server-rendered SVG charts, the same markup in the web page and in the PDF.

Charts are drawn from a report's stored, already suppressed figures
(:mod:`reports.figures`): a withheld value draws no bar or point and is labelled as
the tables label it ("<10", "x" or "—"). The output is deterministic (coordinates
rounded, no random ids), so the same figures give byte-identical SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT = "Noto Sans, Noto Sans Arabic, Noto Sans CJK SC, DejaVu Sans, sans-serif"
# Every colour has at least 3:1 against the white page (WCAG 1.4.11): "before" #767f8a 4.1:1.
PRE_COLOUR = "#767f8a"
POST_COLOUR = "#0b5fa5"
BAR_COLOUR = "#0b5fa5"
LINE_COLOURS = ("#0b5fa5", "#c2410c", "#15803d")
#: Lines differ in pattern and marker too, not by colour alone (WCAG 1.4.1).
LINE_DASHES = ("", "8 4", "2 3")
WIDTH = 640


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _svg(chart_id: str, title: str, height: float, body: list[str], description: str) -> SafeString:
    return mark_safe(  # noqa: S308 -- every text in ``body`` is escaped when it is built
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {_n(height)}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="{FONT}" font-size="12">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", **attributes: str) -> str:
    extra = "".join(
        f' {key.replace("_", "-")}="{escape(value)}"' for key, value in attributes.items()
    )
    return f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}"{extra}>{escape(text)}</text>'


def bar_chart(
    chart_id: str, title: str, bars: Sequence[tuple[str, float | None, str]]
) -> SafeString:
    """Horizontal bars: ``(label, value or None when withheld, text shown at the bar's end)``."""
    label_width, row, top = 200, 22, 8
    plot = WIDTH - label_width - 60
    top_value = max([value for _, value, _ in bars if value] or [1])
    body = []
    for index, (label, value, shown) in enumerate(bars):
        y = top + index * row
        body.append(_text(label_width - 8, y + 15, label[:34], anchor="end"))
        length = 0.0 if not value else plot * value / top_value
        if length:
            body.append(
                f'<rect x="{label_width}" y="{_n(y + 4)}" width="{_n(length)}" height="14" '
                f'fill="{BAR_COLOUR}"/>'
            )
        body.append(_text(label_width + length + 6, y + 15, shown))
    description = "; ".join(f"{label}: {shown}" for label, _, shown in bars) or _("No data")
    return _svg(chart_id, title, top * 2 + max(len(bars), 1) * row, body, description)


def pre_post_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    scale_max: float = 100.0,
) -> SafeString:
    """Before/after bars per row; a withheld row shows "—" instead of its bars."""
    label_width, row, top = 200, 34, 26
    plot = WIDTH - label_width - 60
    body = [
        f'<rect x="{label_width}" y="6" width="10" height="10" fill="{PRE_COLOUR}"/>',
        _text(label_width + 14, 15, _("before")),
        f'<rect x="{label_width + 90}" y="6" width="10" height="10" fill="{POST_COLOUR}"/>',
        _text(label_width + 104, 15, _("after")),
    ]
    parts = []
    for index, (label, pre, post) in enumerate(rows):
        y = top + index * row
        body.append(_text(label_width - 8, y + 18, label[:34], anchor="end"))
        if pre is None or post is None:
            body.append(_text(label_width + 4, y + 18, "—"))
            parts.append(f"{label}: —")
            continue
        for offset, value, colour in ((2, pre, PRE_COLOUR), (16, post, POST_COLOUR)):
            length = plot * max(value, 0.0) / scale_max
            body.append(
                f'<rect x="{label_width}" y="{_n(y + offset)}" width="{_n(length)}" '
                f'height="12" fill="{colour}"/>'
            )
            body.append(_text(label_width + length + 4, y + offset + 10, _n(value), font_size="10"))
        parts.append(f"{label}: {_n(pre)} → {_n(post)}")
    return _svg(
        chart_id, title, top + max(len(rows), 1) * row + 6, body, "; ".join(parts) or _("No data")
    )


def trend_chart(
    chart_id: str,
    title: str,
    years: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    y_max: float = 100.0,
) -> SafeString:
    """Lines across years; a withheld value leaves a gap."""
    left, right, top, bottom, height = 44, 16, 28, 30, 220
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    body = []
    for tick in range(0, 5):
        value = y_max * tick / 4
        y = top + plot_h - plot_h * tick / 4
        body.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="#d0d7de" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 4, _n(value), anchor="end", font_size="10"))
    step = plot_w / max(len(years) - 1, 1)

    def x_of(index: int) -> float:
        return left + (index * step if len(years) > 1 else plot_w / 2)

    for index, year in enumerate(years):
        body.append(_text(x_of(index), height - 10, year, anchor="middle"))
    parts = []
    for number, (name, values) in enumerate(series):
        colour = LINE_COLOURS[number % len(LINE_COLOURS)]
        dash = LINE_DASHES[number % len(LINE_DASHES)]
        key_x = left + number * 220
        body.append(_polyline([f"{key_x},11", f"{key_x + 24},11"], colour, dash))
        body.append(_marker(number, key_x + 12, 11, colour))
        body.append(_text(key_x + 30, 15, name))
        segment: list[str] = []
        for index, value in enumerate(values):
            if value is None:
                if len(segment) > 1:
                    body.append(_polyline(segment, colour, dash))
                segment = []
                continue
            y = top + plot_h - plot_h * min(max(value, 0.0), y_max) / y_max
            segment.append(f"{_n(x_of(index))},{_n(y)}")
            body.append(_marker(number, x_of(index), y, colour))
        if len(segment) > 1:
            body.append(_polyline(segment, colour, dash))
        shown = ", ".join(
            f"{year}: {'—' if value is None else _n(value)}"
            for year, value in zip(years, values, strict=True)
        )
        parts.append(f"{name} — {shown}")
    return _svg(chart_id, title, height, body, "; ".join(parts) or _("No data"))


def _polyline(points: list[str], colour: str, dash: str = "") -> str:
    pattern = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
        f'stroke-width="2"{pattern}/>'
    )


def _marker(number: int, x: float, y: float, colour: str) -> str:
    """A circle for the first series, a square for the second, a diamond for the third."""
    shape = number % 3
    if shape == 0:
        return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{colour}"/>'
    if shape == 1:
        return f'<rect x="{_n(x - 3.5)}" y="{_n(y - 3.5)}" width="7" height="7" fill="{colour}"/>'
    points = (
        f"{_n(x)},{_n(y - 4.5)} {_n(x + 4.5)},{_n(y)} {_n(x)},{_n(y + 4.5)} {_n(x - 4.5)},{_n(y)}"
    )
    return f'<polygon points="{points}" fill="{colour}"/>'


def for_report(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The report's charts (``{"title", "svg"}``) from its stored figures.

    Call it inside the report's language."""
    reach = figures["reach"]
    impact = figures["impact"]

    def knowledge(row: dict) -> tuple[float | None, float | None]:
        stats = row.get("knowledge")
        return (stats["mean_pre"], stats["mean_post"]) if stats else (None, None)

    trends = figures["trends"]
    return {
        "girls_by_region": _chart(
            bar_chart,
            "chart-girls-by-region",
            _("Girls and young women reached, by region"),
            [
                (row["label"], row["girls"]["value"], row["girls"]["display"])
                for row in reach["by_region"]
            ],
        ),
        "cop_share_by_region": _chart(
            bar_chart,
            "chart-cop-by-region",
            _("Share of celebrations integrating COP (%), by region"),
            [
                (
                    row["label"],
                    row["share_cop"],
                    "—" if row["share_cop"] is None else f"{_n(row['share_cop'])} %",
                )
                for row in reach["by_region"]
            ],
        ),
        "knowledge_by_module": _chart(
            pre_post_chart,
            "chart-knowledge-by-module",
            _("Mean knowledge score (correct answers, %) before and after, by module"),
            [(row["label"], *knowledge(row)) for row in impact["by_module"]],
        ),
        "trends": _chart(
            trend_chart,
            "chart-trends",
            _("Trends by year"),
            [row["label"] for row in trends],
            [
                (_("Celebrations integrating COP (%)"), [row["share_cop"] for row in trends]),
                (
                    _("Knowledge score after (correct answers, %)"),
                    [knowledge(row)[1] for row in trends],
                ),
            ],
        ),
    }


def _chart(draw, chart_id: str, title: str, *args) -> dict[str, Any]:
    return {"title": title, "svg": draw(chart_id, title, *args)}
