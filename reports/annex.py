"""The data annex: the report's stored, suppressed figures as CSV and XLSX tables.

Built from ``Report.figures`` only — the same suppressed aggregates the PDF shows, so a
withheld cell is "<10" or "x" here too and its statistics are empty. A published count is a
number, not text. A statistic is rounded as the PDF prints it, to what the method supports
(:func:`rounded`): knowledge means and gains to 1 decimal, means on the 1–5 scales to 2,
normalised gains, d_z and its interval to 2, percentages to 1, p-values to 3 — and one
below 0.001 is the text "< 0.001", as in the PDF (never 0, never six decimals).

The CSV is for machines: one line per value, keys in English (``reach_by_region``,
``girls``). The XLSX is for people: its sheets and headers are in the report's language,
one sheet per subject (reach, each measure, data quality) with the breakdown as a column,
so that no sheet name has to be cut to Excel's 31 characters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from events.columns import neutralise
from reports import policy as policy_section
from reports.presentation import comparison_labels as _comparison_labels
from reports.templatetags.reports_format import measure_places

STAT_COLUMNS = ("mean_pre", "mean_post", "gain", "hake", "d_z", "ci_low", "ci_high", "p_value")
REACH_COLUMNS = ("celebrations", "member_states", "girls", "sessions", "with_cop", "share_cop")


#: Below this a p-value is published as the text "< 0.001" (as the PDF prints it).
P_FLOOR = 0.001


def rounded(column: str, value: float, measure: str | None = None) -> float | str:
    """A statistic as published (the PDF's places; :mod:`reports.templatetags.reports_format`)."""
    if column == "p_value":
        return f"< {P_FLOOR}" if value < P_FLOOR else round(value, 3)
    if column in ("mean_pre", "mean_post", "gain"):
        return round(value, measure_places(measure or "knowledge"))
    if column in ("hake", "d_z", "ci_low", "ci_high"):
        return round(value, 2)
    return round(value, 1)  # percentages and rates


def _value(value: Any, column: str = "", measure: str | None = None) -> Any:
    if isinstance(value, dict):  # a count cell: its number, or "<10" / "x" when withheld
        if value.get("suppressed") or value.get("value") is None:
            return value["display"]
        return value["value"]
    if isinstance(value, float):
        return rounded(column, value, measure)
    return "" if value is None else value


def tables(figures: dict[str, Any]) -> Iterator[tuple[str, list[str], list[list[Any]]]]:
    """``(name, header, rows)`` for every table of the report."""
    reach = figures["reach"]
    comparison = figures.get("comparison")
    for name, rows, first in (
        ("reach_by_region", reach["by_region"], "region"),
        ("reach_by_year", reach["by_year"], "year"),
        ("reach_by_member_state", reach["by_member_state"], "member_state"),
    ):
        extra = ["region"] if name == "reach_by_member_state" else []
        header = [first, *extra, *REACH_COLUMNS]
        body = [
            [
                row["label"],
                *(row[key] for key in extra),
                *(_value(row[c], c) for c in REACH_COLUMNS),
            ]
            for row in [*rows, {**reach["total"], "label": "total", "region": ""}]
        ]
        if comparison:  # the change in celebrations since the earlier report, per row
            changes = comparison["reach"][name.removeprefix("reach_")]
            header.append("celebrations_change")
            for line, row in zip(body, rows, strict=False):
                line.append(changes.get(row["key"]))
            body[-1].append(comparison["reach"]["total"])
        yield name, header, body if rows else []
    impact = figures["impact"]
    for breakdown in ("module", "age_band", "region", "year"):
        for measure in ("knowledge", "self_efficacy", "intention"):
            header = [breakdown, "n", *STAT_COLUMNS, "test"]
            body = []
            for row in [*impact[f"by_{breakdown}"], {**impact["overall"], "label": "overall"}]:
                stats = row.get(measure) or {}
                body.append(
                    [
                        row["label"],
                        _value(row["n"]),
                        *(_value(stats.get(column), column, measure) for column in STAT_COLUMNS),
                        stats.get("test", ""),
                    ]
                )
            yield f"impact_{measure}_by_{breakdown}", header, body
    if comparison:
        yield (
            "comparison",
            ["indicator", "this_report", comparison["document_number"], "change"],
            [
                [item["key"], _value(item["now"]), _value(item["before"]), _value(item["change"])]
                for item in comparison["headline"]
            ],
        )
    yield from policy_section.tables(figures.get("policy"))
    yield (
        "data_quality",
        ["indicator", "value"],
        [[key, _value(value, key)] for key, value in figures["quality"].items()],
    )


def annex_csv(report) -> bytes:
    """Long format: one line per published value (table, row, column, value)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["table", "row", "column", "value"])
    for name, header, rows in tables(report.figures):
        for row in rows:
            for column, value in zip(header[1:], row[1:], strict=True):
                writer.writerow([name, neutralise(row[0]), column, neutralise(value)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _headers() -> dict[str, str]:
    """The XLSX's column headers, in the active language."""
    return {
        "celebrations": _("Celebrations"),
        "member_states": _("Member states"),
        "girls": _("Girls reached"),
        "sessions": _("COP sessions"),
        "with_cop": _("Celebrations integrating COP"),
        "share_cop": _("Integrating COP (%)"),
        "n": _("Paired participants"),
        "mean_pre": _("Before"),
        "mean_post": _("After"),
        "gain": _("Gain"),
        "hake": _("Normalised gain"),
        "d_z": "d_z",
        "ci_low": _("95 % CI, lower bound"),
        "ci_high": _("95 % CI, upper bound"),
        "p_value": _("p-value"),
        "test": _("Test"),
        "celebrations_change": _("Change in celebrations"),
    }


def _breakdowns() -> dict[str, str]:
    return {
        "region": _("Region"),
        "year": _("Year"),
        "member_state": _("Member state"),
        "module": _("Module"),
        "age_band": _("Age band"),
    }


def _quality_labels() -> dict[str, str]:
    return {
        "attendance": _("Attendance of the COP sessions"),
        "responses_pre": _("Counted pre responses"),
        "responses_post": _("Counted post responses"),
        "pairs": _("Paired participants"),
        "unpaired_pre": _("Unpaired pre responses"),
        "unpaired_post": _("Unpaired post responses"),
        "repeats": _("Repeated submissions not counted"),
        "response_rate": _("Response rate (pre responses / attendance)"),
        "pairing_rate": _("Pairing rate (pairs / pre responses)"),
    }


def sheets(figures: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The XLSX's data sheets ``(name, header, rows)`` in the active language: reach, the
    three measures and data quality, each breakdown's rows under one header."""
    headers, breakdowns = _headers(), _breakdowns()
    totals = {"total": _("Total"), "overall": _("Overall")}
    subjects = (
        ("reach_by_", _("Reach")),
        ("impact_knowledge_by_", _("Knowledge")),
        ("impact_self_efficacy_by_", _("Self-efficacy")),
        ("impact_intention_by_", _("Intention")),
    )
    grouped: dict[str, tuple[list[str], list[list[Any]]]] = {}
    quality_rows: list[list[Any]] = []
    comparison_sheet = None
    policy_sheets: list[tuple[str, list[str], list[list[Any]]]] = []
    for name, header, rows in tables(figures):
        if name.startswith("policy_"):
            policy_sheets.append((name, header, rows))
            continue
        if name == "comparison":
            labels = _comparison_labels()
            comparison_sheet = (
                _("Comparison"),  # a sheet name: 31 characters at most, no "/"
                [_("Indicator"), _("This report"), header[2], _("Change")],
                [[labels.get(row[0], row[0]), *row[1:]] for row in rows],
            )
            continue
        if name == "data_quality":
            labels = _quality_labels()
            quality_rows = [[labels.get(key, key), value] for key, value in rows]
            continue
        prefix = next(prefix for prefix, _title in subjects if name.startswith(prefix))
        breakdown = breakdowns[name[len(prefix) :]]
        columns = [column for column in header[1:] if column != "region"]
        sheet_header, body = grouped.setdefault(
            prefix,
            (
                [_("Breakdown"), _("Group")]
                + ([_("Region")] if prefix == "reach_by_" else [])
                + [headers[column] for column in columns],
                [],
            ),
        )
        for row in rows:
            values = dict(zip(header[1:], row[1:], strict=True))
            label = totals.get(row[0], row[0]) if row is rows[-1] else row[0]
            body.append(
                [breakdown, label]
                + ([values.get("region", "")] if prefix == "reach_by_" else [])
                + [values[column] for column in columns]
            )
    result = [(title, *grouped[prefix]) for prefix, title in subjects if prefix in grouped]
    if comparison_sheet:
        result.append(comparison_sheet)
    result.extend(policy_section.sheets(policy_sheets))
    result.append((_("Data quality"), [_("Indicator"), _("Value")], quality_rows))
    return result


def annex_xlsx(report) -> bytes:
    """A first sheet naming the report and the suppression rule, then the data sheets, all
    in the report's language."""
    workbook = Workbook()
    about = workbook.active
    with translation.override(report.language):
        about.title = _("Report")
        about.append([_("Document number"), neutralise(report.document_number)])
        about.append([_("Meeting"), neutralise(report.meeting_name)])
        about.append([_("Data cut-off (UTC)"), report.data_cutoff.isoformat()])
        about.append([_("SHA-256 of the PDF"), report.sha256])
        about.append(
            [
                _("Suppression"),
                _(
                    'Counts below %(limit)s are shown as "<%(limit)s" and left out of every '
                    "total; statistics are rounded as in the PDF."
                )
                % {"limit": report.figures.get("threshold")},
            ]
        )
        for name, header, rows in sheets(report.figures):
            sheet = workbook.create_sheet(name)
            sheet.append(header)
            for row in rows:
                sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
