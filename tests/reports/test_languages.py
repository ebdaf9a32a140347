"""The report read in each of the six languages, as ``pdftotext`` and a page image show it.

Arabic chart labels used to come out letter-reversed ("ايقيرفأ" for أفريقيا): WeasyPrint does
not shape SVG text. The charts are HTML now, so their labels are in logical order like the
body text; names, dates and counted nouns follow the reader's language (CLDR, ngettext).
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from copgirls.models import Role, RoleAssignment, User
from tests.reports import conftest as report_fixtures
from tests.reports.factories import CopSessionFactory, EventFactory, add_pairs, state
from tests.reports.test_pdf import produce

#: The reports are produced on the test database, once per module.
pytestmark = pytest.mark.django_db


#: A4 in points, and the page margins of report-pdf.css (18 mm left and right, 20 mm top).
PAGE_WIDTH, PAGE_HEIGHT = 595.28, 841.89
SIDE_MARGIN = 18 / 25.4 * 72

#: language -> what its reader must find: region and member-state names, the period's dates
#: in CLDR's long format, and the summary's counts in their plural forms (4 celebrations,
#: 3 member states, 3 COP sessions in the known data).
EXPECTED = {
    "en": {
        "names": ["Africa", "Europe", "Kenya", "France", "Brazil"],
        "dates": ["1 January 2025", "31 December 2025"],
        "plurals": [
            "4 Girls in ICT celebrations were recorded in 3 member states, reaching 245 girls "
            "and young women.",
            "with 3 COP sessions held",
        ],
    },
    "fr": {
        "names": ["Afrique", "Europe", "Amériques", "Kenya", "Brésil"],
        "dates": ["1 janvier 2025", "31 décembre 2025"],
        "plurals": [
            "4 célébrations des Jeunes filles dans le secteur des TIC ont été enregistrées dans "
            "3 États Membres, touchant 245 filles et jeunes femmes.",
            "avec au total 3 sessions COP",
        ],
    },
    "es": {
        "names": ["África", "Europa", "Américas", "Kenia", "Brasil", "Francia"],
        "dates": ["1 de enero de 2025", "31 de diciembre de 2025"],
        "plurals": [
            "Se registraron 4 celebraciones de las Niñas en las TIC en 3 Estados Miembros, que "
            "alcanzaron a 245 niñas y mujeres jóvenes.",
            "con 3 sesiones de PIeL en total",
        ],
    },
    "ru": {
        "names": ["Африка", "Европа", "Кения", "Франция", "Бразилия"],
        "dates": ["1 января 2025 г.", "31 декабря 2025 г."],
        "plurals": [
            "Зарегистрировано 4 мероприятия «Девушки в ИКТ» в 3 Государствах-Членах; охват — "
            "245 девочек и молодых женщин.",
            "всего проведено: 3 сессии COP",
        ],
    },
    "ar": {
        "names": ["أفريقيا", "أوروبا", "كينيا", "فرنسا", "البرازيل"],
        "dates": ["1 يناير 2025", "31 ديسمبر 2025"],
        # (pdftotext splits the lam-alef ligature, so the phrases avoid it)
        "plurals": ["في 3 دول أعضاء", "245 فتاة وشابة", "3 جلسات بشأن"],
    },
    "zh-hans": {
        "names": ["非洲", "欧洲", "美洲", "肯尼亚", "法国", "巴西"],
        "dates": ["2025年1月1日", "2025年12月31日"],
        "plurals": ["在3 个成员国共记录了 4 个信息通信技术女童日庆祝活动"],
    },
}


def pdftotext(path: Path, *options: str) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *options, str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


#: The bidirectional controls pdftotext wraps around right-to-left runs (and our isolates).
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def flat(text: str) -> str:
    return " ".join(BIDI_CONTROLS.sub("", text).split())


class _Words(HTMLParser):
    """The word boxes of ``pdftotext -bbox``: ``(page, xmin, ymin, xmax, ymax, word)``."""

    def __init__(self) -> None:
        super().__init__()
        self.page = 0
        self.words: list[list] = []
        self._box: list | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "page":
            self.page += 1
        elif tag == "word":
            self._box = [self.page, *(float(values[k]) for k in ("xmin", "ymin", "xmax", "ymax"))]

    def handle_data(self, data):
        if self._box is not None:
            self.words.append([*self._box, data])
            self._box = None


def word_boxes(path: Path) -> list[list]:
    parser = _Words()
    parser.feed(pdftotext(path, "-bbox"))
    return parser.words


def pages(path: Path) -> list[str]:
    return pdftotext(path).split("\f")


@pytest.fixture
def saved_pdf(tmp_path):
    def save(report) -> Path:
        path = tmp_path / f"{report.language}.pdf"
        with report.pdf.open("rb") as handle:
            path.write_bytes(handle.read())
        return path

    return save


@pytest.fixture(scope="module")
def known_pdfs(django_db_setup, django_db_blocker, tmp_path_factory):
    """language → the PDF of the known data's report (``known_data``, the reports' fixture),
    each produced once for the module, in a transaction rolled back after."""
    media = str(tmp_path_factory.mktemp("known-media"))
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        report_fixtures.known_data.__wrapped__(None)  # the fixture's own rows, not a copy
        user = User.objects.create_user("secretariat@languages.example", "x" * 12)
        RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT)
        content = {}
        for language in EXPECTED:
            report = produce(report_fixtures.make_report.__wrapped__(None, user)(language=language))
            with report.pdf.open("rb") as handle:
                content[language] = handle.read()
        transaction.set_rollback(True)
    return content


@pytest.fixture
def known_pdf(known_pdfs, tmp_path):
    """The known data's report in ``language``, saved where ``pdftotext`` can read it."""

    def save(language: str) -> Path:
        path = tmp_path / f"{language}.pdf"
        path.write_bytes(known_pdfs[language])
        return path

    return save


@pytest.mark.parametrize("language", list(EXPECTED))
def test_the_report_reads_in_its_language_names_dates_and_plurals(known_pdf, language):
    path = known_pdf(language)
    text = flat(pdftotext(path))
    expected = EXPECTED[language]

    def found(phrase: str) -> bool:
        if language == "ar":  # pdftotext moves the spaces around right-to-left runs
            return phrase.replace(" ", "") in text.replace(" ", "")
        return phrase in text

    for phrase in (*expected["names"], *expected["dates"], *expected["plurals"]):
        assert found(phrase), phrase
    assert "十二月 2025" not in text and "celebrations were recorded in 1 member states" not in text


def test_arabic_chart_labels_come_out_in_logical_order(known_pdf):
    path = known_pdf("ar")
    text = BIDI_CONTROLS.sub("", pdftotext(path))
    with translation.override("ar"):
        before, after = translation.gettext("before"), translation.gettext("after")
    lines = {line.strip() for line in text.splitlines()}
    # a chart's row label and the legend's keys, each a line of its own, in logical order
    assert {"أفريقيا", "أوروبا", before, after} <= lines
    assert "ايقيرفأ" not in text and "ابوروأ" not in text  # the names reversed
    assert "لبق" not in text and "دعب" not in text


def test_a_report_with_one_celebration_writes_the_singular(db, make_report, saved_pdf):
    session = CopSessionFactory(event=EventFactory(member_state=state("KE"), actual_girls=40))
    add_pairs(session, [50.0] * 12, [70.0] * 12)
    english = flat(pdftotext(saved_pdf(produce(make_report()))))
    assert (
        "1 Girls in ICT celebration was recorded in 1 member state, reaching 40 girls and young "
        "women." in english
    )
    assert "with 1 COP session held" in english
    russian = flat(pdftotext(saved_pdf(produce(make_report(language="ru")))))
    assert "Зарегистрировано 1 мероприятие «Девушки в ИКТ» в 1 Государстве-Члене" in russian


@pytest.mark.parametrize("language", ["ar", "zh-hans", "ru", "fr"])
def test_no_text_of_page_one_and_the_impact_page_leaves_its_column(known_pdf, tmp_path, language):
    path = known_pdf(language)
    # The impact page is the first with the key of the before/after chart on a line alone.
    with translation.override(language):
        before = translation.gettext("before")
    impact_page = next(
        number
        for number, page in enumerate(pages(path), start=1)
        if before in (line.strip() for line in BIDI_CONTROLS.sub("", page).splitlines())
    )
    for number in (1, impact_page):
        image = tmp_path / f"page-{number}"
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", "-f", str(number), "-l", str(number), "-singlefile"]
            + [str(path), str(image)],
            check=True,
        )
        assert image.with_suffix(".png").stat().st_size > 10_000  # a page was drawn
        words = [word for word in word_boxes(path) if word[0] == number]
        assert len(words) > 40
        outside = [
            word[5]
            for word in words
            if word[1] < SIDE_MARGIN - 1 or word[3] > PAGE_WIDTH - SIDE_MARGIN + 1
        ]
        assert outside == []
        # Words of one line never overlap: an overflowing cell would run into its neighbour.
        lines: dict[float, list] = {}
        for word in words:
            lines.setdefault(round(word[2]), []).append(word)
        for row in lines.values():
            row.sort(key=lambda word: word[1])
            overlaps = [
                (left[5], right[5])
                for left, right in zip(row, row[1:], strict=False)
                if left[3] - right[1] > 1.0
            ]
            assert overlaps == [], overlaps


def test_the_paired_participants_take_their_plural_form(known_data, make_report, saved_pdf):
    """51 paired participants: Russian says "51 участницы" (the form of 1, 21, 51 …), not the
    "участниц" of 5 to 20; the one celebration of a report is not "100 % of the 1".
    (Brazil's 9 pairs are in no figure of impact: 9 more in Kenya's cell make the 51.)"""
    kenya = CopSessionFactory(event=EventFactory(member_state=state("KE"), actual_girls=9))
    add_pairs(kenya, [50.0] * 9, [60.0 + i for i in range(9)])
    russian = flat(pdftotext(saved_pdf(produce(make_report(language="ru")))))
    assert "У 51 участницы, прошедшей оценку и до, и после" in russian
    assert "Знания выросли: 51 участница, прошедшая оценку до и после" in russian
    assert not re.search(r"51 участниц\b", russian)  # the form of 5 to 20
    assert "менее чем по 10 участницам" in russian


def test_the_one_celebration_of_a_report_is_named_so(db, make_report, saved_pdf):
    session = CopSessionFactory(event=EventFactory(member_state=state("KE"), actual_girls=40))
    add_pairs(session, [50.0] * 12, [70.0] * 12)
    english = flat(pdftotext(saved_pdf(produce(make_report()))))
    assert "The one celebration of this report integrated a Child Online Protection" in english
    assert "of the 1 celebration" not in english
    assert "Among 12 participants with both a pre and a post assessment" in english
    french = flat(pdftotext(saved_pdf(produce(make_report(language="fr")))))
    assert "L’unique célébration de ce rapport a intégré une discussion" in french


def test_a_document_number_is_never_cut_across_lines(known_pdf):
    """Russian's long masthead once set "CWG-COP/" on one line and "24/5" on the next."""
    path = known_pdf("ru")
    first_page = BIDI_CONTROLS.sub("", pages(path)[0])
    assert any("CWG-COP/24/5" in line for line in first_page.splitlines())


def test_a_report_of_one_module_draws_no_one_row_chart_and_says_why(db, make_report, saved_pdf):
    session = CopSessionFactory(event=EventFactory(member_state=state("KE"), actual_girls=40))
    add_pairs(session, [50.0] * 12, [70.0] * 12)
    english = flat(pdftotext(saved_pdf(produce(make_report()))))
    assert "All paired participants discussed one module" in english
    assert "a chart by module would hold one row, so it is left out" in english
    assert "before and after, by module" not in english  # the chart's title
    assert "Knowledge score (% correct), by module" in english  # its table stays
