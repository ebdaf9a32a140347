"""Spreadsheets the portal writes: the import template and the export of celebrations.

Every text cell passes through :func:`events.columns.neutralise`, so a value such as
``=HYPERLINK(...)`` is shown as text and never run as a formula.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from copgirls.names import collation_key, member_state_name, name_of, region_name
from copgirls.tables import XLSX_CONTENT_TYPE, csv_stream, xlsx_bytes  # noqa: F401 -- re-exported
from events.columns import (
    EXPORT_NAMES,
    EXPORT_ONLY_COLUMNS,
    IMPORT_COLUMNS,
    IMPORT_NAMES,
    LABEL_COLUMNS,
    LIST_SEPARATOR,
    example_row,
    neutralise,
)
from events.labels import label_of
from events.models import FIRST_GIRLS_IN_ICT_YEAR, girls_in_ict_day

_CHOICES = {column.name: column.choices for column in IMPORT_COLUMNS if column.choices}


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
        "member_state_name": member_state_name(
            row["member_state__iso2"], row["member_state__name"]
        ),
        "region": region_name(row["member_state__region__name"]),
        "cop_sessions": row["session_count"],
        "integrates_cop": "yes" if row["session_count"] else "no",
    }
    for name, coded in LABEL_COLUMNS.items():
        choices = _CHOICES[coded]
        if coded == "target_age_bands":
            values[name] = LIST_SEPARATOR.join(label_of(choices, code) for code in row[coded] or [])
        else:
            values[name] = label_of(choices, row[coded])
    return [neutralise(values[name]) for name in EXPORT_NAMES]


def _example(states: list[Any]) -> dict[str, Any]:
    first = states[0] if states else None
    name = name_of(first) if first is not None else "KE"
    return example_row(name, girls_in_ict_day(timezone.localdate().year))


def template_rows(states: list[Any]) -> tuple[list[str], list[list[Any]]]:
    """The CSV template: the columns and the example row (labels, a day-first date)."""
    example = _example(states)
    for name in ("start_date", "end_date"):
        example[name] = example[name].strftime("%d/%m/%Y")
    return list(IMPORT_NAMES), [[example[name] for name in IMPORT_NAMES]]


#: Rows of the template's first sheet that get the drop-down lists and date cells.
TEMPLATE_ROWS = 2000


def template_xlsx(states: list[Any]) -> bytes:
    """The import template in the active language.

    The first sheet has the columns and the example row; coded columns offer drop-down
    lists of their labels (the member states the user may register, sorted as her language
    sorts them), and the date columns hold real date cells with a date check. A second
    sheet explains the columns; a hidden third one holds the lists.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    header = list(IMPORT_NAMES)
    example = _example(states)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "celebrations"
    sheet.append(header)
    sheet.append([example[name] for name in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("columns"))
    guide.append([_("column"), _("required"), _("meaning"), _("allowed values")])
    for column in IMPORT_COLUMNS + EXPORT_ONLY_COLUMNS:
        guide.append(
            [
                column.name,
                _("yes") if column.required else _("no"),
                str(column.help),
                ", ".join(label for _code, label in column.allowed),
            ]
        )
    lists = workbook.create_sheet("lists")
    lists.sheet_state = "hidden"
    values = {
        column.name: [label for _code, label in column.allowed]
        for column in IMPORT_COLUMNS
        if column.choices is not None
    }
    values["member_state"] = sorted((name_of(state) for state in states), key=collation_key)
    last_row = TEMPLATE_ROWS + 1
    for index, (name, labels) in enumerate(values.items(), start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=name)
        for row, label in enumerate(labels, start=2):
            lists.cell(row=row, column=index, value=label)
        source = f"={quote_sheetname(lists.title)}!${letter}$2:${letter}${len(labels) + 1}"
        several = name == "target_age_bands"  # "13–18;19–24": the list offers one at a time
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            showErrorMessage=not several,
            errorTitle=str(_("Not in the list")),
            error=str(_("Choose a value from the list.")),
        )
        target = get_column_letter(header.index(name) + 1)
        validation.add(f"{target}2:{target}{last_row}")
        sheet.add_data_validation(validation)
    first, last = (
        datetime.date(FIRST_GIRLS_IN_ICT_YEAR, 1, 1),
        datetime.date(timezone.localdate().year + 1, 12, 31),
    )
    dates = DataValidation(
        type="date",
        operator="between",
        formula1=str((first - EXCEL_EPOCH).days),
        formula2=str((last - EXCEL_EPOCH).days),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=str(_("Not a date")),
        error=str(
            _("Type a date from %(first)s to %(last)s.")
            % {"first": FIRST_GIRLS_IN_ICT_YEAR, "last": last.year}
        ),
    )
    for name in ("start_date", "end_date"):
        target = get_column_letter(header.index(name) + 1)
        dates.add(f"{target}2:{target}{last_row}")
        for row in range(2, last_row + 1):
            sheet[f"{target}{row}"].number_format = DATE_CELL_FORMAT
    sheet.add_data_validation(dates)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


#: Dates in the template are shown year first: the one order nobody reads two ways.
DATE_CELL_FORMAT = "yyyy-mm-dd"
#: Excel's day 0 (its serial dates count from here; 1900 is wrongly a leap year in it).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
