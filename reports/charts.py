"""Charts drawn in HTML and CSS, the same markup in the web page and in the PDF.

A chart is a small table: a label column, whose text the browser or WeasyPrint sets like
any other text (shaped, joined, wrapped, ordered right to left in Arabic), and a plot
column holding each bar as an empty box whose width is a class of
``reports/static/reports/charts.css`` (``chart-w-0`` … ``chart-w-100``; no ``style``
attribute, which the Content-Security-Policy refuses). Nothing is drawn as SVG
``<text>``: WeasyPrint neither shapes nor reorders it, so Arabic came out letter by letter
backwards.

Charts are drawn from a report's stored, already suppressed figures
(:mod:`reports.figures`): a withheld value draws no bar and is labelled as the tables
label it ("<10", "x" or "—"), with the same number of decimals as the table. The output is
deterministic (no random ids), so the same figures give byte-identical markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reports.templatetags.reports_format import cell, decimal, percent

# Every colour has at least 3:1 against the white page (WCAG 1.4.11): "before" #767f8a 4.1:1.
# They are the colours of charts.css, repeated here for the contrast test.
PRE_COLOUR = "#767f8a"
POST_COLOUR = "#0b5fa5"
BAR_COLOUR = "#0b5fa5"
#: The longest bar takes this share of the plot column; the rest holds its value.
BAR_SPAN = 78


def _width(value: float | None, top: float) -> int:
    """The ``chart-w-N`` class number of a bar: 0 … ``BAR_SPAN`` per cent of the column."""
    if not value or value <= 0 or not top:
        return 0
    return max(1, min(BAR_SPAN, round(BAR_SPAN * value / top)))


def _bar(kind: str, value: float | None, top: float, shown: str) -> SafeString:
    width = _width(value, top)
    bar = format_html('<span class="chart-bar chart-bar-{} chart-w-{}"></span>', kind, width)
    return format_html(
        '<span class="chart-line">{}<span class="chart-value">{}</span></span>',
        bar if width else "",
        shown,
    )


def _chart(
    chart_id: str,
    title: str,
    rows: list[tuple[str, SafeString]],
    description: str,
    legend: SafeString | str = "",
) -> SafeString:
    body = format_html_join(
        "",
        '<tr><th class="chart-label" scope="row">{}</th><td class="chart-plot">{}</td></tr>',
        rows,
    )
    return format_html(
        '<div class="chart" id="{}" role="img" aria-label="{}">{}'
        '<table class="chart-grid" role="presentation"><tbody>{}</tbody></table></div>',
        chart_id,
        f"{title}. {description}",
        legend,
        body,
    )


def bar_chart(
    chart_id: str, title: str, bars: Sequence[tuple[str, float | None, str]]
) -> SafeString:
    """Horizontal bars: ``(label, value or None when withheld, text shown at the bar's end)``."""
    top = max([value for _, value, _ in bars if value] or [1])
    rows = [(label, _bar("main", value, top, shown)) for label, value, shown in bars]
    description = "; ".join(f"{label}: {shown}" for label, _, shown in bars) or _("No data")
    return _chart(chart_id, title, rows, description)


def pre_post_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, float | None, float | None]],
    *,
    scale_max: float = 100.0,
    places: int = 1,
) -> SafeString:
    """Before/after bars per row; a withheld row shows "—" instead of its bars."""
    drawn, parts = [], []
    for label, pre, post in rows:
        if pre is None or post is None:
            drawn.append((label, _bar("pre", None, scale_max, "—")))
            parts.append(f"{label}: —")
            continue
        pre_text, post_text = decimal(pre, places), decimal(post, places)
        drawn.append(
            (
                label,
                mark_safe(  # noqa: S308 -- both parts are built by format_html
                    _bar("pre", pre, scale_max, pre_text) + _bar("post", post, scale_max, post_text)
                ),
            )
        )
        parts.append(f"{label}: {pre_text} → {post_text}")
    return _chart(chart_id, title, drawn, "; ".join(parts) or _("No data"), legend())


def legend() -> SafeString:
    """The key of the before/after charts: a swatch of each bar's pattern and its name."""
    return format_html(
        '<p class="chart-legend" aria-hidden="true">'
        '<span class="chart-key"><span class="chart-swatch chart-bar-pre"></span>{}</span> '
        '<span class="chart-key"><span class="chart-swatch chart-bar-post"></span>{}</span></p>',
        _("before"),
        _("after"),
    )


def for_report(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The report's charts (``{"title", "html"}``) from its stored figures, only those the
    scope makes meaningful: no "by region" chart of one region, no trend of one year.

    Call it inside the report's language."""
    reach = figures["reach"]
    impact = figures["impact"]
    trends = figures["trends"]

    def knowledge(row: dict) -> tuple[float | None, float | None]:
        stats = row.get("knowledge")
        return (stats["mean_pre"], stats["mean_post"]) if stats else (None, None)

    charts: dict[str, dict[str, Any]] = {}
    if len(reach["by_region"]) > 1:
        charts["girls_by_region"] = _titled(
            bar_chart,
            "chart-girls-by-region",
            _("Girls and young women reached, by region"),
            [
                (row["label"], row["girls"]["value"], cell(row["girls"]))
                for row in reach["by_region"]
            ],
        )
        charts["cop_share_by_region"] = _titled(
            bar_chart,
            "chart-cop-by-region",
            _("Share of celebrations integrating COP (%), by region"),
            [
                (row["label"], row["share_cop"], percent(row["share_cop"]))
                for row in reach["by_region"]
            ],
        )
    if len(impact["by_module"]) > 1 and any(row.get("knowledge") for row in impact["by_module"]):
        charts["knowledge_by_module"] = _titled(
            pre_post_chart,
            "chart-knowledge-by-module",
            _("Mean knowledge score (correct answers, %) before and after, by module"),
            [(row["label"], *knowledge(row)) for row in impact["by_module"]],
        )
    if len(trends) > 1:
        charts["cop_share_by_year"] = _titled(
            bar_chart,
            "chart-cop-by-year",
            _("Share of celebrations integrating COP (%), by year"),
            [(row["label"], row["share_cop"], percent(row["share_cop"])) for row in trends],
        )
        if any(row.get("knowledge") for row in trends):
            charts["knowledge_by_year"] = _titled(
                pre_post_chart,
                "chart-knowledge-by-year",
                _("Mean knowledge score (correct answers, %) before and after, by year"),
                [(row["label"], *knowledge(row)) for row in trends],
            )
    return charts


def _titled(draw, chart_id: str, title: str, *args) -> dict[str, Any]:
    return {"title": title, "html": draw(chart_id, title, *args), "id": chart_id}
