"""The PDF a user downloads: its text, its fonts, its reproducibility, its URL fetcher."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader
from weasyprint import HTML

from reports.models import ReportStatus
from reports.pdf import BASE_URL, StaticOnlyFetcher, static_path
from reports.services import report_generate
from tests.reports.factories import CopSessionFactory, EventFactory, add_pairs, state


def pdf_text(report) -> str:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def fonts(report) -> set[str]:
    with report.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def produce(report):
    assert report_generate(report_id=report.pk, worker="test@host") == ReportStatus.READY
    report.refresh_from_db()
    return report


def test_the_pdf_text_has_the_headline_figures_the_references_and_the_document_number(
    known_data, make_report
):
    report = produce(make_report(document_number="CWG-COP/24/5"))
    text = pdf_text(report)
    # Brazil's 9 pairs (the last 9) are in no figure of impact (issue 20).
    pre, post = known_data["knowledge_pre"][:42], known_data["knowledge_post"][:42]

    assert "CWG-COP/24/5" in text
    assert "Council Working Group on Child Online Protection" in text
    assert "Source: ITU Secretariat (BDT)" in text
    assert "Resolution 179 (Rev. Bucharest, 2022)" in text
    assert "Resolution 67 (Rev. Kigali, 2022)" in text
    assert "Council Resolution 1306" in text
    assert (
        "4 Girls in ICT celebrations were recorded in 3 member states, "
        "reaching 245 girls and young women." in text
    )
    assert "3 of them (75.0 %) integrated Child Online Protection discussions" in text
    assert (
        f"Among 42 participants with both a pre and a post assessment, the mean knowledge "
        f"score rose from {pre.mean():.1f} % to {post.mean():.1f} % correct, a gain of "
        f"{post.mean() - pre.mean():.1f} points" in text
    )
    for heading in ("Purpose", "Action required", "References", "Summary", "Reach", "Impact"):
        assert heading in text
    assert "Annex: methodology and data quality" in text
    assert "1 / 5" in text and "5 / 5" in text  # page numbers "n / N"
    assert report.sha256 and len(report.sha256) == 64
    assert report.parameters["document_number"] == "CWG-COP/24/5"


def test_the_same_parameters_and_cut_off_give_the_same_figures_and_bytes(known_data, make_report):
    cutoff = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC) + datetime.timedelta(
        days=400
    )
    first = produce(make_report(cutoff=cutoff))
    second = produce(make_report(cutoff=cutoff))
    assert first.pdf.name != second.pdf.name
    assert first.figures == second.figures
    assert first.sha256 == second.sha256
    with first.pdf.open("rb") as a, second.pdf.open("rb") as b:
        assert a.read() == b.read()


def test_a_period_without_data_gives_a_valid_report_saying_so(known_data, make_report):
    report = produce(
        make_report(period_start=datetime.date(2015, 1, 1), period_end=datetime.date(2015, 12, 31))
    )
    text = pdf_text(report)
    assert report.figures["empty"] is True
    assert "No Girls in ICT celebration and no assessment response was recorded" in text
    assert "No data for this period." in text


def test_accented_arabic_and_chinese_text_is_set_in_fonts_that_have_the_glyphs(db, make_report):
    report = produce(
        make_report(language="fr", meeting_name="Réunion à Genève — اجتماع الفريق — 理事会工作组")
    )
    text = pdf_text(report)
    assert "Réunion à Genève" in text
    used = " ".join(fonts(report))
    assert "NotoSans-" in used or "NotoSans+" in used or "Noto" in used
    assert "Arabic" in used
    assert "CJK" in used
    with report.pdf.open("rb") as handle:
        catalog = PdfReader(io.BytesIO(handle.read())).trailer["/Root"]
    assert catalog.get("/Lang") == "fr"  # the document language is set


def test_an_unknown_language_or_a_period_ending_before_it_starts_is_refused(db, make_report):
    with pytest.raises(ValidationError) as error:
        make_report(language="de")
    assert "language" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_report(period_start=datetime.date(2027, 1, 1), period_end=datetime.date(2026, 12, 31))
    assert error.value.message_dict["year"] == [
        "The period ends before it starts: the last year must be on or after the first."
    ]


def test_weasyprint_may_load_only_the_portals_static_files(settings, tmp_path):
    assert static_path(BASE_URL + "static/reports/report-pdf.css") is not None
    assert static_path(BASE_URL + "static/css/portal.css") is not None
    for url in (
        "https://example.org/static/reports/report-pdf.css",
        "http://copgirls.invalid/static/reports/report-pdf.css",
        "file:///etc/passwd",
        BASE_URL + "static/../../etc/passwd",
        BASE_URL + "static/reports/../../copgirls/settings.py",
        BASE_URL + "media/reports/1/x.pdf",
        "data:text/css,body{}",
    ):
        assert static_path(url) is None, url
        with pytest.raises(ValueError):
            StaticOnlyFetcher().fetch(url)

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the report")
    html = (
        f'<img src="file://{secret}"><img src="https://example.org/x.png">'
        f'<link rel="stylesheet" href="/static/reports/report-pdf.css">'
    )
    fetched = []

    class Recording(StaticOnlyFetcher):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return super().fetch(url, headers)

    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=Recording()).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert b"not for the report" not in pdf
    assert BASE_URL + "static/reports/report-pdf.css" in fetched


def test_a_french_report_is_written_in_french_with_french_number_formats(known_data, make_report):
    text = pdf_text(produce(make_report(language="fr")))
    # French typography: no-break spaces before ":" and ";", typographic apostrophes.
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'")
    assert "Groupe de travail du Conseil sur la protection en ligne des enfants" in text
    assert "Source : Secrétariat de l'UIT (BDT)" in text
    for heading in ("Objet", "Suite à donner", "Références", "Résumé", "Évolution"):
        assert heading in text
    assert "Résolution 179 (Rév. Bucarest, 2022)" in text
    assert "4 célébrations des Jeunes filles dans le secteur des TIC ont été enregistrées" in text
    assert "(75,0 %)" in text
    assert "Original : Français" in text or "Original : français" in text


def test_a_knowledge_score_that_fell_is_not_reported_as_a_rise(db, make_report):
    session = CopSessionFactory(event=EventFactory(member_state=state("KE"), actual_girls=40))
    add_pairs(session, [60.0] * 12, [50.0 + i % 3 for i in range(12)])
    text = pdf_text(produce(make_report()))

    # Self-efficacy rose in this data, and the key findings say so; knowledge did not.
    assert "Knowledge rose" not in text and "score rose" not in text
    assert "Knowledge fell: the 12 participants assessed before and after answered 51.0 %" in text
    assert (
        "Among 12 participants with both a pre and a post assessment, the mean knowledge "
        "score fell from 60.0 % to 51.0 % correct, a change of -9.0 points" in text
    )
