"""Crafted spreadsheets are refused with a clear error in under two seconds, writing nothing.

The files are built here, as an attacker would build them: a workbook whose sheet claims
all 17 billion cells with one far cell, a zip bomb, a CSV of one 10 MB line.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from events.columns import IMPORT_NAMES
from events.models import Event
from tests.events.conftest import database_fingerprint
from tests.events.test_import import csv_bytes, row, upload, xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"


def _refused_quickly(client, content: bytes, name: str, message: str) -> None:
    before = database_fingerprint()
    started = time.monotonic()

    response = upload(client, content, name)

    elapsed = time.monotonic() - started
    assert response.status_code == 400
    assert message in response.content.decode()
    assert elapsed < 2, f"answered in {elapsed:.1f} s"
    assert database_fingerprint() == before


def _whole_sheet_workbook(far_cell) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(IMPORT_NAMES))
    sheet.append([row(1)[name] for name in IMPORT_NAMES])
    far_cell(sheet["XFD1048576"])
    out = io.BytesIO()
    workbook.save(out)
    content = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b'<dimension ref="A1:XFD1048576"' in archive.read(SHEET)
    return content


def test_a_value_in_the_last_cell_of_a_whole_sheet_is_refused_in_two_seconds(coordinator_client):
    content = _whole_sheet_workbook(lambda cell: setattr(cell, "value", "x"))

    _refused_quickly(
        coordinator_client,
        content,
        "celebrations.xlsx",
        "The file has a value in cell XFD1048576, beyond column BH: an import reads at most 60 "
        "columns.",
    )


def test_a_sheet_claiming_every_cell_with_an_empty_far_cell_imports_its_rows(coordinator_client):
    content = _whole_sheet_workbook(lambda cell: setattr(cell, "font", Font(bold=True)))
    started = time.monotonic()

    response = upload(coordinator_client, content, "celebrations.xlsx")

    assert time.monotonic() - started < 2
    assert response.status_code == 302
    assert list(Event.objects.values_list("organiser_reference", flat=True)) == ["NBO-00001"]


def _with_sheet(write_sheet, *, declare_size: int | None = None) -> bytes:
    """A real workbook whose first sheet is written by ``write_sheet(stream)``.

    ``declare_size`` makes the archive lie about the sheet's expanded size.
    """
    good = xlsx_bytes([[row(1)[name] for name in IMPORT_NAMES]])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            if entry.filename == SHEET:
                with target.open(SHEET, "w") as stream:
                    write_sheet(stream)
            else:
                target.writestr(entry, source.read(entry.filename))
    content = out.getvalue()
    if declare_size is None:
        return content
    # Overwrite the uncompressed size in the sheet's central directory record.
    patched = bytearray(content)
    start = content.index(b"PK\x01\x02")
    while content[start + 46 : start + 46 + len(SHEET)] != SHEET.encode():
        start = content.index(b"PK\x01\x02", start + 4)
    patched[start + 24 : start + 28] = struct.pack("<I", declare_size)
    return bytes(patched)


def _bomb(stream) -> None:
    stream.write(
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>"
    )
    megabyte = b" " * (1024 * 1024)
    for _ in range(60):  # 60 MB of blanks, deflated to about 60 KB
        stream.write(megabyte)
    stream.write(b"</sheetData></worksheet>")


def test_a_zip_bomb_is_refused_by_the_sizes_it_declares(coordinator_client):
    content = _with_sheet(_bomb)
    assert len(content) < 1024 * 1024

    _refused_quickly(
        coordinator_client,
        content,
        "celebrations.xlsx",
        "The workbook expands to more than 50 MB of data, the most an import reads",
    )


def test_a_zip_bomb_that_understates_its_size_is_refused(coordinator_client):
    content = _with_sheet(_bomb, declare_size=2048)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.getinfo(SHEET).file_size == 2048

    _refused_quickly(
        coordinator_client,
        content,
        "celebrations.xlsx",
        "The Excel workbook is damaged and cannot be read.",
    )


def test_a_zip_bomb_is_refused_while_it_expands_when_declared_sizes_are_trusted(
    coordinator_client, monkeypatch
):
    """Reading stops at the limit even if the declared sizes were not looked at."""
    content = _with_sheet(_bomb)
    real = zipfile.ZipFile.infolist

    def understated(archive):
        return [
            info for info in real(archive) if info.filename != SHEET
        ]  # the bomb is left out of the sum of declared sizes

    monkeypatch.setattr(zipfile.ZipFile, "infolist", understated)

    _refused_quickly(
        coordinator_client,
        content,
        "celebrations.xlsx",
        "The workbook expands to more than 50 MB of data",
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("a," * 5_000_000, "The file has a value in cell BI1, beyond column BH"),
        ("a" * 10_000_000, "a cell is longer than 131,072 characters"),
    ],
    ids=["five million cells", "one cell"],
)
def test_a_csv_of_one_10_mb_line_is_refused_in_two_seconds(
    coordinator_client, settings, line, message
):
    content = line.encode()
    assert len(content) == 10_000_000 < settings.EVENTS_IMPORT_MAX_BYTES

    _refused_quickly(coordinator_client, content, "celebrations.csv", message)


def test_empty_cells_beyond_the_columns_read_are_ignored(coordinator_client):
    values = row(1)
    lines = [",".join(IMPORT_NAMES), ",".join(values[name] for name in IMPORT_NAMES) + "," * 100]

    response = upload(coordinator_client, "\r\n".join(lines).encode())

    assert response.status_code == 302
    assert Event.objects.get().title == values["title"]


@pytest.mark.parametrize("name", ["celebrations.csv", "celebrations.xlsx"])
def test_an_import_that_reads_too_long_is_stopped(coordinator_client, settings, name):
    settings.IMPORT_MAX_SECONDS = 0
    rows = [row(n) for n in range(1, 2001)]
    if name.endswith(".csv"):
        content = csv_bytes(rows)
    else:
        content = xlsx_bytes([[values[column] for column in IMPORT_NAMES] for values in rows])

    _refused_quickly(
        coordinator_client,
        content,
        name,
        "Reading the file took longer than 0 seconds, the most an import may take",
    )
