"""The one-page brief beside the report: the same figures as the report, on one page in each
of the six languages, served to whoever may download the report, its HTML accessible."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from events.models import CopModule
from reports.pdf import brief_html
from reports.templatetags.reports_format import cell, decimal, signed
from tests.a11y import problems
from tests.api.conftest import api_for
from tests.reports.factories import CopSessionFactory, EventFactory, add_attendance, add_pairs
from tests.reports.factories import state as state_of
from tests.reports.test_languages import EXPECTED, flat, pdftotext
from tests.reports.test_pdf import produce

LANGUAGES = list(EXPECTED)


@pytest.fixture
def wide_data(db):
    """All ten modules of the catalogue (their long titles, translated) discussed in Kenya,
    and one module in a member state of each other region: a brief with the most to say."""
    rng = np.random.default_rng(18)
    modules = list(CopModule.objects.filter(is_retired=False).order_by("position")[:10])
    assert len(modules) == 10

    def session(iso2: str, module: CopModule, shift: float) -> None:
        event = EventFactory(member_state=state_of(iso2), actual_girls=60)
        held = CopSessionFactory(event=event, module=module)
        add_attendance(held, girls=14)
        pre = np.round(rng.uniform(20, 70, 12), 1)
        add_pairs(held, pre, np.round(np.clip(pre + rng.normal(shift, 8, 12), 0, 100), 1))

    for index, module in enumerate(modules):
        session("KE", module, 5 + 2 * index)
    for index, iso2 in enumerate(("BR", "EG", "IN", "KZ", "FR")):
        session(iso2, modules[index], 10)
    EventFactory(member_state=state_of("FR"), actual_girls=30)  # no COP session


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
def test_the_brief_gives_the_reports_figures_on_one_page(
    wide_data, make_report, tmp_path, language, scope
):
    extra = {"scope": "region", "region": state_of("KE").region} if scope == "region" else {}
    report = produce(make_report(language=language, **extra))
    content = brief_of(report)

    assert len(PdfReader(io.BytesIO(content)).pages) == 1
    brief = text_of(content, tmp_path, "brief.pdf")
    with report.pdf.open("rb") as handle:
        full = text_of(handle.read(), tmp_path, "report.pdf")
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
    wide_data, make_report, secretariat
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


def test_a_report_from_before_briefs_says_why_it_has_none(wide_data, make_report, secretariat):
    report = produce(make_report())
    report.brief = ""
    report.save(update_fields=["brief"])
    client = Client()
    client.force_login(secretariat)

    response = client.get(reverse("reports:brief", args=[report.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_briefs_html_passes_the_markup_checks(wide_data, make_report, language):
    report = produce(make_report(language=language))
    html = brief_html(report, report.figures)
    # A PDF has no page navigation: no main landmark or skip link to ask of it.
    found = [
        problem
        for problem in problems(html)
        if problem not in {"0 main landmarks", "no skip link to #main"}
    ]
    assert found == []
    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in html
