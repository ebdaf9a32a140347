"""One figure, one value: the staff dashboard, the public home, a report's data annex and its
PDF give the same celebration count, COP share and girls reached for the same scope and
period — drafts in none of them (the dashboard says how many it left out), a small cell of
girls in no total.

The figures are read as a person reads them: the dashboard's and the home page's HTML, the
annex's CSV as downloaded, the PDF's text as ``pdftotext`` gives it.
"""

from __future__ import annotations

import csv
import datetime
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copgirls.publication import last_closed_year
from tests.events.conftest import make_event, make_session
from tests.reports.test_languages import flat, pdftotext
from tests.reports.test_pdf import produce

THIS_YEAR = timezone.localdate().year
#: Reports and figures of girls cover closed years only (copgirls.publication).
CLOSED = last_closed_year()
BEFORE = CLOSED - 1


@pytest.fixture
def world(db):
    """The last closed year: Kenya 2 celebrations (70 girls, one with COP), Rwanda 1 with
    COP and 6 girls (a small cell: in no total), France 1 completed with COP whose 15 girls
    are its session's attendance, Brazil 1 published for the last day of the year (12 girls)
    — and a Kenyan draft with COP and 500 girls. The year before: Kenya 1 with COP (25
    girls) and a French draft."""
    april = datetime.date(CLOSED, 4, 23)
    make_session(make_event("KE", start_date=april, actual_girls=40))
    make_event("KE", start_date=april, actual_girls=30)
    make_session(make_event("RW", start_date=april, actual_girls=6))
    make_session(make_event("FR", start_date=april, status="completed"), girls=15)
    make_event("BR", start_date=datetime.date(CLOSED, 12, 31), actual_girls=12)
    make_session(make_event("KE", start_date=april, actual_girls=500, status="draft"))
    make_session(make_event("KE", start_date=datetime.date(BEFORE, 4, 25), actual_girls=25))
    make_event("FR", start_date=datetime.date(BEFORE, 4, 25), status="draft")


#: (celebrations, COP share in %, girls reached) a reader must find everywhere.
EXPECTED = {
    "closed_year": (5, 60.0, 97),  # 40 + 30 + 15 + 12; Rwanda's 6 and the draft's 500 in none
    "all_years": (6, 66.7, 122),  # and the year before's 25
}


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _number(text: str) -> float:
    return float(re.match(r"[\d.,]+", text).group().replace(",", ""))


def figure_list(page: str, section: str) -> dict[str, str]:
    """The ``<dt>``/``<dd>`` pairs of the ``<section>`` whose attribute names ``section``."""
    match = re.search(rf'<section[^>]*"{section}"[^>]*>(.*?)</section>', page, re.S)
    assert match, section
    return {
        _text(term): _text(value)
        for term, value in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", match.group(1), re.S)
    }


def dashboard_figures(client: Client, card: str) -> tuple[int, float, int]:
    page = client.get(reverse("events:world_dashboard")).content.decode()
    figures = figure_list(page, card)
    return (
        int(_number(figures["Celebrations"])),
        _number(figures["Integrating COP"]),
        int(_number(figures["Girls reached"])),
    )


def home_figures(client: Client) -> tuple[int, float, int]:
    page = client.get(reverse("home")).content.decode()
    return public_figures(figure_list(page, "headline-figures-title"))


def map_figures(client: Client, year: int) -> tuple[int, float, int]:
    """The totals the public world map gives for ``year``."""
    page = client.get(reverse("events:map"), {"year": year}).content.decode()
    match = re.search(r'<dl class="figure-list[^"]*">(.*?)</dl>', page, re.S)
    assert match, page[:2000]
    figures = {
        _text(term): _text(value)
        for term, value in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", match.group(1), re.S)
    }
    return public_figures(figures)


def public_figures(figures: dict[str, str]) -> tuple[int, float, int]:
    return (
        int(_number(figures["Celebrations"])),
        _number(figures["Celebrations integrating COP"]),
        int(_number(figures["Girls and young women reached"])),
    )


def annex_figures(client: Client, report) -> tuple[int, float, int]:
    content = client.get(reverse("reports:annex_csv", args=[report.pk])).content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    total = {
        row["column"]: row["value"]
        for row in rows
        if row["table"] == "reach_by_year" and row["row"] == "total"
    }
    return (
        int(total["celebrations"]),
        round(float(total["share_cop"]), 1),
        int(total["girls"]),
    )


def pdf_figures(report, tmp_path) -> tuple[int, float, int]:
    path = tmp_path / f"{report.pk}.pdf"
    with report.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    text = flat(pdftotext(path)).replace("\u00a0", " ")
    reach = re.search(
        r"(\d+) Girls in ICT celebrations were recorded in \d+ member states?, reaching "
        r"([\d,]+) girls",
        text,
    )
    share = re.search(r"\d+ of them \(([\d.]+) %\) integrated", text)
    assert reach and share, text[:2000]
    return int(reach.group(1)), float(share.group(1)), int(reach.group(2).replace(",", ""))


@pytest.mark.parametrize(("period", "first_year"), [("closed_year", CLOSED), ("all_years", BEFORE)])
def test_the_dashboard_the_home_page_the_annex_and_the_pdf_give_one_value(
    world, secretariat, make_report, tmp_path, period, first_year
):
    staff = Client()
    staff.force_login(secretariat)
    report = produce(
        make_report(
            period_start=datetime.date(first_year, 1, 1),
            period_end=datetime.date(CLOSED, 12, 31),
        )
    )

    seen = {
        "annex": annex_figures(staff, report),
        "pdf": pdf_figures(report, tmp_path),
    }
    if period == "all_years":  # the home page and the dashboards publish every closed year
        seen["home"] = home_figures(Client())
        seen["dashboard"] = dashboard_figures(staff, "all-years")
    else:
        seen["world map"] = map_figures(Client(), CLOSED)

    assert seen == dict.fromkeys(seen, EXPECTED[period])


def test_the_dashboard_says_how_many_drafts_it_leaves_out(world, secretariat):
    make_event("KE", start_date=datetime.date(THIS_YEAR, 4, 23))
    make_event("KE", start_date=datetime.date(THIS_YEAR, 4, 23), status="draft")
    staff = Client()
    staff.force_login(secretariat)

    page = staff.get(reverse("events:world_dashboard")).content.decode()

    this_year = figure_list(page, "this-year")["Celebrations"]
    all_years = figure_list(page, "all-years")["Celebrations"]
    assert this_year == "1 and 1 draft not counted"
    assert all_years == "7 and 3 drafts not counted"
    europe = re.search(r"<tr>\s*<th scope=\"row\"><a[^>]*>Europe</a></th>(.*?)</tr>", page, re.S)
    assert "1 and 1 draft not counted" in _text(europe.group(1))
