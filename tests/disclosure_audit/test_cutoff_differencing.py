"""Cut-off differencing (issue 20): the same year read at two moments.

Two reports of one year asked at two data cut-offs — or a report beside the live public
pages and dashboards — differ by what arrived in between: here a celebration of 4 girls.
The rule (copgirls.publication): participant figures are published for closed years only,
and a closed year refuses every change. So an open year gives no figure to subtract (its
report is refused, its pages say when it is published) and a closed year's outputs agree
at every moment. Each attack goes through the paths a user has: the report request, the
celebration services, the public pages and the dashboards.

Kenya: 40 girls in the last closed year and 40 in this (open) year; then a celebration of
4 girls arrives — or is tried — in each.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from copgirls.models import Role, RoleAssignment, User
from copgirls.names import long_date
from copgirls.publication import last_closed_year, year_closes_at
from events import services as events_services
from events.models import Event
from reports.figures import build_figures
from reports.services import report_request, report_selection
from tests.reports.factories import CopSessionFactory, EventFactory, add_attendance, state

CLOSED = last_closed_year()


def publishes_on(year: int) -> datetime.date:
    """The day ``year`` closes and its figures are published (1 February of the next)."""
    return year_closes_at(year).date()


_numbers = itertools.count(1)
OPEN = timezone.now().year


def gives_nothing_away(difference: int | None) -> bool:
    return difference is None or difference == 0 or abs(difference) >= 10


@pytest.fixture(autouse=True)
def _mfa_not_required(settings):
    """The dashboards are read here; the MFA gate has its own tests (tests/copgirls)."""
    settings.MFA_REQUIRED = False


@pytest.fixture
def secretariat(db):
    user = User.objects.create_user("secretariat@example.org", "a-long-password-1")
    RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT)
    return user


@pytest.fixture
def kenya(db):
    for year in (CLOSED, OPEN):
        event = EventFactory(
            member_state=state("KE"), start_date=datetime.date(year, 4, 23), actual_girls=40
        )
        add_attendance(CopSessionFactory(event=event), girls=40)


def report_girls(secretariat, year: int) -> int | None | str:
    """Kenya's girls in a report of ``year`` asked now, as its PDF and annex give them; the
    refusal's message when the request is refused."""
    try:
        report = report_request(
            requested_by=secretariat,
            scope="member_state",
            member_state=state("KE"),
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
            language="en",
            meeting_name="CWG-COP",
            document_number=f"CWG-COP/{next(_numbers)}/1",
            enqueue=False,
        )
    except ValidationError as refused:
        return " ".join(refused.messages)
    figures = build_figures(report_selection(report), language="en")
    return figures["reach"]["total"]["girls"]["value"]


def a_small_group_arrives(year: int) -> str:
    """A coordinator registers, publishes and completes a celebration of 4 girls in
    ``year``; then edits the first celebration's girls by 4. The refusal, if refused."""
    try:
        event = events_services.event_create(
            actor=None,
            member_state=state("KE"),
            data={
                "title": "A small club",
                "organiser_reference": f"SMALL-{year}",
                "city": "Kisumu",
                "organiser": "Ministry of ICT",
                "organiser_type": "government",
                "format": "in_person",
                "activity_type": "workshop",
                "start_date": datetime.date(year, 5, 2),
                "end_date": datetime.date(year, 5, 2),
                "expected_girls": 4,
                "actual_girls": 4,
                "languages": ["en"],
            },
        )
        events_services.event_publish(actor=None, event=event)
    except ValidationError as refused:
        first = " ".join(refused.messages)
    else:
        first = ""
    try:
        edited = Event.objects.filter(year=year, actual_girls=40).first()
        fields = {"actual_girls": 44, "start_date": edited.start_date}
        events_services.event_update(actor=None, event=edited, data=fields)
    except ValidationError as refused:
        return first or " ".join(refused.messages)
    return first


def test_two_reports_of_an_open_year_at_two_cut_offs_give_back_nothing(kenya, secretariat):
    before = report_girls(secretariat, OPEN)
    assert a_small_group_arrives(OPEN) == ""  # an open year still takes celebrations
    after = report_girls(secretariat, OPEN)

    if isinstance(before, int) and isinstance(after, int):
        assert gives_nothing_away(after - before), f"report {after} − report {before}"
    closes = long_date(publishes_on(OPEN))
    assert after == (
        f"{OPEN} closes on {closes}: reports cover closed years only, so that two reports "
        "of the same year always agree."
    )


def test_two_reports_of_a_closed_year_at_two_cut_offs_agree(kenya, secretariat):
    before = report_girls(secretariat, CLOSED)
    refusal = a_small_group_arrives(CLOSED)
    after = report_girls(secretariat, CLOSED)

    assert before == after == 40, f"report {after} − report {before}"
    assert refusal.startswith(f"{CLOSED} closed on ")


def public_figures_of(year: int, secretariat) -> dict[str, int | None]:
    """Kenya's girls of ``year`` on every page that shows them, for the public and staff."""
    public = Client()
    staff = Client()
    staff.force_login(secretariat)
    world_map = public.get(reverse("events:map"), {"year": year}).context
    country = public.get(reverse("events:public_member_state", args=["KE"])).context
    by_year = {row["year"]: row["girls_reached"] for row in country["figures"]["years"]}
    dashboard = staff.get(reverse("events:state_dashboard", args=["KE"])).context["dashboard"]
    cells = {
        "map": world_map["totals"].girls_reached,
        "country page": by_year.get(year),
        "home": public.get(reverse("home")).context["figures"].girls_reached,
        "open data": None,
    }
    open_data = public.get(reverse("api:open-figures"), {"year": year}).json()
    cells["open data"] = open_data["totals"]["girls_reached"]["value"]
    if dashboard.year == year:
        cells["dashboard, this year"] = dashboard.this_year.girls_reached
    return {
        name: cell if cell is None or isinstance(cell, int) else cell.value
        for name, cell in cells.items()
    }


def test_a_report_beside_the_live_public_pages_and_dashboards_gives_back_nothing(
    kenya, secretariat
):
    """The report asked before the small group arrived, the pages read after (and the
    other way round): the difference must not be the 4 girls."""
    pages_before = public_figures_of(OPEN, secretariat)
    report = report_girls(secretariat, OPEN)
    a_small_group_arrives(OPEN)
    pages_after = public_figures_of(OPEN, secretariat)
    report_after = report_girls(secretariat, OPEN)

    for name, shown in pages_after.items():
        if isinstance(report, int) and shown is not None and name != "home":
            assert gives_nothing_away(shown - report), f"{name} {shown} − report {report}"
        before = pages_before[name]
        if before is not None and shown is not None:
            assert gives_nothing_away(shown - before), f"{name}: {shown} − {before}"
    for name, shown in pages_before.items():
        if isinstance(report_after, int) and shown is not None and name != "home":
            assert gives_nothing_away(report_after - shown), f"report {report_after} − {name}"
    # What the pages say instead of the open year's girls.
    page = Client().get(reverse("events:map"), {"year": OPEN}).content.decode()
    assert f"published on {long_date(publishes_on(OPEN))}" in " ".join(page.split())


def test_a_closed_years_report_and_pages_agree_at_every_moment(kenya, secretariat):
    report = report_girls(secretariat, CLOSED)
    a_small_group_arrives(CLOSED)
    pages = public_figures_of(CLOSED, secretariat)

    assert report == 40
    assert {name: shown for name, shown in pages.items() if name != "home"} == {
        "map": 40,
        "country page": 40,
        "open data": 40,
    }
