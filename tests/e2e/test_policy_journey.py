"""Journey 4 (resolve 1), end to end in Debian's Chromium: the secretariat opens a cycle,
Kenya's coordinator records her strategy and assesses her state, the Africa officer returns
and then accepts the self-assessment, the secretariat's CWG-COP report shows the figures.

Every page visited is checked with axe-core; key pages are saved under ``test-artifacts/``.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from copgirls.models import MemberState, Role
from copgirls.publication import last_closed_year
from policies import services
from policies.models import AssessmentStatus, CopArea, Level, SelfAssessment
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_journeys import real_passwords as gunicorn_hashers  # noqa: F401
from tests.e2e.test_journeys import sign_in, staff_account, visit

pytestmark = pytest.mark.e2e


def _desk(browser):
    """A fresh browser profile per person: no cookie carried from the one before."""
    return browser.new_context(viewport={"width": 1280, "height": 900}).new_page()


def _errors(page) -> str:
    return page.locator(".error-summary").inner_text()


def test_journey_4_a_state_assesses_its_cop_policy_the_region_reviews_the_report_counts_it(
    portal,
    browser,
    gunicorn_hashers,  # noqa: F811 -- the fixture
):
    kenya = MemberState.objects.get(iso2="KE")
    year = timezone.localdate().year
    # Reports cover closed years only: the cycle begins in the last closed one, so that
    # its report (of that year) reports on this cycle.
    closed = last_closed_year()
    _, head = staff_account("head@itu.example", Role.SECRETARIAT)
    # A second secretariat member asks for the report (one TOTP code is accepted only once).
    _, analyst = staff_account("analyst@itu.example", Role.SECRETARIAT)
    _, coordinator = staff_account("coordinator@ke.example", Role.COORDINATOR, member_state=kenya)
    _, officer = staff_account("officer@africa.example", Role.REGIONAL_OFFICER, region=kenya.region)

    # The secretariat opens the cycle.
    page = _desk(browser)
    sign_in(page, portal, "head@itu.example", head)
    visit(page, portal.url + "/policies/manage/cycles/", "reporting cycles")
    page.fill("#id_code", f"{closed}-{year + 1}")
    page.fill("#id_title", f"CWG-COP cycle {closed}-{year + 1}")
    page.fill("#id_starts_on", f"{closed}-01-01")
    page.fill("#id_ends_on", f"{year + 1}-12-31")
    page.get_by_role("button", name="Open the cycle").click()
    page.wait_for_load_state()
    assert f"The cycle CWG-COP cycle {closed}-{year + 1} is open." in page.content()
    page.context.close()

    # Kenya's coordinator: from her dashboard to her checklist.
    page = _desk(browser)
    sign_in(page, portal, "coordinator@ke.example", coordinator)
    page.get_by_role("link", name="Kenya: COP policy checklist").click()
    page.wait_for_url("**/policies/manage/states/KE/")
    assert_accessible(page, "state checklist (empty)")
    page.get_by_role("link", name="Add an instrument").first.click()
    assert_accessible(page, "add an instrument")
    page.select_option("#id_kind", "strategy")
    page.fill("#id_title", "Kenya National Child Online Protection Strategy 2025–2030")
    page.select_option("#id_status", "adopted")
    page.fill("#id_adoption_year", str(year + 1))  # a future year: refused
    page.check("#id_areas_2")  # A03
    page.fill("#id_link", "javascript:alert(1)")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    errors = _errors(page)
    assert "cannot have been adopted in the future" in errors
    assert "Enter a valid URL" in errors
    assert_accessible(page, "add an instrument (errors)")
    page.fill("#id_adoption_year", str(year - 1))
    page.fill("#id_link", "https://www.ca.go.ke/cop-strategy")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/policies/manage/states/KE/")
    assert "The instrument is saved." in page.content()

    # A level above "none" needs evidence.
    page.goto(portal.url + "/policies/manage/states/KE/areas/A01/")
    assert_accessible(page, "assess an area")
    page.check("#id_level_1")  # planned
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "needs evidence" in _errors(page)
    page.fill("#id_note", "The Cabinet mandated a review of the Children Act in 2026.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/policies/manage/states/KE/")
    page.goto(portal.url + "/policies/manage/states/KE/areas/A03/")
    page.check("#id_level_3")  # adopted
    page.check("#id_instruments_0")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/policies/manage/states/KE/")

    # Submitting with areas missing says which.
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    assert "missing: A02 National coordination and governance" in page.content()
    assessment = SelfAssessment.objects.get(member_state=kenya)
    for area in CopArea.objects.exclude(code__in=["A01", "A03"]):
        services.area_status_set(actor=None, assessment=assessment, area=area, level=Level.NONE)
    page.reload()
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    assert "is submitted to your regional officer" in page.content()
    assert_accessible(page, "state checklist (submitted)")
    screenshot(page, "journey4-checklist-submitted")
    assert page.get_by_role("link", name="Assess A01").count() == 0  # read-only now
    page.context.close()

    # The Africa officer returns it (a comment is required), then accepts it.
    page = _desk(browser)
    sign_in(page, portal, "officer@africa.example", officer)
    visit(page, portal.url + "/policies/manage/", "policy overview (officer)")
    page.get_by_role("link", name="Kenya").first.click()
    page.goto(portal.url + "/policies/manage/states/KE/review/")
    assert_accessible(page, "review a self-assessment")
    page.check("#id_decision_1")  # return
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_load_state()
    assert "Say what the coordinator should change" in _errors(page)
    page.check("#id_decision_0")  # accept
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url("**/policies/manage/states/KE/")
    assert "The self-assessment is accepted." in page.content()
    visit(
        page, portal.url + "/policies/manage/regions/AFR/", "region matrix", shot="journey4-region"
    )
    page.context.close()
    assert SelfAssessment.objects.get(member_state=kenya).status == AssessmentStatus.ACCEPTED

    # Public: Kenya's accepted levels, and the map coloured by the strategy area.
    page = _desk(browser)
    visit(page, portal.url + "/policies/countries/KE/", "public state policy")
    assert "Kenya National Child Online Protection Strategy 2025–2030" in page.content()
    visit(page, portal.url + "/policies/?area=A03", "public policy map", shot="journey4-map")
    assert page.locator("#map-table + .table-scroll tbody tr").count() == 1
    page.context.close()

    # The secretariat's report shows them.
    page = _desk(browser)
    sign_in(page, portal, "analyst@itu.example", analyst)
    visit(page, portal.url + "/reports/", "reports")
    page.get_by_role("link", name="Request a report").click()
    page.check('input[name="scope"][value="global"]')
    page.fill("#id_year", str(closed))
    page.select_option("#id_language", "en")
    page.fill("#id_meeting_name", "Twenty-fourth meeting of the CWG-COP, Geneva")
    page.fill("#id_document_number", "CWG-COP/24/6")
    page.get_by_role("button", name="Request the report").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    page.locator(".report-ready").wait_for(timeout=90_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    text = " ".join(p.extract_text() for p in PdfReader(download_info.value.path()).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "2 Strategic plans, policies and programmes (resolve 1)" in flat
    assert "Of the 195 member states in scope, 1 reported in this cycle." in flat
    assert "1 of them (100.0 %) has a national COP strategy adopted or better." in flat
    assert re.search(r"A03 National strategy and action plan 0 0 0 1 0 0 1", flat), flat[:4000]
    assert re.search(r"A01 Legal and regulatory framework 0 1 0 0 0 0 0", flat)
