"""Tables in and out. Reading an uploaded table (CSV or XLSX) before anything is written:
the file as a whole is read or refused (:class:`ImportRefused`); each app then validates
the rows and lists every bad one (:class:`RowError`); the parsing limits are
:mod:`copgirls.spreadsheets`'. Writing one: CSV streamed with a byte-order mark, XLSX with
every text cell a string, never a formula (:func:`neutralise`). The celebrations and the
COP policy records share both.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from copgirls.spreadsheets import Limits, SpreadsheetRefused, bounded_csv_rows, xlsx_rows


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


def read_table(upload, *, max_bytes: int, max_rows: int, too_many_rows: str) -> Table:
    """Header and rows of an uploaded CSV or XLSX file, or :class:`ImportRefused`.

    ``too_many_rows`` is the message for a file of more than ``max_rows`` rows (it names
    what the rows are: celebrations, instruments).
    """
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
        table = _read_xlsx(content, max_rows, too_many_rows)
    elif name.endswith(".csv"):
        if looks_like_zip or b"\x00" in content[:4096]:
            raise ImportRefused(
                _(
                    "The file is named .csv but is not a text file: save it as "
                    "'CSV UTF-8 (comma delimited)' or upload it as .xlsx."
                )
            )
        table = _read_csv(content, max_rows, too_many_rows)
    else:
        raise ImportRefused(
            _("Only CSV (.csv) and Excel workbook (.xlsx) files can be imported, not %(name)s.")
            % {"name": getattr(upload, "name", "") or _("a file without a name")}
        )
    return table


def _read_csv(content: bytes, limit: int, too_many_rows: str) -> Table:
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
                raise ImportRefused(too_many_rows)
    except csv.Error as exc:
        raise ImportRefused(csv_problem(exc, first_line=first_line, line=reader.line_num)) from None
    except SpreadsheetRefused as refused:
        raise ImportRefused(refused.message) from None
    return Table([cell.strip() for cell in header or []], rows, "csv", numbers)


def _read_xlsx(content: bytes, limit: int, too_many_rows: str) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise ImportRefused(_("The file is not a valid Excel workbook (XLSX).")) from None
    with archive:
        if "xl/workbook.xml" not in archive.NameToInfo:
            raise ImportRefused(
                _("The file is a ZIP archive but not an Excel workbook (XLSX): save it as .xlsx.")
            )
        rows: list[list[Any]] = []
        numbers: list[int] = []
        header: list[str] | None = None
        try:
            for number, values in xlsx_rows(archive, Limits.from_settings()):
                if not any(cell_text(value).strip() for value in values):
                    continue
                if header is None:
                    header = [cell_text(value).strip() for value in values]
                    while header and not header[-1]:
                        header.pop()
                    continue
                rows.append(values)
                numbers.append(number)
                if len(rows) > limit:
                    raise ImportRefused(too_many_rows)
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


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


# --- Writing -----------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: object) -> object:
    """A cell value safe to open in a spreadsheet: text starting a formula gets a leading '."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(header: list[str], records: Iterable[list[Any]]) -> Iterator[str]:
    """CSV lines (UTF-8 with a byte-order mark, so spreadsheets detect the encoding)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for record in records:
        yield writer.writerow(record)


def xlsx_bytes(header: list[str], records: Iterable[list[Any]], *, sheet: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(header)
    for record in records:
        cells = []
        for value in record:
            cell = WriteOnlyCell(worksheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            cells.append(cell)
        worksheet.append(cells)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
