"""Spreadsheets the portal writes: the import template and the export of celebrations.

Every text cell passes through :func:`events.columns.neutralise`, so a value such as
``=HYPERLINK(...)`` is shown as text and never run as a formula.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from copgirls.tables import XLSX_CONTENT_TYPE, csv_stream, xlsx_bytes  # noqa: F401 -- re-exported
from events.columns import (
    EXAMPLE_ROW,
    EXPORT_NAMES,
    EXPORT_ONLY_COLUMNS,
    IMPORT_COLUMNS,
    IMPORT_NAMES,
    LIST_SEPARATOR,
    neutralise,
)


def export_record(row: dict[str, Any]) -> list[Any]:
    """One exported celebration in the order of :data:`EXPORT_NAMES`."""
    values = {
        "member_state": row["member_state__iso2"],
        "organiser_reference": row["organiser_reference"],
        "title": row["title"],
        "city": row["city"],
        "organiser": row["organiser"],
        "organiser_type": row["organiser_type"],
        "format": row["format"],
        "activity_type": row["activity_type"],
        "start_date": row["start_date"].isoformat(),
        "end_date": row["end_date"].isoformat(),
        "target_age_bands": LIST_SEPARATOR.join(row["target_age_bands"] or []),
        "expected_girls": row["expected_girls"],
        "actual_girls": "" if row["actual_girls"] is None else row["actual_girls"],
        "languages": LIST_SEPARATOR.join(row["languages"] or []),
        "description": row["description"],
        "link": row["link"],
        "status": row["status"],
        "member_state_name": row["member_state__name"],
        "region": row["member_state__region__name"],
        "cop_sessions": row["session_count"],
        "integrates_cop": "yes" if row["session_count"] else "no",
    }
    return [neutralise(values[name]) for name in EXPORT_NAMES]


def template_rows() -> tuple[list[str], list[list[Any]]]:
    return list(IMPORT_NAMES), [[EXAMPLE_ROW[name] for name in IMPORT_NAMES]]


def template_xlsx() -> bytes:
    """The import template: the columns with an example row, and a sheet explaining them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, rows = template_rows()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "celebrations"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    guide = workbook.create_sheet(_("columns"))
    guide.append([_("column"), _("required"), _("meaning"), _("allowed values")])
    for column in IMPORT_COLUMNS + EXPORT_ONLY_COLUMNS:
        guide.append(
            [
                column.name,
                _("yes") if column.required else _("no"),
                str(column.help),
                ", ".join(column.allowed),
            ]
        )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
