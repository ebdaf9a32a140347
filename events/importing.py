"""Reading and validating a celebrations spreadsheet (CSV or XLSX) before anything is written.

:func:`read_table` turns an upload into a header and rows of text, or refuses the file as
a whole (:class:`ImportRefused`); :func:`validate_rows` checks every row and column and
returns the celebrations to write or the list of :class:`RowError`. Writing is
:func:`events.services.events_import`'s job.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from copgirls.spreadsheets import Limits, SpreadsheetRefused, bounded_csv_rows, xlsx_rows
from events.columns import (
    EXPORT_NAMES,
    IMPORT_COLUMNS,
    IMPORT_NAMES,
    LIST_SEPARATOR,
    REQUIRED_NAMES,
)
from events.models import FIRST_GIRLS_IN_ICT_YEAR, Event, EventStatus

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
DESCRIPTION_MAX = Event._meta.get_field("description").max_length
#: At most this many row errors are listed; the count of the rest is given.
MAX_LISTED_ERRORS = 200


class ImportRefused(Exception):
    """The file as a whole cannot be read (type, encoding, size, header)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class Table:
    """The header and the non-empty rows; ``numbers`` are the rows' numbers in the file.

    Row numbers count every row of the spreadsheet, empty ones and those above the header
    included, so an error points at the row the user sees.
    """

    header: list[str]
    rows: list[list[Any]]
    kind: str  # "csv" or "xlsx"
    numbers: list[int] = field(default_factory=list)


@dataclass
class Validated:
    """The outcome of validating a whole table: celebrations to write, or errors."""

    events: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def add(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_ERRORS:
            self.errors.append(RowError(row, column, message))


# --- Reading the file --------------------------------------------------------------------


def read_table(upload) -> Table:
    """Header and rows of an uploaded CSV or XLSX file, or :class:`ImportRefused`."""
    max_bytes = settings.EVENTS_IMPORT_MAX_BYTES
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size == 0:
        raise ImportRefused(_("The file is empty."))
    if upload.size > max_bytes:
        raise ImportRefused(
            _("The file is %(size)s bytes; the largest accepted is %(max)s bytes.")
            % {"size": number_format(upload.size), "max": number_format(max_bytes)}
        )
    upload.seek(0)
    content = upload.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise ImportRefused(
            _("The file is larger than %(max)s bytes.") % {"max": number_format(max_bytes)}
        )
    if not content.strip():
        raise ImportRefused(_("The file is empty."))
    looks_like_zip = content[:4] == b"PK\x03\x04"
    if name.endswith(".xlsx"):
        if not looks_like_zip:
            raise ImportRefused(
                _("The file is named .xlsx but is not an Excel workbook (XLSX). Save it again.")
            )
        table = _read_xlsx(content)
    elif name.endswith(".csv"):
        if looks_like_zip or b"\x00" in content[:4096]:
            raise ImportRefused(
                _(
                    "The file is named .csv but is not a text file: save it as "
                    "'CSV UTF-8 (comma delimited)' or upload it as .xlsx."
                )
            )
        table = _read_csv(content)
    else:
        raise ImportRefused(
            _("Only CSV (.csv) and Excel workbook (.xlsx) files can be imported, not %(name)s.")
            % {"name": getattr(upload, "name", "") or _("a file without a name")}
        )
    _check_table(table)
    return table


def _too_many_rows() -> ImportRefused:
    return ImportRefused(
        _("The file has more than %(max)s rows of celebrations; split it into smaller files.")
        % {"max": number_format(settings.EVENTS_IMPORT_MAX_ROWS, force_grouping=True)}
    )


def _read_csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportRefused(
            _(
                "The file is not UTF-8 text (byte 0x%(byte)02X on line %(line)s). In your "
                "spreadsheet, save it as 'CSV UTF-8 (comma delimited)'."
            )
            % {"byte": content[exc.start], "line": line}
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    limit = settings.EVENTS_IMPORT_MAX_ROWS
    rows: list[list[Any]] = []
    numbers: list[int] = []
    header: list[str] | None = None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    first_line = 1  # the line the record being read starts on
    try:
        # A record is one spreadsheet row, even when a quoted cell spans several lines.
        records = bounded_csv_rows(reader, Limits.from_settings())
        for number, row in enumerate(records, start=1):
            first_line = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = row
                continue
            rows.append(row)
            numbers.append(number)
            if len(rows) > limit:
                raise _too_many_rows()
    except csv.Error as exc:
        raise ImportRefused(csv_problem(exc, first_line=first_line, line=reader.line_num)) from None
    except SpreadsheetRefused as refused:
        raise ImportRefused(refused.message) from None
    return Table([cell.strip() for cell in header or []], rows, "csv", numbers)


def _read_xlsx(content: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ImportRefused(_("The file is not a valid Excel workbook (XLSX).")) from None
    with archive:
        if "xl/workbook.xml" not in archive.NameToInfo:
            raise ImportRefused(
                _("The file is a ZIP archive but not an Excel workbook (XLSX): save it as .xlsx.")
            )
        limit = settings.EVENTS_IMPORT_MAX_ROWS
        rows: list[list[Any]] = []
        numbers: list[int] = []
        header: list[str] | None = None
        try:
            for number, values in xlsx_rows(archive, Limits.from_settings()):
                if not any(_cell_text(value).strip() for value in values):
                    continue
                if header is None:
                    header = [_cell_text(value).strip() for value in values]
                    while header and not header[-1]:
                        header.pop()
                    continue
                rows.append(values)
                numbers.append(number)
                if len(rows) > limit:
                    raise _too_many_rows()
        except SpreadsheetRefused as refused:
            raise ImportRefused(refused.message) from None
    return Table(header or [], rows, "xlsx", numbers)


def csv_problem(exc: csv.Error, *, first_line: int, line: int) -> str:
    """What :mod:`csv` could not read, in the user's language (its own text is English).

    ``first_line`` is where the record began, ``line`` where the reader stopped: a quoted
    cell that is never closed runs to the end of the file, so it is named by its start.
    """
    problem = str(exc)
    if "field limit" in problem:
        return _(
            "The CSV file cannot be read on line %(line)s: a cell is longer than %(max)s "
            "characters."
        ) % {"line": line, "max": number_format(csv.field_size_limit(), force_grouping=True)}
    if "unexpected end of data" in problem:
        return _(
            "The CSV file cannot be read from line %(line)s: a quotation mark opens a cell that "
            'is never closed. Check the quotation marks (") on that line.'
        ) % {"line": first_line}
    if first_line < line:
        return _(
            "The CSV file cannot be read on lines %(first)s to %(line)s: a quotation mark is "
            'misplaced. Check the quotation marks (") from line %(first)s.'
        ) % {"first": first_line, "line": line}
    if "expected after" in problem:
        return _(
            "The CSV file cannot be read on line %(line)s: a quotation mark in the middle of a "
            'cell. Put the whole cell in quotation marks and double the ones inside ("").'
        ) % {"line": line}
    return _(
        "The CSV file cannot be read on line %(line)s: save it again as 'CSV UTF-8 (comma "
        "delimited)'."
    ) % {"line": line}


def _check_table(table: Table) -> None:
    if not table.header or not any(table.header):
        raise ImportRefused(_("The file is empty."))
    known = set(EXPORT_NAMES)
    missing = [name for name in IMPORT_NAMES if name not in table.header]
    extra = [name for name in table.header if name not in known]
    duplicated = sorted({name for name in table.header if name and table.header.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("missing columns: %(names)s") % {"names": ", ".join(missing)})
    if extra:
        shown = ", ".join(f"'{name}'" if name else _("(a column without a name)") for name in extra)
        problems.append(_("unknown columns: %(names)s") % {"names": shown})
    if duplicated:
        problems.append(_("repeated columns: %(names)s") % {"names": ", ".join(duplicated)})
    if problems:
        raise ImportRefused(
            _("The header row does not match the template (%(problems)s). Download the template.")
            % {"problems": "; ".join(problems)}
        )
    if not table.rows:
        raise ImportRefused(_("The file has a header row but no celebrations."))


# --- Validating the rows -------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell_text(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _whole_number(value: Any) -> int | None:
    text = _cell_text(value).strip()
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValueError
    return int(text)


def validate_rows(table: Table, *, member_states: dict[str, Any], allowed_state_ids) -> Validated:
    """Check every cell of every row; return celebrations ready to write, or every error.

    ``member_states`` maps upper-case alpha-2 and alpha-3 codes to member states;
    ``allowed_state_ids`` are those the importing user may register celebrations for.
    Row numbers are the spreadsheet's (:attr:`Table.numbers`).
    """
    result = Validated()
    index = {name: table.header.index(name) for name in IMPORT_NAMES}
    allowed = {column.name: column.allowed for column in IMPORT_COLUMNS if column.allowed}
    last_year = timezone.localdate().year + 1
    seen_keys: dict[tuple[int, int, str], int] = {}
    for row_number, raw in zip(table.numbers, table.rows, strict=True):
        cells = {name: raw[i] if i < len(raw) else None for name, i in index.items()}
        text = {name: _cell_text(value).strip() for name, value in cells.items()}
        errors_before = result.error_count
        for name, value in text.items():
            if "\x00" in value:
                result.add(row_number, name, _("contains a character that is not text (NUL)"))
        for name in REQUIRED_NAMES:
            if not text[name]:
                result.add(row_number, name, _("a value is required"))
        for name, choices in allowed.items():
            if name == "target_age_bands":
                values = [part.strip() for part in text[name].split(LIST_SEPARATOR)]
            else:
                values = [text[name]]
            for value in values:
                if value and value not in choices:
                    result.add(
                        row_number,
                        name,
                        _("'%(value)s' is not one of: %(allowed)s")
                        % {"value": value, "allowed": ", ".join(choices)},
                    )
        state = None
        if text["member_state"]:
            state = member_states.get(text["member_state"].upper())
            if state is None:
                result.add(
                    row_number,
                    "member_state",
                    _("'%(value)s' is not the ISO code of an ITU member state")
                    % {"value": text["member_state"]},
                )
            elif state.pk not in allowed_state_ids:
                result.add(
                    row_number,
                    "member_state",
                    _("you may not register celebrations for %(state)s") % {"state": state.name},
                )
        dates: dict[str, datetime.date | None] = {}
        for name in ("start_date", "end_date"):
            if not text[name]:
                dates[name] = None
                continue
            dates[name] = _date(cells[name])
            if dates[name] is None:
                result.add(
                    row_number,
                    name,
                    _("'%(value)s' is not a date (write it as YYYY-MM-DD)") % {"value": text[name]},
                )
            elif not FIRST_GIRLS_IN_ICT_YEAR <= dates[name].year <= last_year:
                result.add(
                    row_number,
                    name,
                    _("'%(value)s' is outside %(first)s to %(last)s")
                    % {"value": text[name], "first": FIRST_GIRLS_IN_ICT_YEAR, "last": last_year},
                )
        start, end = dates["start_date"], dates["end_date"] or dates["start_date"]
        if start and end and end < start and result.error_count == errors_before:
            result.add(
                row_number,
                "end_date",
                _("the end date %(end)s is before the start date %(start)s")
                % {"end": end.isoformat(), "start": start.isoformat()},
            )
        numbers: dict[str, int | None] = {}
        for name in ("expected_girls", "actual_girls"):
            numbers[name] = None
            if text[name]:
                try:
                    numbers[name] = _whole_number(cells[name])
                except ValueError:
                    result.add(
                        row_number,
                        name,
                        _("'%(value)s' is not a whole number of 0 or more") % {"value": text[name]},
                    )
        languages = [part.strip().lower() for part in text["languages"].split(LIST_SEPARATOR)]
        languages = [code for code in languages if code]
        for code in languages:
            if not LANGUAGE_CODE.match(code):
                result.add(
                    row_number,
                    "languages",
                    _("'%(value)s' is not a language code such as en or fr") % {"value": code},
                )
        # A TextField's max_length is no validator of the model (only forms check it).
        try:
            MaxLengthValidator(DESCRIPTION_MAX)(text["description"])
        except ValidationError as exc:
            result.add(row_number, "description", exc.messages[0])
        if result.error_count != errors_before:
            continue
        data = {
            "member_state": state,
            "organiser_reference": text["organiser_reference"],
            "title": text["title"],
            "city": text["city"],
            "organiser": text["organiser"],
            "organiser_type": text["organiser_type"],
            "format": text["format"],
            "activity_type": text["activity_type"],
            "start_date": start,
            "end_date": end,
            "target_age_bands": [
                band.strip()
                for band in text["target_age_bands"].split(LIST_SEPARATOR)
                if band.strip()
            ],
            "expected_girls": numbers["expected_girls"] or 0,
            "actual_girls": numbers["actual_girls"],
            "languages": languages,
            "description": text["description"],
            "link": text["link"],
            # Empty: a new celebration is a draft; an existing one keeps its status.
            "status": text["status"] or None,
        }
        try:
            event = Event(
                **{**data, "status": data["status"] or EventStatus.DRAFT}, year=start.year
            )
            # The member state is checked above; excluding it spares a query per row.
            event.clean_fields(exclude=["member_state", "pairing_secret", "created_by", "year"])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    result.add(row_number, name, message)
            continue
        key = (state.pk, start.year, data["organiser_reference"])
        if key in seen_keys:
            result.add(
                row_number,
                "organiser_reference",
                _("'%(reference)s' for %(state)s in %(year)s is already on row %(row)s")
                % {
                    "reference": data["organiser_reference"],
                    "state": state.iso2,
                    "year": start.year,
                    "row": seen_keys[key],
                },
            )
            continue
        seen_keys[key] = row_number
        data["row"] = row_number
        result.events.append(data)
    return result
