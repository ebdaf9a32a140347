"""The secretariat keeps the catalogues (COP areas, regional initiatives, partner
organisations) from their pages; a regional officer links her region's member states and
celebrations to a regional initiative. Every change is audited; bad input is refused on its
field and writes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from copgirls.models import AuditEntry, MemberState, Region
from policies import services
from policies.models import CopArea, PartnerOrganisation, RegionalInitiative
from tests.events.conftest import make_event, make_session
from tests.policies.conftest import state


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


AREA = {
    "code": "a13",
    "slug": "safety-by-design",
    "title": "Safety by design",
    "guidance": "Services likely to be used by children are designed for their safety.",
    "evidence": "A regulation or code of practice that requires it.",
    "position": "13",
    "title_fr": "Sécurité dès la conception",
    "title_ar": "السلامة في التصميم",
    "guidance_es": "Los servicios se diseñan para la seguridad de los niños.",
}


def test_the_secretariat_adds_a_cop_area_with_its_translations_and_it_is_audited(secretariat):
    client = _client(secretariat)

    response = client.post("/policies/manage/catalogues/areas/new/", AREA)

    assert response.status_code == 302
    area = CopArea.objects.get(code="A13")
    assert area.title == "Safety by design" and not area.is_retired
    assert area.translations == {
        "ar": {"title": "السلامة في التصميم"},
        "fr": {"title": "Sécurité dès la conception"},
        "es": {"guidance": "Los servicios se diseñan para la seguridad de los niños."},
    }
    entry = AuditEntry.objects.get(action="policy_area.create")
    assert entry.actor == secretariat and entry.changes["code"] == [None, "A13"]
    page = client.get("/policies/manage/catalogues/", headers={"accept-language": "fr"})
    assert "Sécurité dès la conception" in page.content.decode()
    # A self-assessment now needs a level in it: the new area is in the catalogue.
    assert CopArea.objects.filter(is_retired=False).count() == 13


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"code": "a01"}, "code", "The COP area A01 exists already: choose another code."),
        ({"code": "A 13"}, "code", "A 13 is not a code: use capital letters, digits and hyphens"),
        (
            {"slug": "national-strategy-action-plan"},
            "slug",
            "Another COP area has the slug national-strategy-action-plan.",
        ),
        ({"title": ""}, "title", "This field is required."),
    ],
)
def test_a_cop_area_with_bad_input_is_refused_on_its_field_and_nothing_is_written(
    secretariat, changes, field, message
):
    response = _client(secretariat).post(
        "/policies/manage/catalogues/areas/new/", {**AREA, **changes}
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert CopArea.objects.count() == 12
    assert not AuditEntry.objects.filter(action="policy_area.create").exists()


def test_editing_an_area_keeps_its_code_and_records_what_changed(secretariat):
    area = CopArea.objects.get(code="A09")
    data = {
        "code": "Z99",  # ignored: a code never changes
        "slug": area.slug,
        "title": "Education, awareness and digital literacy",
        "guidance": area.guidance,
        "evidence": area.evidence,
        "position": area.position,
        "is_retired": "on",
        **{
            f"{field}_{language}": texts.get(field, "")
            for language, texts in area.translations.items()
            for field in ("title", "guidance", "evidence")
        },
    }

    response = _client(secretariat).post("/policies/manage/catalogues/areas/A09/edit/", data)

    assert response.status_code == 302
    area.refresh_from_db()
    assert area.code == "A09" and area.is_retired
    assert area.title == "Education, awareness and digital literacy"
    entry = AuditEntry.objects.get(action="policy_area.update")
    assert set(entry.changes) == {"title", "is_retired"}
    assert entry.changes["is_retired"] == [False, True]


INITIATIVE = {
    "code": "afr6",
    "region": "",
    "title": "Child online protection in Africa",
    "period_start": "2026",
    "period_end": "2029",
    "touches_cop": "on",
    "title_fr": "Protection des enfants en ligne en Afrique",
}


def _initiative_data(**changes):
    return {**INITIATIVE, "region": Region.objects.get(code="AFR").pk, **changes}


def test_the_secretariat_adds_a_regional_initiative_with_its_translation(secretariat):
    response = _client(secretariat).post(
        "/policies/manage/catalogues/initiatives/new/", _initiative_data()
    )

    assert response.status_code == 302
    initiative = RegionalInitiative.objects.get(code="AFR6")
    assert (initiative.region.code, initiative.period_start, initiative.period_end) == (
        "AFR",
        2026,
        2029,
    )
    assert initiative.touches_cop
    french = "Protection des enfants en ligne en Afrique"
    assert initiative.translations == {"fr": {"title": french}}
    assert AuditEntry.objects.filter(action="policy_initiative.create", actor=secretariat).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"period_start": "2029", "period_end": "2026"},
            "period_end",
            "The period ends before it starts (2026 is before 2029).",
        ),
        ({"period_start": "202"}, "period_start", "Give a year from 1990 to 2100."),
        ({"code": "EUR1"}, "code", "The regional initiative EUR1 exists already"),
    ],
)
def test_a_regional_initiative_with_bad_input_is_refused_on_its_field(
    secretariat, changes, field, message
):
    count = RegionalInitiative.objects.count()

    response = _client(secretariat).post(
        "/policies/manage/catalogues/initiatives/new/", _initiative_data(**changes)
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert RegionalInitiative.objects.count() == count


def test_the_secretariat_keeps_the_partner_organisations(secretariat):
    client = _client(secretariat)

    created = client.post(
        "/policies/manage/catalogues/partners/new/",
        {"code": "gsa", "name": "Girls' Safety Alliance", "kind": "ngo", "name_es": "Alianza"},
    )
    duplicate = client.post(
        "/policies/manage/catalogues/partners/new/",
        {"code": "UNICEF", "name": "Another UNICEF", "kind": "un_agency"},
    )
    edited = client.post(
        "/policies/manage/catalogues/partners/GSA/edit/",
        {"code": "GSA", "name": "Girls' Online Safety Alliance", "kind": "ngo"},
    )

    assert created.status_code == 302 and edited.status_code == 302
    partner = PartnerOrganisation.objects.get(code="GSA")
    assert partner.name == "Girls' Online Safety Alliance"
    assert partner.translations == {}  # the Spanish name was emptied by the edit
    assert "exists already" in " ".join(duplicate.context["form"].errors["code"])
    assert PartnerOrganisation.objects.filter(name="Another UNICEF").count() == 0
    update = AuditEntry.objects.get(action="policy_partner.update")
    assert update.changes["name"] == ["Girls' Safety Alliance", "Girls' Online Safety Alliance"]


def test_a_coordinator_may_not_keep_the_catalogues(coordinator):
    client = _client(coordinator)

    assert client.get("/policies/manage/catalogues/").status_code == 403
    assert client.post("/policies/manage/catalogues/areas/new/", AREA).status_code == 403
    assert not CopArea.objects.filter(code="A13").exists()


# --- Member states and celebrations of a regional initiative --------------------------------


def test_the_officer_links_her_regions_states_and_celebrations_and_the_page_shows_them(officer):
    kenya = state("KE")
    with_cop = make_event(kenya, title="Kisumu coding day", start_date=datetime.date(2024, 4, 25))
    make_session(with_cop)
    plain = make_event(kenya, title="Nairobi career day", start_date=datetime.date(2025, 4, 24))
    client = _client(officer)

    response = client.post(
        "/policies/manage/initiatives/AFR3/links/",
        {
            "member_states": [kenya.pk, state("UG").pk],
            "celebrations": [with_cop.pk, plain.pk],
        },
    )

    assert response.status_code == 302
    page = client.get("/policies/manage/initiatives/AFR3/").content.decode()
    assert "Kenya" in page and "Uganda" in page
    assert "Kisumu coding day" in page and "Nairobi career day" in page
    assert "2 celebrations are linked; 1 of them integrate COP." in page
    entry = AuditEntry.objects.get(action="policy_initiative.links")
    assert entry.actor == officer
    assert entry.changes["celebrations"] == [[], sorted([with_cop.pk, plain.pk])]


def test_a_state_or_celebration_outside_the_region_or_period_is_refused_and_nothing_linked(
    secretariat,
):
    initiative = RegionalInitiative.objects.get(code="AFR3")
    kenya = state("KE")
    early = make_event(kenya, title="Mombasa 2019", start_date=datetime.date(2019, 4, 25))
    french = make_event(state("FR"), title="Lyon hackathon", start_date=datetime.date(2024, 4, 25))
    with pytest.raises(ValidationError) as refused:
        services.regional_initiative_links_set(
            actor=secretariat,
            initiative=initiative,
            member_states=[kenya, state("FR")],
            celebrations=[early, french],
        )

    errors = refused.value.message_dict
    assert errors["member_states"] == ["France is not in Africa, the region of this initiative."]
    assert "Lyon hackathon is not held in Africa" in errors["celebrations"][0]
    assert errors["celebrations"][1] == (
        "Mombasa 2019 (2019) is held outside the initiative's period (2023–2025)."
    )
    assert not initiative.member_states.exists() and not initiative.celebrations.exists()
    # The page offers only the region's celebrations of the period.
    form = _client(secretariat).get("/policies/manage/initiatives/AFR3/links/").context["form"]
    offered = set(form.fields["celebrations"].queryset)
    assert early not in offered and french not in offered


def test_an_initiative_with_links_keeps_its_region(secretariat):
    initiative = RegionalInitiative.objects.get(code="AFR3")
    initiative.member_states.add(state("KE"))

    response = _client(secretariat).post(
        "/policies/manage/catalogues/initiatives/AFR3/edit/",
        {
            "code": "AFR3",
            "region": Region.objects.get(code="EUR").pk,
            "title": initiative.title,
            "period_start": initiative.period_start,
            "period_end": initiative.period_end,
            "touches_cop": "on",
        },
    )

    assert response.status_code == 200
    assert "unlink them before you move it" in " ".join(response.context["form"].errors["region"])
    initiative.refresh_from_db()
    assert initiative.region.code == "AFR"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/policies/manage/catalogues/",
        "/policies/manage/initiatives/AFR3/",
        "/policies/manage/initiatives/AFR3/links/",
        "/policies/manage/regions/AFR/",
    ],
)
def test_catalogue_and_initiative_pages_run_the_same_queries_for_two_or_twenty_links(
    secretariat, url
):
    initiative = RegionalInitiative.objects.get(code="AFR3")
    african = list(MemberState.objects.filter(region__code="AFR").order_by("iso2")[:20])

    def link(count):
        celebrations = [
            make_event(state, start_date=datetime.date(2024, 4, 25)) for state in african[:count]
        ]
        services.regional_initiative_links_set(
            actor=None,
            initiative=initiative,
            member_states=african[:count],
            celebrations=[*initiative.celebrations.all(), *celebrations],
        )

    client = _client(secretariat)
    link(2)
    few = _queries(client, url)
    link(20)

    assert _queries(client, url) == few
