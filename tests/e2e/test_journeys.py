"""The three journeys of the portal, end to end, in Debian's Chromium.

Each journey runs through the real portal (gunicorn), a real Celery worker, PostgreSQL and
Redis (the ``portal`` fixture), as the people who use it would: a secretariat member at a
desk, a coordinator signing up from her invitation e-mail, a facilitator on her phone, twelve
girls on 360 px phones in English, Arabic and French. Every page they visit is checked with
axe-core (no serious or critical WCAG 2.1 AA violation) and key pages are saved as
screenshots under ``test-artifacts/``.
"""

from __future__ import annotations

import base64
import csv
import datetime
import hashlib
import hmac
import io
import re
import statistics
import struct
import time
import uuid

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from assessments.answers import Submission
from assessments.models import ItemKind, Phase, Questionnaire, Response, ResponseSource
from assessments.pairing import pairing_recompute
from assessments.services import (
    link_open,
    response_store,
    session_questionnaire,
)
from copgirls.closed_years import loading_history
from copgirls.i18n import localized
from copgirls.models import MemberState, Role, User
from copgirls.publication import last_closed_year
from copgirls.services import role_grant
from events.models import (
    ActivityType,
    CopModule,
    CopSession,
    Event,
    EventFormat,
    EventStatus,
    OrganiserType,
    girls_in_ict_day,
)
from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = pytest.mark.e2e

PASSWORD = "Kilimanjaro-sunrise-2026"
MODULE = "M01"
PARTICIPANTS = 12
#: Two girls answer in Arabic, one in French, the others in English.
LANGUAGES = ["ar", "ar", "fr"] + ["en"] * (PARTICIPANTS - 3)
ANIMALS = [
    "panda", "zebra", "otter", "falcon", "gecko", "lemur",
    "okapi", "heron", "koala", "lynx", "tapir", "bison",
]  # fmt: skip
#: The largest first load of a participant page, in bytes as transferred (issue 8).
PARTICIPANT_PAGE_BUDGET = 60 * 1024


# --- Helpers -----------------------------------------------------------------------------


def totp_code(secret: str, at: float | None = None) -> str:
    """The RFC 6238 code of ``secret`` (base32) now: HMAC-SHA1, 30 s steps, 6 digits."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def fresh_totp_code(secret: str) -> str:
    """A code with at least 3 s of its 30 s window left, so the server checks the same one."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.2)
    return totp_code(secret)


def test_totp_code_matches_the_rfc_6238_test_vector():
    # RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" at T = 59 s.
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp_code(secret, at=59) == "287082"  # the last 6 of 94287082


@pytest.fixture
def real_passwords(settings):
    """Accounts made here must open in gunicorn, which knows only the real hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def staff_account(
    email: str, role: str | None = None, *, totp: bool = True, **scope
) -> tuple[User, str]:
    """An account as it is after sign-up: verified e-mail, with TOTP and recovery codes set
    up unless ``totp=False`` (a facilitator is not asked for them).

    Returns the account and its TOTP secret (the test plays the authenticator app).
    """
    account = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0])
    EmailAddress.objects.create(user=account, email=email, verified=True, primary=True)
    secret = generate_totp_secret() if totp else ""
    if totp:
        TOTP.activate(account, secret)
        RecoveryCodes.activate(account)
    if role:
        role_grant(user=account, role=role, **scope)
    return account, secret


def sign_in(page, portal, email: str, secret: str | None = None, name: str = "") -> None:
    """Sign in through the login form, then the authenticator code when the account has one."""
    page.goto(portal.url + "/accounts/login/")
    assert_accessible(page, "sign-in")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if secret:
        assert "Two-Factor Authentication" in page.content()
        assert_accessible(page, "sign-in: authenticator code")
        if name:
            screenshot(page, f"{name}-mfa")
        page.fill("#id_code", fresh_totp_code(secret))
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
    assert "/accounts/login" not in page.url, page.locator("main").inner_text()


def visit(page, url: str, name: str, *, shot: str | None = None) -> None:
    """Open ``url``, check the page with axe, and save a screenshot when asked."""
    page.goto(url)
    assert_accessible(page, name)
    if shot:
        screenshot(page, shot)


def fits_width(page, width: int) -> None:
    """No sideways scrolling: the page is no wider than the screen (names what sticks out)."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width
                             && e.parentElement.getBoundingClientRect().right <= width)
                .slice(0, 5)
                .map(e => e.tagName + '.' + e.className + '#' + e.id
                          + ' ' + Math.round(e.getBoundingClientRect().right))""",
            width,
        )
        pytest.fail(f"{page.url} scrolls sideways at {width} px ({scroll} px wide): {wide}")


def message(page) -> str:
    return page.locator(".messages").inner_text()


def mail_links(portal, address: str) -> list[str]:
    """The invitation links e-mailed to ``address``, oldest first."""
    links = []
    for mail in portal.mails():
        for one in mail.split(
            "\n-------------------------------------------------------------------------------\n"
        ):
            if f"To: {address}" in one:
                links += re.findall(r"https?://\S+/join/[\w\-]+/", one)
    return links


def published_event(
    title: str, state: str = "KE", reference: str = "E2E-1", day: datetime.date | None = None
) -> Event:
    today = day or timezone.localdate()
    return Event.objects.create(
        member_state=MemberState.objects.get(iso2=state),
        title=title,
        organiser_reference=reference,
        city="Nairobi",
        organiser="Communications Authority of Kenya",
        organiser_type=OrganiserType.REGULATOR,
        format=EventFormat.IN_PERSON,
        activity_type=ActivityType.WORKSHOP,
        start_date=today,
        end_date=today,
        expected_girls=30,
        status=EventStatus.PUBLISHED,
    )


# --- What the girls answer, and the figures it gives ----------------------------------


def questionnaire_items():
    questionnaire = Questionnaire.objects.get(module__code=MODULE, status="published")
    return list(questionnaire.items.filter(is_retired=False).order_by("position", "pk"))


def knowledge_right(i: int, phase: str) -> int:
    """How many of the five knowledge questions girl ``i`` gets right."""
    return i % 4 if phase == Phase.PRE else (5 if i % 2 == 0 else 4)


def likert(i: int, phase: str, kind: str) -> int:
    if kind == ItemKind.SELF_EFFICACY:
        return (2 if phase == Phase.PRE else 4) + i % 2
    return 3 if phase == Phase.PRE else 4 + (i % 3 == 0)


def answers_of(i: int, phase: str, items) -> dict[str, str]:
    """Girl ``i``'s answers: the first ``knowledge_right`` knowledge items right, then wrong."""
    answers, right = {}, knowledge_right(i, phase)
    for item in items:
        if item.kind == ItemKind.KNOWLEDGE_CHOICE:
            wrong = next(key for key in item.option_keys() if key != item.correct_option)
            answers[item.key] = item.correct_option if right > 0 else wrong
            right -= 1
        elif item.kind == ItemKind.KNOWLEDGE_TRUE_FALSE:
            answers[item.key] = item.correct_option if right > 0 else "dont_know"
            right -= 1
        elif item.kind in (ItemKind.SELF_EFFICACY, ItemKind.INTENTION):
            answers[item.key] = str(likert(i, phase, item.kind))
    return answers


def expected_means(items) -> dict[str, dict[str, float]]:
    """Mean knowledge score (%) and Likert means before and after, over the twelve girls."""
    knowledge_items = sum(1 for item in items if item.is_knowledge)
    return {
        phase: {
            "knowledge": statistics.mean(
                100 * knowledge_right(i, phase) / knowledge_items for i in range(PARTICIPANTS)
            ),
            "self_efficacy": statistics.mean(
                likert(i, phase, ItemKind.SELF_EFFICACY) for i in range(PARTICIPANTS)
            ),
            "intention": statistics.mean(
                likert(i, phase, ItemKind.INTENTION) for i in range(PARTICIPANTS)
            ),
        }
        for phase in (Phase.PRE, Phase.POST)
    }


def memorable_code(i: int) -> str:
    return f"{ANIMALS[i]} {i + 11}"


def thanked(page) -> None:
    """Her thank-you: the POST's own page (issue 19), at no address of its own."""
    page.locator(".participant-message h1").wait_for()
    assert "/thanks/" not in page.url


def answer_questionnaire(page, i: int, phase: str, items) -> None:
    """Fill in and send the questionnaire as girl ``i`` (language-independent selectors)."""
    page.check("#id_assent")
    page.check('input[name="age_band"][value="13_18"]')
    page.check('input[name="gender"][value="girl"]')
    page.fill("#id_memorable_code", memorable_code(i))
    for key, value in answers_of(i, phase, items).items():
        page.check(f'input[name="item-{key}"][value="{value}"]')


# --- Journey 1: appoint, sign up, TOTP, register, import, invite ---------------------------


def test_journey_1_a_coordinator_is_appointed_signs_up_registers_and_invites(
    portal, desktop, phone, real_passwords
):
    _, secretariat_secret = staff_account("head@itu.example", Role.SECRETARIAT)
    coordinator = "wanjiru@ca.go.ke.example"
    facilitator = "amani@school.ke.example"

    # The secretariat signs in (with her authenticator) and appoints a coordinator for Kenya.
    desk = desktop.new_page()
    sign_in(desk, portal, "head@itu.example", secretariat_secret, name="journey1-secretariat")
    assert desk.url.endswith("/dashboard/")
    assert_accessible(desk, "secretariat dashboard")
    screenshot(desk, "journey1-secretariat-dashboard")
    desk.get_by_role("link", name="Appoint a coordinator or regional officer").click()
    assert_accessible(desk, "appoint")
    desk.fill("#id_email", coordinator)
    desk.select_option("#id_role", Role.COORDINATOR)
    desk.select_option("#id_member_state", label="Kenya")
    desk.get_by_role("button", name="Send the invitation").click()
    assert f"Invitation sent to {coordinator}" in message(desk)
    assert_accessible(desk, "people (after appointing)")
    screenshot(desk, "journey1-people")

    # She follows the link of her e-mail, creates her account and accepts the role.
    [link] = mail_links(portal, coordinator)
    browser = desktop.browser.new_context(viewport={"width": 1280, "height": 900})
    page = browser.new_page()
    visit(page, link, "invitation", shot="journey1-invitation")
    assert "Member-state coordinator (Kenya)" in page.locator("main").inner_text()
    page.get_by_role("link", name="I am new: create my account").click()
    assert_accessible(page, "sign-up")
    assert page.input_value("#id_email") == coordinator
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("main").get_by_role("button", name="Sign up").click()
    page.wait_for_load_state()
    if "confirm-email" in page.url or "verif" in page.content().lower():
        pytest.fail(f"the invited address should count as verified: {page.url}")
    assert "/join/" in page.url, page.url
    assert_accessible(page, "invitation (signed in)")
    page.get_by_role("button", name="Accept the role").click()

    # Her role requires two-factor sign-in: she sets up her authenticator app first.
    # allauth asks her to confirm her password before an authenticator is added.
    page.wait_for_url("**/reauthenticate/**")
    assert "requires two-factor sign-in" in message(page)
    assert_accessible(page, "confirm access")
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/2fa/totp/activate/")
    assert_accessible(page, "TOTP set-up")
    screenshot(page, "journey1-totp-setup")
    secret = page.input_value("#authenticator_secret")
    page.fill("#id_code", fresh_totp_code(secret))
    page.locator("main").get_by_role("button", name="Activate").click()
    page.wait_for_url("**/recovery-codes/")
    assert_accessible(page, "recovery codes")
    visit(page, portal.url + "/dashboard/", "coordinator dashboard")
    assert "Member-state coordinator — Kenya" in page.locator("main").inner_text()

    # She registers a celebration and publishes it.
    page.get_by_role("link", name="Manage celebrations").first.click()
    assert_accessible(page, "celebrations (empty)")
    assert "No celebrations yet — register your first." in page.locator("main").inner_text()
    page.get_by_role("link", name="register your first").click()
    page.wait_for_url("**/celebrations/manage/new/")
    assert_accessible(page, "register a celebration")
    page.fill("#id_title", "Girls in ICT Day Nairobi")
    page.fill("#id_organiser_reference", "NBO-01")
    page.fill("#id_city", "Nairobi")
    page.fill("#id_organiser", "Communications Authority of Kenya")
    page.select_option("#id_organiser_type", OrganiserType.REGULATOR)
    page.select_option("#id_format", EventFormat.IN_PERSON)
    page.select_option("#id_activity_type", ActivityType.CODING_CLASS)
    page.fill("#id_expected_girls", "40")
    screenshot(page, "journey1-register")
    page.locator("main").get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Girls in ICT Day Nairobi"
    assert message(page)
    assert_accessible(page, "celebration")
    page.get_by_role("button", name="Publish").click()
    assert "· published ·" in page.locator(".lead").inner_text()
    assert message(page)
    assert_accessible(page, "celebration (published)")

    # She imports two more from a CSV written with the template's own columns.
    visit(page, portal.url + "/celebrations/manage/import/", "import")
    template = page.request.get(portal.url + "/celebrations/manage/import/template.csv")
    assert template.ok
    header = next(csv.reader(io.StringIO(template.text().lstrip("\ufeff"))))
    day = timezone.localdate().isoformat()
    rows = [
        {
            "member_state": "KE",
            "organiser_reference": f"MSA-0{n}",
            "title": f"Coding club Mombasa {n}",
            "city": "Mombasa",
            "organiser": "Technical University of Mombasa",
            "organiser_type": "academia",
            "format": "in_person",
            "activity_type": "workshop",
            "start_date": day,
            "target_age_bands": "13_18",
            "expected_girls": "25",
            "languages": "en;sw",
            "status": "published",
        }
        for n in (1, 2)
    ]
    assert set(rows[0]) <= set(header), set(rows[0]) - set(header)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, restval="")
    writer.writeheader()
    writer.writerows(rows)
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "celebrations.csv",
                "mimeType": "text/csv",
                "buffer": buffer.getvalue().encode(),
            }
        ],
    )
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state()
    assert "2" in message(page), message(page)
    assert_accessible(page, "celebrations (after import)")
    screenshot(page, "journey1-celebrations")
    listing = page.locator("main").inner_text()
    assert "Coding club Mombasa 1" in listing and "Coding club Mombasa 2" in listing
    assert Event.objects.filter(member_state__iso2="KE").count() == 3

    # She invites a facilitator to the Nairobi celebration, from her dashboard.
    visit(page, portal.url + "/dashboard/", "coordinator dashboard (with celebrations)")
    page.get_by_role("link", name="Invite a facilitator to Girls in ICT Day Nairobi").click()
    assert_accessible(page, "invite a facilitator")
    page.fill("#id_email", facilitator)
    page.get_by_role("button", name="Send the invitation").click()
    assert f"Invitation sent to {facilitator}" in message(page)
    assert_accessible(page, "coordinator dashboard (after inviting)")
    screenshot(page, "journey1-coordinator-dashboard")
    assert facilitator in page.locator("main").inner_text()  # the pending invitation

    # The facilitator signs up from her e-mail on her phone: no authenticator needed.
    [link] = mail_links(portal, facilitator)
    mobile = phone.new_page()
    visit(mobile, link, "invitation (phone)")
    fits_width(mobile, 360)
    mobile.get_by_role("link", name="I am new: create my account").click()
    assert_accessible(mobile, "sign-up (phone)")
    fits_width(mobile, 360)
    mobile.fill("#id_password1", PASSWORD)
    mobile.fill("#id_password2", PASSWORD)
    mobile.locator("main").get_by_role("button", name="Sign up").click()
    mobile.get_by_role("button", name="Accept the role").click()
    mobile.wait_for_url("**/dashboard/")
    assert "You are now Facilitator" in message(mobile)
    assert "Girls in ICT Day Nairobi" in mobile.locator("main").inner_text()
    assert_accessible(mobile, "facilitator dashboard (phone)")
    fits_width(mobile, 360)
    browser.close()


# --- Journey 2: a COP session, pre, twelve girls, post, the pairing rate --------------------


def test_journey_2_a_facilitator_runs_pre_and_post_with_twelve_girls_on_phones(
    portal, browser, phone, real_passwords
):
    event = published_event("Girls in ICT Day Nairobi")
    facilitator, _ = staff_account(
        "amani@school.ke.example", Role.FACILITATOR, totp=False, event=event
    )
    module = CopModule.objects.get(code=MODULE)
    items = questionnaire_items()

    # She signs in on her phone and logs the COP session in under a minute.
    mobile = phone.new_page()
    sign_in(mobile, portal, facilitator.email)
    fits_width(mobile, 360)
    assert_accessible(mobile, "facilitator dashboard (phone)")
    mobile.locator("main").get_by_role("link", name="Girls in ICT Day Nairobi").click()
    assert_accessible(mobile, "celebration (phone)")
    fits_width(mobile, 360)
    assert "No COP session has been logged" in mobile.locator("main").inner_text()
    mobile.get_by_role("link", name="Log a COP session").click()
    assert_accessible(mobile, "log a COP session (phone)")
    mobile.select_option("#id_module", str(module.pk))
    mobile.fill("#id_n_13_18_girl", str(PARTICIPANTS))
    mobile.check("#id_guardian_consent_confirmed")
    screenshot(mobile, "journey2-log-session-phone")
    fits_width(mobile, 360)
    mobile.get_by_role("button", name="Save the session").click()
    assert "The COP session is logged." in message(mobile)
    session = CopSession.objects.get(event=event)

    # She opens the *pre* questionnaire and shows the code and QR code on the wall.
    mobile.get_by_role("link", name=f"Assessment {MODULE}").click()
    mobile.wait_for_url(f"**/assessments/sessions/{session.pk}/")
    assert_accessible(mobile, "assessment session (phone)")
    fits_width(mobile, 360)
    mobile.locator("#phase-pre").locator("..").get_by_role("button", name="Open").click()
    mobile.wait_for_url("**/pre/wall/")
    assert_accessible(mobile, "wall: pre (phone)")
    fits_width(mobile, 360)
    screenshot(mobile, "journey2-wall-phone")
    mobile.evaluate("document.querySelector('.wall h1').scrollIntoView({block: 'start'})")
    screenshot(mobile, "readme-wall-phone", full_page=False)
    pre_url = mobile.locator(".wall-url").inner_text().strip()
    assert mobile.locator(".wall-qr svg").count() == 1

    # Twelve girls answer on their phones: two in Arabic, one in French. Girl 0 picks Arabic
    # before answering; girl 1 answers in English, then switches to Arabic
    # with the questionnaire's own language buttons: her answers stay.
    arabic_title = localized(module, "title", "ar")
    arabic_first_question = localized(items[0], "text", "ar")
    assert arabic_title != module.title and arabic_first_question != items[0].text
    girls = [
        browser.new_context(viewport={"width": 360, "height": 740}) for _ in range(PARTICIPANTS)
    ]
    try:
        for i, context in enumerate(girls):
            girl = context.new_page()
            girl.goto(pre_url)
            if i == 1:
                answer_questionnaire(girl, i, Phase.PRE, items)
                girl.locator('button[name="switch_lang"][value="ar"]').click()
                girl.wait_for_load_state()
                assert girl.input_value("#id_memorable_code") == memorable_code(i)
                assert girl.is_checked("#id_assent")
                for key, value in answers_of(i, Phase.PRE, items).items():
                    assert girl.is_checked(f'input[name="item-{key}"][value="{value}"]'), key
                assert girl.locator(".error-summary").count() == 0
            elif LANGUAGES[i] != "en":
                girl.click(f'button[name="switch_lang"][value="{LANGUAGES[i]}"]')
                girl.wait_for_load_state()
            assert girl.get_attribute("html", "lang") == LANGUAGES[i]
            assert girl.get_attribute("html", "dir") == ("rtl" if LANGUAGES[i] == "ar" else "ltr")
            if LANGUAGES[i] == "ar":
                assert girl.locator("h1").inner_text() == arabic_title
                assert arabic_first_question in girl.locator("fieldset.question").first.inner_text()
            if i in (0, 2, 3):  # one page per language is enough for axe and the screenshots
                assert_accessible(girl, f"questionnaire ({LANGUAGES[i]})")
                fits_width(girl, 360)
                screenshot(girl, f"journey2-questionnaire-{LANGUAGES[i]}")
                screenshot(girl, f"readme-questionnaire-{LANGUAGES[i]}", full_page=False)
            if i != 1:
                answer_questionnaire(girl, i, Phase.PRE, items)
            girl.locator("form.questionnaire button.button[type=submit]").click()
            thanked(girl)
            # Her code again, to write down (issue 19) — and in no address.
            assert girl.locator(".memorable-code").inner_text().strip() == memorable_code(i)
            assert memorable_code(i) not in girl.url
            assert girl.locator(".participant-help .helpline").count() == 1
            if i == 0:
                assert_accessible(girl, "thanks (ar)")
        assert Response.objects.filter(session=session, phase=Phase.PRE).count() == PARTICIPANTS

        # The session happens; she closes *pre* and opens *post*.
        visit(mobile, f"{portal.url}/assessments/sessions/{session.pk}/", "session after pre")
        assert mobile.locator('[data-figure="pre"]').inner_text() == str(PARTICIPANTS)
        mobile.locator("#phase-pre").locator("..").get_by_role("button", name="Close now").click()
        assert "is closed" in message(mobile)
        mobile.locator("#phase-post").locator("..").get_by_role("button", name="Open").click()
        mobile.wait_for_url("**/post/wall/")
        post_url = mobile.locator(".wall-url").inner_text().strip()
        assert post_url != pre_url

        # They answer again, with the same memorable codes.
        for i, context in enumerate(girls):
            girl = context.pages[0]
            girl.goto(f"{post_url}?lang={LANGUAGES[i]}")
            assert girl.get_attribute("html", "lang") == LANGUAGES[i]
            answer_questionnaire(girl, i, Phase.POST, items)
            girl.locator("form.questionnaire button.button[type=submit]").click()
            thanked(girl)
            # Where to get help: Kenya's child helpline (or the default), in her language.
            assert girl.locator(".participant-help .helpline").count() == 1
            assert girl.locator(".memorable-code").count() == 0
            if i == 0:
                assert_accessible(girl, "thanks after post (ar)")
    finally:
        for context in girls:
            context.close()

    # She sees the pairing rate: twelve pairs, 100 %.
    mobile.get_by_role("link", name="Live view").click()
    assert_accessible(mobile, "live responses (phone)")
    fits_width(mobile, 360)
    figures = {
        name: mobile.locator(f'[data-figure="{name}"]').inner_text().strip()
        for name in ("pre", "post", "pairs", "rate")
    }
    assert figures == {"pre": "12", "post": "12", "pairs": "12", "rate": "100 %"}
    screenshot(mobile, "journey2-pairing-phone")
    mobile.locator("h1").scroll_into_view_if_needed()
    screenshot(mobile, "readme-pairing-phone", full_page=False)


# --- Journey 3: a report, its progress, the PDF --------------------------------------------


def responses_for_report(event: Event) -> CopSession:
    """A session with the twelve girls' pre and post answers, stored as sent on the day of
    the celebration — in a closed year (reports cover no other), so loaded as its history."""
    starts_at = timezone.make_aware(datetime.datetime.combine(event.start_date, datetime.time(10)))
    with loading_history():
        return _responses_for_report(event, starts_at)


def _responses_for_report(event: Event, starts_at: datetime.datetime) -> CopSession:
    session = CopSession.objects.create(
        event=event,
        module=CopModule.objects.get(code=MODULE),
        starts_at=starts_at,
        duration_minutes=60,
        delivery="in_person",
        language="en",
        guardian_consent_confirmed=True,
    )
    items = questionnaire_items()
    questionnaire = session_questionnaire(session)
    # Its links closed long ago (a closed year's links never reopen), so the answers are
    # stored as the demo loads its past years: the store a web submission ends in, dated
    # when they were sent, under the session's row lock.
    with transaction.atomic():
        CopSession.objects.select_for_update().get(pk=session.pk)
        for phase in (Phase.PRE, Phase.POST):
            moment = starts_at + datetime.timedelta(minutes=6 if phase == Phase.PRE else 71)
            for i in range(PARTICIPANTS):
                response_store(
                    session=session,
                    questionnaire=questionnaire,
                    phase=phase,
                    source=ResponseSource.WEB,
                    submission=Submission(
                        assent=True,
                        age_band="13_18",
                        gender="girl",
                        memorable_code=memorable_code(i),
                        answers=answers_of(i, phase, items),
                    ),
                    client_submission_id=uuid.uuid4(),
                    submitted_at=moment,
                    recompute_pairing=False,
                )
        pairing_recompute(session_id=session.pk)
    return session


#: The worker pauses while rendering (a test-only setting), so the progress can be seen.
@pytest.mark.parametrize("portal_env", [{"REPORTS_RENDER_DELAY_SECONDS": "3"}], indirect=True)
def test_journey_3_the_secretariat_requests_a_report_watches_it_and_reads_the_pdf(
    portal, desktop, real_passwords
):
    _, secret = staff_account("head@itu.example", Role.SECRETARIAT)
    closed = last_closed_year()
    session = responses_for_report(
        published_event("Girls in ICT Day Nairobi", day=girls_in_ict_day(closed))
    )
    means = expected_means(questionnaire_items())
    assert Response.objects.filter(session=session, counts_for_pairing=True).count() == 24

    page = desktop.new_page()
    sign_in(page, portal, "head@itu.example", secret)
    assert_accessible(page, "secretariat dashboard")
    page.get_by_role("link", name="CWG-COP reports").first.click()
    assert_accessible(page, "reports (empty)")
    page.get_by_role("link", name="Request a report").click()
    assert_accessible(page, "request a report")
    page.check('input[name="scope"][value="global"]')
    assert page.input_value("#id_year") == str(closed)  # the form offers the last closed year
    page.fill("#id_year", str(closed))
    page.select_option("#id_language", "en")
    page.fill("#id_meeting_name", "Twenty-fourth meeting of the CWG-COP, Geneva")
    page.fill("#id_document_number", "CWG-COP/24/5")
    page.get_by_role("button", name="Request the report").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    assert_accessible(page, "report (in progress)")

    # The status page updates by itself: no reload, the same document until it is ready.
    page.evaluate("window.__sameDocument = true")
    page.locator("#report-progress progress").wait_for()
    screenshot(page, "journey3-report-progress")
    page.locator(".report-ready").wait_for(timeout=90_000)
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    assert_accessible(page, "report (ready)")
    screenshot(page, "journey3-report-ready")
    page.set_viewport_size({"width": 1024, "height": 640})
    screenshot(page, "readme-report-ready", full_page=False)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(download.path()).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "CWG-COP/24/5" in flat

    # The participants' figures: 12 pairs (≥ the suppression threshold of 10, so shown),
    # knowledge 30.0 % before and 90.0 % after, Likert means 2.50 → 4.50 and 3.00 → 4.33.
    assert means[Phase.PRE]["knowledge"] == 30.0 and means[Phase.POST]["knowledge"] == 90.0
    knowledge_row = rf"12 {means[Phase.PRE]['knowledge']:.1f} {means[Phase.POST]['knowledge']:.1f}"
    assert re.search(knowledge_row, flat), f"no row '{knowledge_row}' in: {flat[:3000]}"
    for measure in ("self_efficacy", "intention"):
        row = rf"12 {means[Phase.PRE][measure]:.2f} {means[Phase.POST][measure]:.2f}"
        assert re.search(row, flat), f"no row '{row}' for {measure} in the PDF"
    assert "<10" not in flat.split("Impact", 1)[-1].split("Trends", 1)[0]


# --- The participant page's promises: no JavaScript, double clicks, weight, width ----------


@pytest.fixture
def open_pre_link(real_passwords):
    event = published_event("Girls in ICT Day Nairobi")
    session = CopSession.objects.create(
        event=event,
        module=CopModule.objects.get(code=MODULE),
        starts_at=timezone.now(),
        duration_minutes=45,
        delivery="in_person",
        language="en",
        guardian_consent_confirmed=True,
    )
    return link_open(session=session, phase=Phase.PRE, actor=None)


def test_a_girl_without_javascript_can_answer_and_send(portal, browser, open_pre_link):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{portal.url}/a/")
        page.fill("#id_code", open_pre_link.code)
        page.locator("form.questionnaire button.button[type=submit]").click()
        page.wait_for_url(f"**/a/{open_pre_link.code}/**")
        answer_questionnaire(page, 5, Phase.PRE, questionnaire_items())
        page.locator("form.questionnaire button.button[type=submit]").click()
        thanked(page)
        assert "Your answers are saved" in page.locator("h1").inner_text()
    finally:
        context.close()
    stored = Response.objects.get(session=open_pre_link.session)
    assert stored.knowledge_score == 20.0  # girl 5 gets one of five right before


def test_a_double_click_on_send_stores_one_response(portal, phone, open_pre_link):
    page = phone.new_page()
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.goto(f"{portal.url}/a/{open_pre_link.code}/")
    answer_questionnaire(page, 3, Phase.PRE, questionnaire_items())
    page.locator("form.questionnaire button.button[type=submit]").dblclick()
    thanked(page)
    page.wait_for_load_state("networkidle")
    assert len(posts) >= 1
    assert Response.objects.filter(session=open_pre_link.session).count() == 1


def test_the_participant_page_weighs_under_60_kb_and_fits_360_px(portal, phone, open_pre_link):
    """The first load of the questionnaire, as a girl's phone receives it.

    Measure: Chromium's own count of bytes received per request (CDP
    ``Network.loadingFinished.encodedDataLength``: headers plus the body *as served*, i.e.
    compressed when the server compresses), summed over every request of the first load
    (the page, its stylesheet, anything else it pulls) on an empty cache. This is what
    DevTools calls "transferred".
    """
    page = phone.new_page()
    cdp = phone.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    received: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.goto(f"{portal.url}/a/{open_pre_link.code}/")
    page.wait_for_load_state("networkidle")
    # Each address once: the offline copy the page keeps (participant-offline.js) asks
    # for its stylesheet and script again with ``cache: "force-cache"``, which a phone
    # answers from the files it has just loaded; with the cache disabled here for the
    # measure, Chromium would fetch them a second time, which no phone does.
    first: dict[str, float] = {}
    for request_id, size in received.items():
        first.setdefault(urls.get(request_id, request_id), size)
    total = sum(first.values())
    detail = ", ".join(f"{url}: {size:.0f} B" for url, size in first.items())
    assert received, "no request was measured"
    assert total <= PARTICIPANT_PAGE_BUDGET, f"first load {total:.0f} B > 60 KB ({detail})"
    assert page.locator("fieldset.question").count() == len(questionnaire_items())
    fits_width(page, 360)
    assert_accessible(page, "questionnaire (phone)")
    screenshot(page, "participant-questionnaire-phone")
    visit(page, f"{portal.url}/a/", "type the code (phone)", shot="participant-enter-code-phone")
    fits_width(page, 360)
