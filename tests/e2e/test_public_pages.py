"""The public face of the portal in a real browser, on a phone and in Arabic."""

import pytest

from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.e2e


def test_the_home_page_on_a_phone_is_accessible_and_fits(portal, phone):
    page = phone.new_page()
    page.goto(portal.url + "/")
    assert "Girls in ICT" in page.locator("h1").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px wide)"
    assert_accessible(page, "home (phone)")
    screenshot(page, "home-phone")


def test_the_language_switcher_turns_the_layout_right_to_left_for_arabic(portal, desktop):
    page = desktop.new_page()
    page.goto(portal.url + "/")
    page.select_option("#language-select", "ar")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    assert_accessible(page, "home (Arabic)")
    screenshot(page, "home-arabic")
