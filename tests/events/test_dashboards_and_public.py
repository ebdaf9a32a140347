"""Dashboards, public pages and the world map: right figures, small cells suppressed,
and a number of SQL queries that does not grow with the data."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from copgirls.closed_years import publishes_on
from copgirls.models import MemberState
from copgirls.names import long_date
from copgirls.publication import last_closed_year
from events import worldmap
from events.models import CopModule
from tests.events.conftest import make_event, make_session

THIS_YEAR = timezone.localdate().year
#: Girls' figures are published for closed years only (copgirls.publication).
CLOSED = last_closed_year()
IN_CLOSED_YEAR = datetime.date(CLOSED, 4, 23)
PENDING = f"published on {long_date(publishes_on(THIS_YEAR))}"


def populate(per_state: int, states=("KE", "RW", "FR", "BR", "IN")) -> None:
    modules = list(CopModule.objects.order_by("position")[:3])
    for code in states:
        state = MemberState.objects.get(iso2=code)
        for number in range(per_state):
            year = THIS_YEAR if number % 2 else 2024
            event = make_event(
                state,
                start_date=datetime.date(year, 4, 20),
                actual_girls=20 + number,
                status="draft" if number % 5 == 4 else "published",
            )
            if number % 3:
                make_session(event, modules[number % 3])


def count_queries(client, url: str) -> int:
    client.get(url)  # warm up per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


PUBLIC_URLS = [
    reverse("home"),
    reverse("events:public_list"),
    reverse("events:public_list") + "?region=AFR&year=2024",
    reverse("events:public_member_state", args=["KE"]),
    reverse("events:map"),
]
STAFF_URLS = [
    reverse("events:list"),
    reverse("events:list") + "?cop=yes&q=Celebration",
    reverse("events:world_dashboard"),
    reverse("events:region_dashboard", args=["AFR"]),
    reverse("events:state_dashboard", args=["KE"]),
    reverse("events:modules"),
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_run_a_constant_number_of_queries(
    client, db, url, django_assert_max_num_queries
):
    populate(2)
    small = count_queries(client, url)
    populate(25)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert response.status_code == 200
    assert small <= 8


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_run_a_constant_number_of_queries(
    secretariat_client, url, django_assert_max_num_queries
):
    populate(2)
    small = count_queries(secretariat_client, url)
    populate(25)
    with django_assert_max_num_queries(small):
        response = secretariat_client.get(url)
    assert response.status_code == 200
    assert small <= 10


def test_the_state_dashboard_shows_this_year_and_all_years(coordinator_client, kenya):
    m04 = CopModule.objects.get(code="M04")
    old = make_event(kenya, start_date=datetime.date(2024, 4, 25), actual_girls=50)
    make_session(old)
    make_session(old, m04, girls=11)
    make_session(old, m04, girls=9)
    recent = make_event(kenya, start_date=datetime.date(THIS_YEAR, 4, 20), actual_girls=30)
    make_session(recent, m04, girls=15)
    make_event(kenya, start_date=datetime.date(THIS_YEAR, 4, 21), status="draft")
    make_event("FR", actual_girls=500, start_date=IN_CLOSED_YEAR)

    response = coordinator_client.get(reverse("events:state_dashboard", args=["KE"]))

    dashboard = response.context["dashboard"]
    # The draft is in no figure (as on the public pages and in a report), and said apart.
    assert dashboard.this_year.celebrations == 1
    assert dashboard.this_year.drafts == 1
    assert dashboard.this_year.integrating_cop == 1
    assert dashboard.this_year.cop_share == 100.0
    # This year is open: its girls are published when it closes, for every role.
    assert str(dashboard.this_year.girls_reached) == PENDING
    assert dashboard.all_years.celebrations == 2
    assert str(dashboard.all_years.girls_reached) == "50"  # closed years only
    assert dashboard.all_years.sessions == 4
    row = next(row for row in dashboard.modules if row.code == "M04")
    # Sessions stay live; girls attending count the closed years' (11 + 9), not the 15.
    assert (row.sessions, row.sessions_this_year, str(row.girls)) == (3, 1, "20")
    page = " ".join(response.content.decode().split())
    assert "100.0%" in page
    assert "and 1 draft not counted" in page
    assert PENDING in page
    assert f"Girls are counted for closed years only, up to {CLOSED}" in page


def test_the_world_dashboard_breaks_down_by_region(secretariat_client):
    make_session(make_event("KE", actual_girls=10, start_date=IN_CLOSED_YEAR))
    make_event("RW", actual_girls=5, start_date=IN_CLOSED_YEAR)
    make_event("FR", actual_girls=7, start_date=IN_CLOSED_YEAR)

    response = secretariat_client.get(reverse("events:world_dashboard"))

    rows = {row["name"]: row["all_years"] for row in response.context["dashboard"].breakdown}
    assert (rows["Africa"].celebrations, rows["Africa"].integrating_cop) == (2, 1)
    # Rwanda's 5 girls and France's 7 are small cells: shown nowhere, in no total (the
    # region's 15 beside Kenya's 10 on its dashboard gave Rwanda's 5 away).
    assert str(rows["Africa"].girls_reached) == "10"
    assert rows["Europe"].celebrations == 1
    assert str(rows["Europe"].girls_reached) == "<10"
    assert str(response.context["dashboard"].all_years.girls_reached) == "10"
    assert 'href="/celebrations/dashboard/regions/AFR/"' in response.content.decode()


def test_dashboards_count_girls_as_the_public_pages_do_for_every_role(
    coordinator, secretariat, officer, kenya
):
    """Attack: a staff dashboard beside a public total. Drafts' girls and small cells are in
    no dashboard figure, so a dashboard minus a public page (or another dashboard) gives
    nothing back."""
    module = CopModule.objects.order_by("position").first()
    make_session(make_event(kenya, actual_girls=40, start_date=IN_CLOSED_YEAR), module, girls=12)
    # A draft: on no page, in no total.
    make_event(kenya, actual_girls=6, status="draft", start_date=IN_CLOSED_YEAR)
    make_session(make_event("RW", actual_girls=4, start_date=IN_CLOSED_YEAR), module, girls=4)

    def page(user, name, *args):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client.get(reverse(name, args=args)).context

    public = page(None, "events:map")
    region = page(officer, "events:region_dashboard", "AFR")["dashboard"]
    state = page(coordinator, "events:state_dashboard", "KE")["dashboard"]
    world = page(secretariat, "events:world_dashboard")["dashboard"]
    rows = {row["name"]: row["all_years"].girls_reached for row in region.breakdown}
    assert (str(rows["Kenya"]), str(rows["Rwanda"])) == ("40", "<10")
    for dashboard in (state, region, world):
        assert str(dashboard.all_years.girls_reached) == "40"
        # Girls attending a module: Rwanda's 4 are in no total (16 beside Kenya's 12 was 4).
        assert str(next(row.girls for row in dashboard.modules if row.code == module.code)) == (
            "12"
        )
    assert public["totals"].girls_reached.value == 40


def test_the_region_dashboard_lists_only_its_member_states(client, officer):
    make_event("KE")
    make_event("FR")
    client.force_login(officer)

    response = client.get(reverse("events:region_dashboard", args=["AFR"]))

    names = [row["name"] for row in response.context["dashboard"].breakdown]
    assert names == ["Kenya"]


# --- Public pages --------------------------------------------------------------------------------


def test_the_public_list_shows_published_celebrations_only_with_filters(client, db):
    make_event("KE", title="Nairobi published", start_date=datetime.date(2025, 4, 24))
    make_event("KE", title="Nairobi draft", status="draft")
    make_event("KE", title="Mombasa completed", status="completed")
    make_event("FR", title="Paris published")

    everything = client.get(reverse("events:public_list")).content.decode()
    assert "Nairobi published" in everything and "Mombasa completed" in everything
    assert "Nairobi draft" not in everything
    africa = client.get(reverse("events:public_list"), {"region": "AFR"}).content.decode()
    assert "Paris" not in africa and "3 published" not in africa and "2 published" in africa
    in_2025 = client.get(reverse("events:public_list"), {"year": 2025}).content.decode()
    assert "1 published celebration" in in_2025
    france = client.get(reverse("events:public_list"), {"member_state": "FR"}).content.decode()
    assert "Paris published" in france and "Nairobi" not in france


def test_small_numbers_of_girls_are_suppressed_and_left_out_of_every_total(client, db):
    make_event("KE", title="Tiny", actual_girls=4, start_date=datetime.date(2024, 4, 25))
    make_event("KE", title="Big", actual_girls=60, start_date=IN_CLOSED_YEAR)
    make_event("RW", actual_girls=7, start_date=IN_CLOSED_YEAR)

    listing = client.get(reverse("events:public_list")).content.decode()
    assert "Tiny" in listing and ">4<" not in listing  # no girls count per celebration
    kenya = client.get(reverse("events:public_member_state", args=["KE"])).context["figures"]
    assert [str(row["girls_reached"]) for row in kenya["years"]] == ["60", "<10"]
    assert str(kenya["girls_reached"]) == "60"
    rwanda = client.get(reverse("events:public_member_state", args=["RW"])).context["figures"]
    assert str(rwanda["girls_reached"]) == "<10"
    assert str(client.get(reverse("home")).context["figures"].girls_reached) == "60"
    map_page = client.get(reverse("events:map"))
    assert {row.iso2: str(row.girls_reached) for row in map_page.context["rows"]} == {
        "KE": "60",
        "RW": "<10",
    }
    assert str(map_page.context["totals"].girls_reached) == "60"
    in_2024 = client.get(reverse("events:map"), {"year": 2024}).context
    assert {row.iso2: str(row.girls_reached) for row in in_2024["rows"]} == {"KE": "<10"}
    assert "left out of every total" in map_page.content.decode()


def test_the_home_page_shows_headline_figures(client, db):
    make_session(make_event("KE", actual_girls=120, start_date=IN_CLOSED_YEAR))
    make_event("FR", actual_girls=30, start_date=IN_CLOSED_YEAR)
    make_event("BR", status="draft", actual_girls=1000, start_date=IN_CLOSED_YEAR)

    html = client.get(reverse("home")).content.decode()

    figures = client.get(reverse("home")).context["figures"]
    assert (figures.celebrations, figures.member_states, figures.sessions) == (2, 2, 1)
    assert figures.cop_share == 50.0
    assert "150" in html and "50.0%" in html
    assert reverse("events:map") in html


def test_the_member_state_page(client, db):
    make_session(make_event("KE", actual_girls=40, start_date=datetime.date(2024, 4, 25)))
    make_event("KE", actual_girls=25, title="Second", start_date=IN_CLOSED_YEAR)

    response = client.get(reverse("events:public_member_state", args=["ke"]))

    html = response.content.decode()
    assert "Girls in ICT in Kenya" in html
    assert response.context["figures"]["celebrations"] == 2
    assert str(response.context["figures"]["girls_reached"]) == "65"
    assert "Cyber" in html or "My rights online" in html
    assert client.get(reverse("events:public_member_state", args=["XX"])).status_code == 404


def test_the_world_map_is_an_svg_choropleth_with_a_table(client, db):
    for _ in range(6):
        make_event("KE")
    make_event("FR")
    make_event("FR", status="draft")

    response = client.get(reverse("events:map"))

    html = response.content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html
    assert f'fill="{worldmap.colour_for(6)}"><title>Kenya: 6 celebrations</title>' in html
    assert f'fill="{worldmap.colour_for(1)}"><title>France: 1 celebration</title>' in html
    assert "<title>Brazil: 0 celebrations</title>" in html
    assert 'href="/celebrations/countries/KE/"' in html
    assert "tile" not in html.lower()
    assert not re.search(r'(src|href)="https?://', html)


def test_the_map_data_is_small_and_covers_the_member_states(db):
    assert worldmap.SHAPES_FILE.stat().st_size < 300_000
    data = worldmap.shapes()
    drawn = set(data["shapes"]) | set(data["markers"])
    codes = set(MemberState.objects.values_list("iso3", flat=True))
    assert len(codes - drawn) <= 2  # Natural Earth 1:50m lacks only the tiniest atolls
