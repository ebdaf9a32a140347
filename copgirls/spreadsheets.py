"""Reading uploaded spreadsheets within bounds: rows, columns, expanded size and time.

An upload is data from outside. A workbook's ``<dimension ref="A1:XFD1048576"/>`` or one
cell in its last column must not make the portal build a million rows of 16,384 cells,
and a ZIP archive must not expand to gigabytes (a zip bomb). So this module never trusts
the sizes a file claims for itself:

- :func:`xlsx_rows` reads the first sheet of a workbook cell by cell, as the XML streams
  out of the archive, yielding only the rows and cells that exist; no cell beyond
  :attr:`Limits.columns` is kept and a value there refuses the file; the archive's members
  are refused when their declared sizes add up to more than
  :attr:`Limits.uncompressed_bytes`, and reading stops at that many bytes whatever the
  members declare.
- :func:`bounded_csv_rows` wraps a :func:`csv.reader` with the same column and time bounds.

Both raise :class:`SpreadsheetRefused` with a message in the user's language naming the
limit that was reached. Neither counts rows: what a row is (a blank one, the header) is
the importer's business; each importer stops at its own row limit while it reads.
"""

from __future__ import annotations

import datetime
import re
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from posixpath import dirname, join, normpath
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL, _ROW, _VALUE = f"{_MAIN}c", f"{_MAIN}row", f"{_MAIN}v"
_INLINE, _TEXT, _RUN = f"{_MAIN}is", f"{_MAIN}t", f"{_MAIN}r"
_STRING_ITEM = f"{_MAIN}si"
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
_CHUNK = 64 * 1024
#: The largest sheet a workbook may have (Excel's own limits): a file beyond is damaged.
MAX_XLSX_ROWS, MAX_XLSX_COLUMNS = 1_048_576, 16_384
#: The deadline is looked at every this many cells (and every chunk of XML).
_CHECK_EVERY = 1024


class SpreadsheetRefused(Exception):
    """The file cannot be read within the limits, or is not a readable spreadsheet."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _damaged() -> SpreadsheetRefused:
    return SpreadsheetRefused(_("The Excel workbook is damaged and cannot be read."))


@dataclass(frozen=True)
class Limits:
    """How much of an upload is read; :meth:`from_settings` gives the portal's limits."""

    columns: int
    uncompressed_bytes: int
    seconds: float

    @classmethod
    def from_settings(cls, *, columns: int | None = None) -> Limits:
        return cls(
            columns=columns or settings.IMPORT_MAX_COLUMNS,
            uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            seconds=settings.IMPORT_MAX_SECONDS,
        )

    def deadline(self) -> Deadline:
        return Deadline(self.seconds)


class Deadline:
    """Refuses the file once reading it has taken longer than the limit."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            raise SpreadsheetRefused(
                _(
                    "Reading the file took longer than %(seconds)s seconds, the most an import "
                    "may take; split it into smaller files."
                )
                % {"seconds": number_format(self.seconds)}
            )


def _beyond_columns(limits: Limits, *, cell: str) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _(
            "The file has a value in cell %(cell)s, beyond column %(last)s: an import reads at "
            "most %(max)s columns. Delete what is beyond column %(last)s, or copy the rows "
            "into a new sheet."
        )
        % {
            "cell": cell,
            "last": get_column_letter(limits.columns),
            "max": number_format(limits.columns),
        }
    )


# --- CSV -------------------------------------------------------------------------------------


def bounded_csv_rows(
    reader: Iterable[list[str]], limits: Limits, deadline: Deadline | None = None
) -> Iterator[list[str]]:
    """The reader's records, cut to :attr:`Limits.columns`; a value beyond them refuses.

    Empty cells beyond the limit (a spreadsheet saved as CSV may end its lines with
    commas) are dropped. :func:`csv.reader` reads a whole record before it yields it, so
    a line of millions of cells costs one record's parsing (C code, well under a second
    for the largest upload) and is refused before anything looks at its cells one by one.
    """
    deadline = deadline or limits.deadline()
    for number, record in enumerate(reader, start=1):
        if len(record) > limits.columns:
            if "".join(record[limits.columns :]).strip():
                first = next(
                    index for index in range(limits.columns, len(record)) if record[index].strip()
                )
                raise _beyond_columns(limits, cell=f"{get_column_letter(first + 1)}{number}")
            record = record[: limits.columns]
        if number % _CHECK_EVERY == 0:
            deadline.check()
        yield record


# --- XLSX ------------------------------------------------------------------------------------


class _Budget:
    """The bytes the archive may still expand to, shared by every member read."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.left = limits.uncompressed_bytes

    def spend(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise _too_large(self.limits)


def _too_large(limits: Limits) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _(
            "The workbook expands to more than %(max)s MB of data, the most an import reads; "
            "save it again without images or other sheets, or split it into smaller files."
        )
        % {"max": number_format(limits.uncompressed_bytes / 1024 / 1024, decimal_pos=0)}
    )


def _elements(
    archive: zipfile.ZipFile,
    name: str,
    budget: _Budget,
    deadline: Deadline,
    events: tuple[str, ...] = ("start", "end"),
) -> Iterator[tuple[str, Element]]:
    """``(event, element)`` of one XML member, streamed in chunks under the budget.

    A sheet is read with ``end`` events only: the start events would double its cost.

    Expat (2.4 and later) refuses entity expansion attacks ("billion laughs") on its own
    and ElementTree never fetches external entities.
    """
    parser = XMLPullParser(events=events)
    try:
        with archive.open(name) as stream:
            while chunk := _read(stream):
                budget.spend(len(chunk))
                deadline.check()
                parser.feed(chunk)
                yield from parser.read_events()
            parser.close()
            yield from parser.read_events()
    except (ParseError, zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise _damaged() from None
    except (RuntimeError, NotImplementedError):  # encrypted, or compressed in another way
        raise _damaged() from None


def _read(stream: IO[bytes]) -> bytes:
    return stream.read(_CHUNK)


def _part(base: str, target: str) -> str:
    """The archive name of a relationship's target, relative to the part ``base``."""
    if target.startswith("/"):
        return target.lstrip("/")
    return normpath(join(dirname(base), target))


def _relationships(
    archive: zipfile.ZipFile, part: str, budget: _Budget, deadline: Deadline
) -> dict[str, tuple[str, str]]:
    """``{id: (type, archive name)}`` of the relationships of ``part``."""
    name = join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")
    if name not in archive.NameToInfo:
        return {}
    found = {}
    for event, element in _elements(archive, name, budget, deadline):
        if event == "end" and element.tag == f"{_RELATIONSHIPS}Relationship":
            target = element.get("Target", "")
            found[element.get("Id", "")] = (element.get("Type", ""), _part(part, target))
    return found


def _first_sheet(
    archive: zipfile.ZipFile, budget: _Budget, deadline: Deadline
) -> tuple[str, datetime.datetime, dict[str, tuple[str, str]]]:
    """The first sheet's archive name, the workbook's date epoch and its relationships."""
    workbook = "xl/workbook.xml"
    sheet_id = None
    epoch = WINDOWS_EPOCH
    for event, element in _elements(archive, workbook, budget, deadline):
        if event != "end":
            continue
        if element.tag == f"{_MAIN}workbookPr" and element.get("date1904") in {"1", "true"}:
            epoch = MAC_EPOCH
        elif element.tag == f"{_MAIN}sheet" and sheet_id is None:
            sheet_id = element.get(_OFFICE_RELATIONSHIP)
    relationships = _relationships(archive, workbook, budget, deadline)
    if sheet_id not in relationships or relationships[sheet_id][1] not in archive.NameToInfo:
        raise _damaged()
    return relationships[sheet_id][1], epoch, relationships


def _text(element: Element) -> str:
    """The text of a string item or inline string: its runs, without phonetic guides."""
    parts = []
    for child in element:
        if child.tag == _TEXT:
            parts.append(child.text or "")
        elif child.tag == _RUN:
            parts.extend(run.text or "" for run in child if run.tag == _TEXT)
    return "".join(parts)


def _shared_strings(
    archive: zipfile.ZipFile, name: str | None, budget: _Budget, deadline: Deadline
) -> list[str]:
    if name is None or name not in archive.NameToInfo:
        return []
    strings: list[str] = []
    root = None
    for event, element in _elements(archive, name, budget, deadline):
        if root is None:
            root = element
        if event == "end" and element.tag == _STRING_ITEM:
            strings.append(_text(element))
            element.clear()
            root.remove(element)  # its only child left: the list stays short
            if len(strings) % _CHECK_EVERY == 0:
                deadline.check()
    return strings


def _date_styles(
    archive: zipfile.ZipFile, name: str | None, budget: _Budget, deadline: Deadline
) -> set[int]:
    """Indexes of the cell styles whose number format shows a date or a time."""
    if name is None or name not in archive.NameToInfo:
        return set()
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    styles: list[int] = []
    in_cell_styles = False
    for event, element in _elements(archive, name, budget, deadline):
        if element.tag == f"{_MAIN}cellXfs":
            in_cell_styles = event == "start"
        elif event == "end" and element.tag == f"{_MAIN}numFmt":
            try:
                formats[int(element.get("numFmtId", ""))] = element.get("formatCode", "")
            except ValueError:
                continue
        elif event == "end" and element.tag == f"{_MAIN}xf" and in_cell_styles:
            try:
                styles.append(int(element.get("numFmtId", "0")))
            except ValueError:
                styles.append(0)
    return {index for index, number in enumerate(styles) if is_date_format(formats.get(number))}


def _number(text: str) -> int | float:
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)


def _value(cell: Element, strings: list[str], dates: set[int], epoch: datetime.datetime) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(_INLINE)
        return None if inline is None else _text(inline)
    found = cell.find(_VALUE)
    text = None if found is None else found.text
    if text is None:
        return None
    try:
        if kind == "s":
            return strings[int(text)]
        if kind == "b":
            return text.strip() in {"1", "true"}
        if kind == "d":
            return datetime.datetime.fromisoformat(text)
        if kind in {"str", "e"}:
            return text
        number = _number(text)
        style = int(cell.get("s", "0"))
    except (ValueError, IndexError):
        raise _damaged() from None
    if style in dates:
        try:
            return from_excel(number, epoch)
        except (ValueError, OverflowError, TypeError):
            return number  # a number no calendar holds: the importer says it is no date
    return number


def xlsx_rows(archive: zipfile.ZipFile, limits: Limits) -> Iterator[tuple[int, list[Any]]]:
    """``(row number, values)`` of each row of the first sheet that has a cell.

    ``values`` runs from column A to the row's last cell within the limit, ``None`` where no
    cell is. Rows and cells absent from the file cost nothing, whatever the sheet claims
    its size is.
    """
    deadline = limits.deadline()
    declared = sum(info.file_size for info in archive.infolist())
    if declared > limits.uncompressed_bytes:
        raise _too_large(limits)
    budget = _Budget(limits)
    sheet, epoch, relationships = _first_sheet(archive, budget, deadline)
    by_type = {kind.rsplit("/", 1)[-1]: name for kind, name in relationships.values()}
    strings = _shared_strings(archive, by_type.get("sharedStrings"), budget, deadline)
    dates = _date_styles(archive, by_type.get("styles"), budget, deadline)
    row_number = rows = cells = in_row = column = 0
    row: dict[int, Any] = {}
    for _event, element in _elements(archive, sheet, budget, deadline, events=("end",)):
        if element.tag == _CELL:
            cells += 1
            in_row += 1
            if cells % _CHECK_EVERY == 0:
                deadline.check()
            reference = element.get("r")
            if reference:
                match = _REFERENCE.fullmatch(reference)
                if match is None:
                    raise _damaged()
                column = _column_index(match.group(1))
            else:
                column += 1
            if column > MAX_XLSX_COLUMNS or in_row > MAX_XLSX_COLUMNS:
                raise _damaged()
            value = _value(element, strings, dates, epoch)
            if value is not None and value != "":
                if column > limits.columns:
                    cell = reference or f"{get_column_letter(column)}{row_number + 1}"
                    raise _beyond_columns(limits, cell=cell)
                row[column] = value
            # The emptied cell stays in its row until the row ends (at most 16,384 of them).
            element.clear()
        elif element.tag == _ROW:
            rows += 1
            try:
                row_number = int(element.get("r") or row_number + 1)
            except ValueError:
                raise _damaged() from None
            if rows > MAX_XLSX_ROWS or row_number > MAX_XLSX_ROWS:
                raise _damaged()
            if row:
                width = max(row)
                yield row_number, [row.get(index) for index in range(1, width + 1)]
            # An emptied row stays in the sheet's data (at most 1,048,576 of them).
            element.clear()
            row, column, in_row = {}, 0, 0


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index
