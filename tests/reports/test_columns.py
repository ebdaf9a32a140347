"""No text leaves its column on page 1 and on the impact page, in each of the six languages.

The report is laid out by WeasyPrint exactly as its PDF was (the same HTML, stylesheets and
fonts), and every text box of those pages is held to the column that holds it: a table cell
(a table's column, a chart's label or bar column) or, outside tables, the page's text
column between the margins. A label clipped at both ends, a p-value or an interval running
into the next cell, a long module title pushed out of the chart's label column — each is a
text box outside its cell. The pages are also rendered to PNG as a reader sees them, and the
side margins of the image hold no ink.

The data are the catalogue's ten modules (their long titles, translated) and member states
of the six regions (:func:`tests.reports.wide.create_wide_data`),
each report produced once for the module.
"""

from __future__ import annotations

import io
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader
from weasyprint import HTML
from weasyprint.formatting_structure import boxes

from reports.pdf import BASE_URL, StaticOnlyFetcher
from tests.reports.wide import LANGUAGES, produced

#: The reports are produced on the test database, once per module.
pytestmark = pytest.mark.django_db


#: CSS pixels a glyph box may pass its column by (anti-aliasing, rounding of the layout).
TOLERANCE = 0.5


def _text_boxes(box, column=None):
    """``(text box, the table cell holding it or None)`` for every text box under ``box``."""
    if isinstance(box, boxes.TableCellBox):
        column = box
    if isinstance(box, boxes.TextBox):
        yield box, column
    for child in getattr(box, "children", None) or ():
        yield from _text_boxes(child, column)


def _ids(box):
    element = getattr(box, "element", None)
    if element is not None and element.get("id"):
        yield element.get("id")
    for child in getattr(box, "children", None) or ():
        yield from _ids(child)


def overflowing(page) -> list[str]:
    """The text boxes of a laid-out page (``weasyprint.Page``) that leave their column."""
    # The page's box tree is what WeasyPrint draws; it has no public accessor.
    root = page._page_box
    page_left, page_right = root.content_box_x(), root.content_box_x() + root.width
    found = []
    for text, cell in _text_boxes(root):
        if cell is None:
            left, right = page_left, page_right
        else:
            left, right = cell.padding_box_x(), cell.padding_box_x() + cell.padding_width()
        if text.position_x < left - TOLERANCE or text.position_x + text.width > right + TOLERANCE:
            found.append(
                f"{text.text!r} spans {text.position_x:.1f}–{text.position_x + text.width:.1f}, "
                f"its {'cell' if cell is not None else 'page'} {left:.1f}–{right:.1f}"
            )
    return found


def ink_in_the_side_margins(png, margin_px: int) -> bool:
    image = Image.open(png).convert("L")
    width, height = image.size
    for x0, x1 in ((0, margin_px), (width - margin_px, width)):
        if image.crop((x0, 0, x1, height)).getextrema()[0] < 200:
            return True
    return False


@pytest.fixture(scope="module")
def reports(django_db_setup, django_db_blocker):
    """language → the world's report of the wide data, produced once for the module."""
    return produced("global", django_db_blocker)


@pytest.fixture(scope="module")
def compared(django_db_setup, django_db_blocker):
    """language → (an earlier report, the report compared with it), Arabic and Chinese."""
    return produced("compared", django_db_blocker)


def laid_out(html: str):
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher()).render()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_text_of_page_one_and_the_impact_page_overflows_its_column(reports, tmp_path, language):
    report = reports[language]
    document = laid_out(report.html)
    stored = report.pdf
    assert len(document.pages) == len(PdfReader(io.BytesIO(stored)).pages)  # the same layout
    impact = next(
        number
        for number, page in enumerate(document.pages, start=1)
        if "impact" in set(_ids(page._page_box))
    )
    assert impact > 1
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(stored)

    for number in (1, impact):
        page = document.pages[number - 1]
        assert sum(1 for _ in _text_boxes(page._page_box)) > 40  # a page of text was laid out
        assert overflowing(page) == [], (language, number)
        image = tmp_path / f"page-{number}"
        subprocess.run(
            ["pdftoppm", "-r", "72", "-png", "-f", str(number), "-l", str(number), "-singlefile"]
            + [str(pdf), str(image)],
            check=True,
        )
        # 72 dpi: one pixel a point; the side margins are 18 mm (51 pt): 48 pt stay blank.
        assert not ink_in_the_side_margins(image.with_suffix(".png"), 48), (language, number)


def test_the_check_sees_a_label_pushed_out_of_its_column(reports):
    """The same page with the chart labels and table headers kept on one line: the long
    module titles then leave their column, and the check says which."""
    html = reports["zh-hans"].html.replace(
        "</head>", "<style>table.data th, .chart-label { white-space: nowrap }</style></head>"
    )
    document = laid_out(html)
    found = [problem for page in document.pages for problem in overflowing(page)]
    assert any("M09" in problem for problem in found), found


@pytest.mark.parametrize("language", ["ar", "zh-hans"])
def test_no_text_leaves_its_column_when_the_report_is_compared_with_an_earlier_one(
    compared, language
):
    """A comparison adds a table to the summary and a column to every reach table."""
    _earlier, report = compared[language]
    assert "CWG-COP/23/5" in report.html
    document = laid_out(report.html)
    assert [problem for page in document.pages for problem in overflowing(page)] == []
