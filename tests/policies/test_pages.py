"""The resolve-1 pages: what each shows, and a number of queries that does not grow with
the number of member states, instruments and cycles."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from copgirls.models import MemberState
from policies import services
from policies.models import Level
from tests.policies.conftest import accepted_assessment, open_cycle, strategy_of

PAGES = [
    ("secretariat", "/policies/manage/"),
    ("secretariat", "/policies/manage/states/KE/"),
    ("secretariat", "/policies/manage/regions/AFR/"),
    ("secretariat", "/policies/manage/world/"),
    ("secretariat", "/policies/manage/cycles/"),
    ("secretariat", "/dashboard/"),
    (None, "/policies/?area=A03"),
    (None, "/policies/countries/KE/"),
]


def _states_reporting(count: int, cycle) -> None:
    states = MemberState.objects.filter(region__code="AFR").exclude(iso2="KE").order_by("iso2")
    for state in [MemberState.objects.get(iso2="KE"), *states[: count - 1]]:
        instrument = strategy_of(state, reference=f"{state.iso2}-{cycle.code}")
        accepted_assessment(
            state, cycle, {"A03": Level.ADOPTED, "A09": Level.PLANNED}, instrument=instrument
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(("actor", "url"), PAGES)
def test_pages_run_the_same_queries_for_two_or_twenty_reporting_states(secretariat, actor, url):
    earlier = open_cycle(
        code="2024-2025", start=datetime.date(2024, 1, 1), end=datetime.date(2025, 12, 31)
    )
    _states_reporting(2, earlier)
    services.cycle_close(actor=None, cycle=earlier)
    cycle = open_cycle()
    _states_reporting(2, cycle)
    client = Client()
    if actor:
        client.force_login(secretariat)
    few = _queries(client, url)
    others = MemberState.objects.filter(region__code="AFR").exclude(iso2="KE").order_by("iso2")
    for state in others[1:21]:
        instrument = strategy_of(state, reference=f"{state.iso2}-{cycle.code}")
        accepted_assessment(state, cycle, {"A03": Level.ADOPTED}, instrument=instrument)
    many = _queries(client, url)
    assert many == few, f"{url}: {few} queries with 2 states, {many} with 22"


def test_the_public_pages_show_only_accepted_statuses(secretariat, kenya):
    cycle = open_cycle()
    instrument = strategy_of(kenya, reference="KE-S")
    assessment = services.self_assessment_start(actor=None, member_state=kenya, cycle=cycle)
    from tests.policies.conftest import fill

    fill(assessment, {"A03": Level.ADOPTED}, instrument=instrument)
    services.self_assessment_submit(actor=None, assessment=assessment)
    client = Client()

    page = client.get("/policies/countries/KE/").content.decode()
    assert "no reviewed COP policy self-assessment yet" in page
    assert "National COP strategy of Kenya" not in page
    services.self_assessment_review(actor=secretariat, assessment=assessment, accept=True)
    page = client.get("/policies/countries/KE/").content.decode()
    assert "National COP strategy of Kenya" in page
    map_page = client.get("/policies/?area=A03").content.decode()
    assert "Kenya: adopted" in map_page
    assert "<td>adopted</td>" in map_page


def test_the_member_state_pickers_name_states_in_the_readers_language(coordinator):
    """A French coordinator picks « Allemagne », « Ouganda »… in French order, not English
    names (issue 18: names in the reader's language on every page)."""
    client = Client()
    client.force_login(coordinator)
    page = client.get("/policies/manage/states/KE/instruments/new/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    html = page.content.decode()
    assert ">Ouganda<" in html and ">Allemagne<" in html
    assert ">Uganda<" not in html and ">Germany<" not in html
    assert html.index(">Égypte<") < html.index(">Espagne<") < html.index(">Éthiopie<")
