"""The facilitator in the field (issue 19): a 360 × 640 phone and a 1280 × 800 projector."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.utils import timezone

from assessments.answers import Submission
from assessments.models import CollectionLink, ItemKind, Phase, Response
from assessments.selectors import link_for_submission
from assessments.services import link_open, response_submit
from copgirls.models import Role
from events.models import CopModule, CopSession
from tests.assessments.test_paper_kit import pdf_text, printed_mark
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_journeys import (
    MODULE,
    answer_questionnaire,
    answers_of,
    fits_width,
    published_event,
    questionnaire_items,
    real_passwords,  # noqa: F401 (a fixture)
    sign_in,
    staff_account,
)

#: What a finger can hit (WCAG 2.5.5): buttons, fields, menus, not links inside a sentence.
#: A radio button or a checkbox is hit through its label.
TARGETS = (
    "main button, main .button, main select, header summary, header select, header button, "
    "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    "main label:has(input[type=radio]), main label:has(input[type=checkbox]), "
    "main input[type=checkbox] + label"
)


def small_targets(page) -> list[str]:
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
            .filter(e => e.offsetParent !== null)
            .filter(e => e.getBoundingClientRect().height < 44)
            .map(e => e.tagName + '.' + e.className + '#' + e.id + ' '
                      + Math.round(e.getBoundingClientRect().height) + ' px')""",
        TARGETS,
    )


def no_sideways_scroll(page, width: int = 360) -> None:
    """Neither the page nor any table's scroll area is wider than the phone."""
    fits_width(page, width)
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll')]
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => e.firstElementChild.className + ' ' + e.scrollWidth)"""
    )
    assert not hidden, f"{page.url}: a table scrolls sideways: {hidden}"
    assert not small_targets(page), f"{page.url}: targets under 44 px: {small_targets(page)}"


@pytest.mark.usefixtures("real_passwords")
def test_a_facilitator_on_a_360_px_phone_logs_a_session_and_opens_pre_in_two_taps(portal, browser):
    event = published_event("Girls in ICT Day Mombasa")
    facilitator, _ = staff_account(
        "zawadi@school.ke.example", Role.FACILITATOR, totp=False, event=event
    )
    phone = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=2)
    page = phone.new_page()
    sign_in(page, portal, facilitator.email)

    # The staff menu is one button on the phone, and opens without JavaScript's help.
    assert not page.locator(".site-nav").is_visible()
    menu = page.locator("header summary")
    assert menu.is_visible()
    menu.click()
    assert page.locator(".site-menu nav a").first.is_visible()
    no_sideways_scroll(page)

    page.goto(f"{portal.url}/celebrations/manage/{event.pk}/")
    no_sideways_scroll(page)
    started = time.monotonic()
    page.locator("main").get_by_role("link", name="Log a COP session").click()
    no_sideways_scroll(page)
    assert_accessible(page, "log a COP session (360 × 640)")
    page.select_option("#id_module", str(CopModule.objects.get(code=MODULE).pk))
    page.fill("#id_n_13_18_girl", "24")
    page.fill("#id_n_13_18_boy", "3")
    page.check("#id_guardian_consent_confirmed")
    screenshot(page, "field-log-session-360")
    page.get_by_role("button", name="Save the session").click()  # tap 1

    assert "The COP session is logged." in page.locator(".messages").inner_text()
    main_action = page.get_by_role("button", name="Open the pre questionnaire now")
    box = main_action.bounding_box()
    assert box and box["y"] + box["height"] <= 640, "the main action is below the fold"
    no_sideways_scroll(page)
    assert_accessible(page, "celebration after logging (360 × 640)")
    assessment = page.locator("main table").get_by_role("link", name=f"Assessment {MODULE}")
    right = assessment.bounding_box()
    assert right and right["x"] + right["width"] <= 360  # the session table is stacked
    screenshot(page, "field-session-logged-360", full_page=False)
    main_action.click()  # tap 2

    page.wait_for_url("**/pre/wall/")
    assert time.monotonic() - started < 60
    session = CopSession.objects.get(event=event)
    link = CollectionLink.objects.get(session=session, phase=Phase.PRE)
    assert page.locator(".wall-code").inner_text().strip() == link.code
    no_sideways_scroll(page)
    screenshot(page, "field-wall-360")

    # The same wall on the projector: "Scan to answer" on the screen, then presentation mode.
    projector = browser.new_context(
        viewport={"width": 1280, "height": 800}, storage_state=phone.storage_state()
    )
    wall = projector.new_page()
    wall.goto(page.url)
    caption = wall.get_by_text("Scan to answer").bounding_box()
    assert caption and caption["y"] + caption["height"] <= 800
    wall.get_by_role("link", name="Present on a projector").click()
    wall.wait_for_url("**/pre/wall/?present=1")
    assert wall.locator(".site-header, .site-footer, .breadcrumbs").count() == 0
    assert wall.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    ) == [1280, 800]
    qr = wall.locator(".present-qr svg").bounding_box()
    code = wall.locator(".wall-code").bounding_box()
    assert qr["height"] >= 0.7 * 800 and code["height"] >= 100
    assert wall.locator(".wall-url").inner_text().strip().endswith(f"/a/{link.code}/")
    assert wall.locator("#wall-count strong").inner_text() == "0"
    assert_accessible(wall, "wall, presentation mode (1280 × 800)")
    screenshot(wall, "field-wall-presentation-1280x800", full_page=False)

    items = questionnaire_items()
    response_submit(
        link=link_for_submission(link.code),
        submission=Submission(True, "13_18", "girl", "kestrel 40", answers_of(1, "pre", items)),
        client_submission_id="5a9f2c1e-0b1d-4c57-9a59-0d1b0b7e6f40",
        items=items,
    )
    wall.locator("#wall-count strong").get_by_text("1").wait_for(timeout=15_000)
    projector.close()
    phone.close()


@pytest.mark.usefixtures("real_passwords")
def test_a_paper_sheet_printed_filled_and_typed_in_scores_as_the_same_answers_on_the_web(
    portal, browser, desktop
):
    """The paper round trip in the browser: the kit downloaded from the session's page, the
    letters printed beside a girl's answers typed into the grid, the same scores as hers."""
    event = published_event("Girls in ICT Day Eldoret")
    facilitator, _ = staff_account(
        "neema@school.ke.example", Role.FACILITATOR, totp=False, event=event
    )
    session = CopSession.objects.create(
        event=event,
        module=CopModule.objects.get(code=MODULE),
        starts_at=timezone.now(),
        duration_minutes=45,
        delivery="in_person",
        language="en",
        guardian_consent_confirmed=True,
    )
    link = link_open(session=session, phase=Phase.PRE, actor=None)
    items = questionnaire_items()
    girl = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    girl.goto(f"{portal.url}/a/{link.code}/")
    answer_questionnaire(girl, 2, Phase.PRE, items)
    girl.locator("form.questionnaire button.button[type=submit]").click()
    girl.locator(".participant-message h1").wait_for()
    on_web = Response.objects.get(session=session, source="web")

    page = desktop.new_page()
    sign_in(page, portal, facilitator.email)
    page.goto(f"{portal.url}/assessments/sessions/{session.pk}/")
    with page.expect_download() as download:
        page.locator("#phase-pre").locator("..").get_by_role("link", name="A4").click()
    sheet = pdf_text(Path(download.value.path()).read_bytes())

    page.locator("#phase-pre").locator("..").get_by_role(
        "link", name="Type in paper answers"
    ).click()
    page.fill('input[name="r1-memorable_code"]', "paper twin 2")
    page.select_option('select[name="r1-age_band"]', "13_18")
    page.check('input[name="r1-assent"]')
    for number, item in enumerate(items, 1):
        answer = answers_of(2, Phase.PRE, items).get(item.key)
        if answer is None:
            continue
        if item.kind == ItemKind.KNOWLEDGE_CHOICE:
            label = next(o["text"] for o in item.options if o["key"] == answer)
            mark = printed_mark(sheet, number, label)
        elif item.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
            label = {"true": "True", "false": "False", "dont_know": "I don't know"}[answer]
            mark = printed_mark(sheet, number, label)
        else:
            mark = answer  # a sentence's number, printed above its words
        page.fill(f'input[name="r1-{item.key}"]', mark)
    page.get_by_role("button", name="Store these answers").click()
    assert "1 paper response stored" in page.locator(".messages").inner_text()

    on_paper = Response.objects.get(session=session, source="paper")
    scores = ("knowledge_score", "self_efficacy_mean", "intention_mean")
    assert [getattr(on_paper, s) for s in scores] == [getattr(on_web, s) for s in scores]
    assert 0 < on_paper.knowledge_score < 100
