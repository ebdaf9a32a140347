"""The data annex: the report's stored, suppressed figures as CSV and XLSX tables.

Built from ``Report.figures`` only — the same suppressed aggregates the PDF shows, so a
withheld cell is "<10" or "x" here too and its statistics are empty.
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

STAT_COLUMNS = ("mean_pre", "mean_post", "gain", "hake", "d_z", "ci_low", "ci_high", "p_value")
REACH_COLUMNS = ("celebrations", "member_states", "girls", "sessions", "with_cop", "share_cop")


def _value(value: Any) -> Any:
    if isinstance(value, dict):  # a suppressed count cell
        return value["display"]
    if isinstance(value, float):
        return round(value, 6)
    return "" if value is None else value


def tables(figures: dict[str, Any]) -> Iterator[tuple[str, list[str], list[list[Any]]]]:
    """``(name, header, rows)`` for every table of the report."""
    reach = figures["reach"]
    for name, rows, first in (
        ("reach_by_region", reach["by_region"], "region"),
        ("reach_by_year", reach["by_year"], "year"),
        ("reach_by_member_state", reach["by_member_state"], "member_state"),
    ):
        extra = ["region"] if name == "reach_by_member_state" else []
        header = [first, *extra, *REACH_COLUMNS]
        body = [
            [row["label"], *(row[key] for key in extra), *(_value(row[c]) for c in REACH_COLUMNS)]
            for row in [*rows, {**reach["total"], "label": "total", "region": ""}]
        ]
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
                        *(_value(stats.get(column)) for column in STAT_COLUMNS),
                        stats.get("test", ""),
                    ]
                )
            yield f"impact_{measure}_by_{breakdown}", header, body
    yield (
        "data_quality",
        ["indicator", "value"],
        [[key, _value(value)] for key, value in figures["quality"].items()],
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


def annex_xlsx(report) -> bytes:
    """One sheet per table, a first sheet naming the report and the suppression rule."""
    workbook = Workbook()
    about = workbook.active
    with translation.override(report.language):
        about.title = "report"
        about.append([_("Document number"), neutralise(report.document_number)])
        about.append([_("Meeting"), neutralise(report.meeting_name)])
        about.append([_("Data cut-off (UTC)"), report.data_cutoff.isoformat()])
        about.append([_("SHA-256 of the PDF"), report.sha256])
        about.append(
            [
                _("Suppression"),
                _(
                    'Counts below %(limit)s are shown as "<%(limit)s"; '
                    '"x" is withheld to protect them.'
                )
                % {"limit": report.figures.get("threshold")},
            ]
        )
    for name, header, rows in tables(report.figures):
        sheet = workbook.create_sheet(name[:31])
        sheet.append(header)
        for row in rows:
            sheet.append([neutralise(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
