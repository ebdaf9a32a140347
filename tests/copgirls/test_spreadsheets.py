"""The bounded spreadsheet reader reads what Excel writes: shared strings, styled dates."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest

from copgirls.spreadsheets import Limits, SpreadsheetRefused, xlsx_rows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
LIMITS = Limits(columns=60, uncompressed_bytes=1024 * 1024, seconds=10)


def excel_workbook(sheet_data: str, *, date1904: bool = False) -> zipfile.ZipFile:
    """A workbook laid out as Excel saves it (shared strings, styles, relationships)."""
    parts = {
        "[Content_Types].xml": "<Types/>",
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f'<workbookPr date1904="{int(date1904)}"/>'
            '<sheets><sheet name="Celebrations" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/styles" Target="/xl/styles.xml"/>'
            "</Relationships>"
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{MAIN}" count="3" uniqueCount="3">'
            "<si><t>title</t></si>"
            '<si><r><t>Girls in </t></r><r><rPr><b/></rPr><t xml:space="preserve">ICT</t></r>'
            "<rPh><t>ふりがな</t></rPh></si>"
            "<si><t>يوم الفتيات</t></si></sst>"
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN}">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
            '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
            '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/>'
            "</cellXfs></styleSheet>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><dimension ref="A1:XFD1048576"/>'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def test_shared_strings_rich_text_dates_numbers_and_booleans_are_read_as_excel_shows_them():
    sheet = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>2</v></c></row>'
        '<row r="4"><c r="A4" t="s"><v>1</v></c><c r="B4" s="1"><v>46135</v></c>'
        '<c r="C4" s="2"><v>46136</v></c><c r="D4"><v>120</v></c><c r="E4"><v>2.5</v></c>'
        '<c r="F4" t="b"><v>1</v></c><c r="G4" t="str"><f>A1</f><v>title</v></c>'
        '<c r="H4" t="inlineStr"><is><t>inline</t></is></c><c r="I4" s="1"/></row>'
        "<row><c><v>7</v></c><c><v>8</v></c></row>"
    )

    rows = list(xlsx_rows(excel_workbook(sheet), LIMITS))

    assert rows == [
        (1, ["title", None, "يوم الفتيات"]),
        (
            4,
            [
                "Girls in ICT",
                datetime.datetime(2026, 4, 23),
                datetime.datetime(2026, 4, 24),
                120,
                2.5,
                True,
                "title",
                "inline",
            ],
        ),
        (5, [7, 8]),
    ]


def test_a_workbook_counting_dates_from_1904_is_read_with_its_calendar():
    rows = list(
        xlsx_rows(
            excel_workbook('<row r="1"><c r="A1" s="1"><v>44673</v></c></row>', date1904=True),
            LIMITS,
        )
    )

    assert rows == [(1, [datetime.datetime(2026, 4, 23)])]


@pytest.mark.parametrize(
    "sheet",
    [
        '<row r="1"><c r="A1" t="s"><v>99</v></c></row>',  # no such shared string
        '<row r="1"><c r="A1"><v>twelve</v></c></row>',
        '<row r="1"><c r="1A"><v>1</v></c></row>',
        '<row r="1"><c r="A1"><v>1</v></c>',  # cut short
    ],
    ids=["missing shared string", "not a number", "bad reference", "truncated"],
)
def test_a_damaged_sheet_is_refused_as_damaged(sheet):
    with pytest.raises(SpreadsheetRefused) as refused:
        list(xlsx_rows(excel_workbook(sheet), LIMITS))

    assert refused.value.message == "The Excel workbook is damaged and cannot be read."


def test_a_row_of_repeated_cells_beyond_the_sheets_width_is_refused_as_damaged():
    sheet = '<row r="1">' + '<c r="A1"/>' * 16_385 + "</row>"

    with pytest.raises(SpreadsheetRefused, match="damaged"):
        list(xlsx_rows(excel_workbook(sheet), LIMITS))
