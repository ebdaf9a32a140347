"""The data annex is data: numbers are numbers, rounded as the PDF prints them (a tiny
p-value is "< 0.001", never 0 nor six decimals), a person can read the XLSX's headers and
sheet names in the report's language, the CSV stays for machines."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from reports.annex import annex_csv, annex_xlsx
from tests.reports.test_pdf import produce


def workbook_of(report):
    return load_workbook(io.BytesIO(annex_xlsx(report)))


def rows_of(sheet) -> list[dict]:
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_the_xlsx_holds_counts_as_numbers_and_statistics_rounded_as_in_the_pdf(
    known_data, make_report
):
    workbook = workbook_of(produce(make_report()))
    assert workbook.sheetnames == [
        "Report",
        "Reach",
        "Knowledge",
        "Self-efficacy",
        "Intention",
        "Data quality",
    ]
    reach = rows_of(workbook["Reach"])
    kenya = next(row for row in reach if row["Group"] == "Kenya")
    assert kenya["Breakdown"] == "Member state" and kenya["Region"] == "Africa"
    assert kenya["Girls reached"] == 200 and kenya["Celebrations"] == 2
    total = next(row for row in reach if row["Breakdown"] == "Region" and row["Group"] == "Total")
    assert total["Girls reached"] == known_data["girls"]
    assert total["Member states"] == known_data["member_states"]
    overall = next(
        row
        for row in rows_of(workbook["Knowledge"])
        if row["Breakdown"] == "Module" and row["Group"] == "Overall"
    )
    # Brazil's 9 pairs are in no figure of impact (issue 20): Kenya's 30 and France's 12.
    assert overall["Paired participants"] == 42
    assert overall["p-value"] == "< 0.001"
    assert 0 < overall["95 % CI, lower bound"] < overall["d_z"] < overall["95 % CI, upper bound"]
    for column in ("Before", "After", "Gain"):
        assert overall[column] == round(overall[column], 1), column
    for column in ("d_z", "95 % CI, lower bound", "95 % CI, upper bound", "Normalised gain"):
        assert overall[column] == round(overall[column], 2), column
    likert = next(
        row
        for row in rows_of(workbook["Self-efficacy"])
        if row["Breakdown"] == "Module" and row["Group"] == "Overall"
    )
    assert likert["Before"] == 3.0 and likert["Gain"] == 1.0
    quality = {row["Indicator"]: row["Value"] for row in rows_of(workbook["Data quality"])}
    # Kenya's 3 unpaired pre and France's 2 unpaired post responses are small cells: their
    # cells' response counts are in no figure, so neither are their pairs here.
    assert quality["Paired participants"] == "<10"
    assert quality["Counted pre responses"] == "<10"


def test_the_csv_keeps_machine_keys_and_never_writes_a_tiny_p_value_as_0(known_data, make_report):
    rows = list(csv.DictReader(io.StringIO(annex_csv(produce(make_report())).decode("utf-8-sig"))))
    girls = next(
        r["value"]
        for r in rows
        if r["table"] == "reach_by_member_state" and r["row"] == "Kenya" and r["column"] == "girls"
    )
    assert girls == "200"
    p = next(
        r["value"]
        for r in rows
        if r["table"] == "impact_knowledge_by_module"
        and r["row"] == "overall"
        and r["column"] == "p_value"
    )
    assert p == "< 0.001"
    numbers = [
        r["value"] for r in rows if r["table"].startswith("impact_") and r["column"] != "test"
    ]
    decimals = [len(value.split(".")[1]) for value in numbers if "." in value and "<" not in value]
    assert decimals and max(decimals) <= 3  # never six decimals


@pytest.mark.parametrize(
    ("language", "reach_sheet", "girls_header"),
    [
        ("fr", "Portée", "Filles touchées"),
        ("es", "Alcance", None),
        ("ru", "Охват", "Охвачено девочек"),
        ("ar", None, None),
        ("zh-hans", None, None),
    ],
)
def test_the_xlsx_reads_in_the_report_language_with_whole_sheet_names(
    known_data, make_report, language, reach_sheet, girls_header
):
    workbook = workbook_of(produce(make_report(language=language)))
    names = workbook.sheetnames
    assert len(names) == 6 and len(set(names)) == 6
    assert all(len(name) <= 31 for name in names)  # Excel's limit: nothing was cut to fit
    assert "Reach" not in names and "Girls reached" not in rows_of(workbook[names[1]])[0]
    if reach_sheet:
        assert names[1] == reach_sheet
    if girls_header:
        assert girls_header in rows_of(workbook[names[1]])[0]
