"""A report compared with an earlier issued report of the same scope: the change since it in
the summary, the reach tables and the annex, the same bytes for the same parameters, and a
clear refusal of a report that cannot be compared with."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from copgirls.names import long_date
from events.models import CopModule
from reports.annex import annex_csv
from reports.models import Report, ReportStatus
from tests.reports.factories import CopSessionFactory, EventFactory, add_attendance, state
from tests.reports.test_pdf import pdf_text, produce


@pytest.fixture
def earlier(known_data, make_report):
    """The report of the known data (4 celebrations, 3 with COP), then 3 more celebrations:
    2 in Kenya (one with a COP session) and 1 in France, with 40 girls each."""
    report = produce(make_report(document_number="CWG-COP/23/5"))
    with_cop = EventFactory(member_state=state("KE"), actual_girls=40)
    module = CopModule.objects.get(code="R01")
    add_attendance(CopSessionFactory(event=with_cop, module=module), girls=40)
    EventFactory(member_state=state("KE"), actual_girls=40)
    EventFactory(member_state=state("FR"), actual_girls=40)
    return report


def annex_rows(report) -> list[dict]:
    return list(csv.DictReader(io.StringIO(annex_csv(report).decode("utf-8-sig"))))


def test_the_summary_and_the_tables_show_the_change_since_the_earlier_report(
    earlier, make_report, secretariat
):
    report = produce(make_report(compared_with=earlier))
    staff = Client()
    staff.force_login(secretariat)
    page = staff.get(reverse("reports:detail", args=[report.pk])).content.decode()
    page = " ".join(page.split())
    assert "3 more celebrations" in page and "Celebrations since" in page  # its web page too
    text = pdf_text(report).replace("\u00a0", " ")
    date = long_date(earlier.data_cutoff.date(), "en")

    assert f"Change since the report of {date}" in text
    assert f"Since the report of {date} (CWG-COP/23/5): 3 more celebrations" in text
    assert "a share integrating COP 17.9 points lower" in text  # 75.0 % then, 57.1 % now
    assert "120 more girls and young women reached" in text  # 245 then, 365 now
    assert "+3" in text  # the table beside: this report, the earlier one, the change
    assert "Celebrations since CWG-COP/23/5" in text
    by_region = {row["key"]: row for row in report.figures["reach"]["by_region"]}
    africa = str(state("KE").region_id)
    assert report.figures["comparison"]["reach"]["by_region"][africa] == 2
    assert by_region[africa]["celebrations"] == 4
    headline = {item["key"]: item for item in report.figures["comparison"]["headline"]}
    assert (headline["celebrations"]["before"], headline["celebrations"]["now"]) == (4, 7)
    assert headline["share_cop"]["change"] == pytest.approx(100 * 4 / 7 - 75.0)

    rows = annex_rows(report)
    assert {"table": "comparison", "row": "celebrations", "column": "change", "value": "3"} in rows
    assert {
        "table": "reach_by_region",
        "row": "Africa",
        "column": "celebrations_change",
        "value": "2",
    } in rows
    assert report.parameters["compared_with"] == "CWG-COP/23/5"


def test_a_comparison_gives_the_same_bytes_for_the_same_parameters(earlier, make_report):
    first = produce(make_report(compared_with=earlier))
    second = produce(make_report(compared_with=earlier, cutoff=first.data_cutoff))
    assert first.figures == second.figures
    assert first.sha256 == second.sha256
    assert first.brief_sha256 == second.brief_sha256


def test_the_form_offers_issued_reports_and_refuses_the_others_with_the_reason(
    earlier, make_report, secretariat
):
    client = Client()
    client.force_login(secretariat)
    queued = make_report(document_number="CWG-COP/23/9")
    kenya = produce(
        make_report(scope="member_state", member_state=state("KE"), document_number="CWG-COP/23/7")
    )
    form = client.get(reverse("reports:request")).content.decode()
    assert "CWG-COP/23/5 — global, 2025" in form
    assert "CWG-COP/23/9" not in form  # not issued: not offered

    data = {
        "scope": "global",
        "year": "2025",
        "language": "en",
        "meeting_name": "Twenty-fifth meeting of CWG-COP",
        "document_number": "CWG-COP/25/5",
    }
    before = Report.objects.count()
    other_scope = client.post(reverse("reports:request"), {**data, "compared_with": kenya.pk})
    not_issued = client.post(reverse("reports:request"), {**data, "compared_with": queued.pk})

    assert other_scope.status_code == not_issued.status_code == 200
    assert (
        "Report CWG-COP/23/7 covers Kenya, and this one global: a report can be compared only "
        "with one of the same scope."
    ) in other_scope.content.decode()
    assert queued.status == ReportStatus.QUEUED
    assert (
        "Report CWG-COP/23/9 is not issued (it is queued): a report can be compared only with "
        "an issued one."
    ) in not_issued.content.decode()
    assert Report.objects.count() == before  # nothing recorded

    accepted = client.post(reverse("reports:request"), {**data, "compared_with": earlier.pk})
    assert accepted.status_code == 302
    assert Report.objects.get(document_number="CWG-COP/25/5").compared_with == earlier
