"""The one-page brief beside the report: the same figures as the report, on one page in each
of the six languages, served to whoever may download the report, its HTML accessible."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from reports.templatetags.reports_format import cell, decimal, signed
from tests.a11y import problems
from tests.api.conftest import api_for
from tests.reports.factories import CopSessionFactory, EventFactory, add_pairs
from tests.reports.factories import state as state_of
from tests.reports.test_languages import EXPECTED, flat, pdftotext
from tests.reports.test_pdf import produce
from tests.reports.wide import LANGUAGES, produced

#: The reports are produced on the test database, once per module.
pytestmark = pytest.mark.django_db


@pytest.fixture
def one_session(db):
    """One celebration in Kenya with 12 paired participants: a report to download (what the
    brief says is the other tests' concern)."""
    session = CopSessionFactory(event=EventFactory(member_state=state_of("KE"), actual_girls=40))
    add_pairs(session, [50.0] * 12, [70.0] * 12)


@pytest.fixture(scope="module")
def briefs(django_db_setup, django_db_blocker):
    """scope → language → the report and its brief, each scope's produced once, at its
    first use."""
    return lambda scope: produced(scope, django_db_blocker)


def brief_of(report) -> bytes:
    with report.brief.open("rb") as handle:
        return handle.read()


def text_of(content: bytes, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return flat(pdftotext(path))


def headline(report) -> list[str]:
    """The headline figures as the report's language writes them (the COP share without its
    "%", which an Arabic line sets, and pdftotext gives, on the number's other side)."""
    total, overall = report.figures["reach"]["total"], report.figures["impact"]["overall"]
    with translation.override(report.language):
        values = [
            str(total["celebrations"]),
            decimal(total["share_cop"], 1),
            cell(total["girls"]),
            cell(overall["n"]),
            signed(overall["knowledge"]["gain"], 1),
        ]
    return [flat(value) for value in values]


@pytest.mark.parametrize("scope", ["global", "region"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_brief_gives_the_reports_figures_on_one_page(briefs, tmp_path, language, scope):
    report = briefs(scope)[language]
    content = report.brief

    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    brief = text_of(content, tmp_path, "brief.pdf")
    full = text_of(report.pdf, tmp_path, "report.pdf")
    for value in headline(report):
        assert value in brief, value
    # The report's own text gives the same counts.
    total = report.figures["reach"]["total"]
    assert str(total["celebrations"]) in full and headline(report)[1] in full
    # One chart: the COP share by region for the world (its six regions' names, which
    # only the chart gives on this page), the knowledge by module (ten rows) for a region.
    if scope == "global":
        assert all(flat(name) in brief for name in EXPECTED[language]["names"][:2])
    else:
        assert all(f"M{number:02d}" in brief for number in range(1, 11))
    assert total["celebrations"] == (16 if scope == "global" else 10)


def test_the_brief_is_downloaded_by_whoever_may_download_the_report(
    one_session, make_report, secretariat
):
    report = produce(make_report())
    client = Client()
    client.force_login(secretariat)

    response = client.get(reverse("reports:brief", args=[report.pk]))
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    api, _token = api_for(secretariat)
    listed = api.get(reverse("api:report", args=[report.pk])).json()
    by_api = api.get(listed["files"]["brief"].replace("http://testserver", ""))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="cwg-cop-24-5-en-brief.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == brief_of(report)
    assert f'href="/reports/{report.pk}/brief/"' in page
    assert by_api.status_code == 200
    assert b"".join(by_api.streaming_content) == brief_of(report)


def test_a_report_from_before_briefs_says_why_it_has_none(one_session, make_report, secretariat):
    report = produce(make_report())
    report.brief = ""
    report.save(update_fields=["brief"])
    client = Client()
    client.force_login(secretariat)

    response = client.get(reverse("reports:brief", args=[report.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_briefs_html_passes_the_markup_checks(briefs, language):
    html = briefs("global")[language].brief_html
    # A PDF has no page navigation: no main landmark or skip link to ask of it.
    found = [
        problem
        for problem in problems(html)
        if problem not in {"0 main landmarks", "no skip link to #main"}
    ]
    assert found == []
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
