"""The girl's page /a/<code>/: no account, no cookie but CSRF, idempotent, polite refusals."""

from __future__ import annotations

import datetime
import re
import unicodedata
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.models import Answer, Response
from assessments.ratelimit import CLIENT_COOKIE
from assessments.services import link_close
from tests.assessments.conftest import form_data, hidden_client_id


def url(link) -> str:
    return reverse("participate:respond", args=[link.code])


def test_page_shows_questionnaire_with_server_drawn_client_id(girl, pre_link, questionnaire):
    response = girl.get(url(pre_link))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Send my answers" in html
    first_item = questionnaire.items.order_by("position").first()
    assert escape(first_item.text) in html
    uuid.UUID(hidden_client_id(html))
    assert hidden_client_id(girl.get(url(pre_link)).content.decode()) != hidden_client_id(html)
    assert "not your name, not your birthday" in html.lower()
    assert 'name="viewport"' in html
    # Works without JavaScript (tests/e2e: a girl without it sends her answers); its one
    # script, deferred, only keeps answers on the device when the connection drops.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/js/participant-offline.js" defer>'
    ]


def test_no_cookie_but_csrf_and_session_untouched(girl, pre_link, questionnaire):
    response = girl.get(url(pre_link) + "?lang=fr")
    assert set(response.cookies) <= {"csrftoken", CLIENT_COOKIE}
    # The rate limits' cookie: a signed random id, only for the participant pages, not
    # readable by scripts, not sent by other sites; nothing of her address in it.
    client = response.cookies[CLIENT_COOKIE]
    assert client["httponly"] and client["samesite"] == "Lax" and client["path"] == "/a/"
    assert "198.51.100" not in client.value
    token = response.cookies["csrftoken"].value
    checked = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.23")
    checked.cookies["csrftoken"] = token
    html = checked.get(url(pre_link)).content.decode()
    middleware_token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    data = {**form_data(questionnaire), "csrfmiddlewaretoken": middleware_token}
    sent = checked.post(url(pre_link), data, HTTP_REFERER=f"http://testserver{url(pre_link)}")
    assert sent.status_code == 200
    assert set(sent.cookies) <= {"csrftoken", CLIENT_COOKIE}
    assert "sessionid" not in checked.cookies
    assert Response.objects.count() == 1


def test_csrf_is_enforced(pre_link, questionnaire):
    checked = Client(enforce_csrf_checks=True)
    assert checked.post(url(pre_link), form_data(questionnaire)).status_code == 403
    assert not Response.objects.exists()


def test_language_from_query_parameter_and_form_field(girl, pre_link, questionnaire):
    response = girl.get(url(pre_link) + "?lang=ar")
    html = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'name="lang" value="ar"' in html
    assert response["Content-Language"] == "ar"
    sent = girl.post(url(pre_link), form_data(questionnaire, lang="es"))
    assert sent["Content-Language"] == "es" and 'lang="es"' in sent.content.decode()
    assert "django_language" not in girl.cookies


def test_submission_stores_one_scored_response_and_thanks(girl, pre_link, questionnaire):
    data = form_data(questionnaire, correct=3, likert=5)
    sent = girl.post(url(pre_link), data)
    assert sent.status_code == 200
    assert "Your answers are saved" in sent.content.decode()
    response = Response.objects.get()
    knowledge = questionnaire.items.filter(kind__startswith="knowledge").count()
    assert response.knowledge_score == pytest.approx(100 * 3 / knowledge)
    assert response.self_efficacy_mean == 5
    assert response.intention_mean == 5
    assert response.phase == "pre"
    assert response.source == "web"
    assert response.answers.count() == questionnaire.items.count()
    questionnaire.refresh_from_db()
    assert questionnaire.frozen_at is not None


def test_resend_returns_same_thanks_and_stores_once(girl, pre_link, questionnaire):
    data = form_data(questionnaire)
    first = girl.post(url(pre_link), data)
    second = girl.post(url(pre_link), data)
    assert first.status_code == second.status_code == 200
    assert first["X-Submission-Stored"] == second["X-Submission-Stored"] == "1"
    assert first.content == second.content  # the same page: her code, the same helpline
    assert Response.objects.count() == 1


def test_same_client_id_with_other_answers_is_refused_first_stays(girl, pre_link, questionnaire):
    client_id = uuid.uuid4()
    girl.post(url(pre_link), form_data(questionnaire, client_id=client_id, correct=5))
    stored = Response.objects.get()
    refused = girl.post(url(pre_link), form_data(questionnaire, client_id=client_id, correct=0))
    assert refused.status_code == 409
    assert "Your first answers are kept" in refused.content.decode()
    assert Response.objects.get().pk == stored.pk
    assert Response.objects.get().knowledge_score == stored.knowledge_score
    assert Answer.objects.count() == questionnaire.items.count()


def test_resend_after_link_closed_still_thanks(girl, pre_link, questionnaire, facilitator):
    data = form_data(questionnaire)
    girl.post(url(pre_link), data)
    link_close(link=pre_link, actor=facilitator)
    assert girl.post(url(pre_link), data).status_code == 200
    assert Response.objects.count() == 1


def test_closed_link_is_polite_and_stores_nothing(girl, pre_link, questionnaire, facilitator):
    link_close(link=pre_link, actor=facilitator)
    page = girl.get(url(pre_link))
    assert page.status_code == 404  # as an unknown code: no oracle of issued codes
    assert "If you think it should still be open" in page.content.decode()
    sent = girl.post(url(pre_link), form_data(questionnaire))
    assert sent.status_code == 410
    assert "could not be saved" in sent.content.decode()
    assert not Response.objects.exists()


def test_expired_link_is_closed(girl, pre_link, questionnaire):
    pre_link.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    pre_link.save()
    assert girl.get(url(pre_link)).status_code == 404
    assert girl.post(url(pre_link), form_data(questionnaire)).status_code == 410
    assert not Response.objects.exists()


@pytest.mark.parametrize("code", ["ZZZZZZ", "NOPE", "ACEFHJ", "a" * 40])
def test_unknown_code_answers_404_politely(girl, db, code):
    response = girl.get(f"/a/{code}/")
    assert response.status_code == 404
    assert "We could not find this questionnaire" in response.content.decode()


def test_code_typed_in_lower_case_with_spaces_is_found(girl, pre_link):
    assert girl.get(f"/a/{pre_link.code.lower()}/").status_code == 200
    typed = girl.get(reverse("participate:enter"), {"code": " " + pre_link.code.lower()})
    assert typed.status_code == 303
    assert typed["Location"].startswith(url(pre_link))


def test_code_typed_with_a_full_width_or_arabic_keyboard_is_found(girl, pre_link):
    pre_link.code = "ACE346"
    pre_link.save()
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in pre_link.code)  # "ＡＣＥ３４６"
    arabic = "ACE٣٤٦"
    for typed in (full_width, arabic):
        found = girl.get(reverse("participate:enter"), {"code": typed, "lang": "ar"})
        assert found.status_code == 303, typed
        assert found["Location"] == url(pre_link) + "?lang=ar"
        assert girl.get(f"/a/{typed}/").status_code == 200


def test_enter_page_says_when_the_code_is_unknown(girl, db):
    typed = girl.get(reverse("participate:enter"), {"code": "XXXXXX"})
    page = girl.get(typed["Location"])
    assert page.status_code == 404
    assert "We could not find this questionnaire" in page.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"assent": None}, "Please tick this box to take part"),
        ({"age_band": ""}, "Please choose your age group"),
        ({"age_band": "42"}, "Select a valid choice"),
        ({"memorable_code": ""}, "Please type your memorable code"),
        ({"memorable_code": "ab"}, "at least 4 letters"),
        ({"memorable_code": "amina@example.org"}, "e-mail address"),
        ({"memorable_code": "12/05/2011"}, "birthday"),
        ({"memorable_code": "+254 712 345 678"}, "phone number"),
        ({"gender": "robot"}, "Select a valid choice"),
        ({"item-M03-K99": "a"}, "not in this questionnaire: M03-K99"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_is_stored(
    girl, pre_link, questionnaire, change, message
):
    data = form_data(questionnaire)
    for key, value in change.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    response = girl.post(url(pre_link), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Response.objects.exists()
    assert not Answer.objects.exists()


def test_out_of_range_likert_and_unknown_option_are_refused(girl, pre_link, questionnaire):
    likert = questionnaire.items.filter(kind="self_efficacy").first()
    choice = questionnaire.items.filter(kind="knowledge_choice").first()
    data = form_data(questionnaire)
    data[f"item-{likert.key}"] = "7"
    data[f"item-{choice.key}"] = "z"
    response = girl.post(url(pre_link), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert html.count("Please choose one of the answers shown") == 4  # summary + question
    assert f'id="id_item-{likert.key}-error"' in html
    assert f'aria-describedby="id_item-{likert.key}-error"' in html
    assert not Response.objects.exists()


def test_missing_answer_is_named(girl, pre_link, questionnaire):
    data = form_data(questionnaire)
    item = questionnaire.items.order_by("position").last()
    data.pop(f"item-{item.key}")
    response = girl.post(url(pre_link), data)
    assert response.status_code == 400
    assert "Please answer this question" in response.content.decode()
    assert not Response.objects.exists()


def test_oversize_payload_is_refused(girl, pre_link, questionnaire, settings):
    data = form_data(
        questionnaire, extra={"padding": "x" * (settings.ASSESSMENTS_MAX_SUBMISSION_BYTES + 1)}
    )
    response = girl.post(url(pre_link), data)
    assert response.status_code == 413
    assert "much larger than a questionnaire" in response.content.decode()
    assert not Response.objects.exists()


def test_binary_payload_is_refused(girl, pre_link):
    response = girl.post(
        url(pre_link), b"\x00\xff\xfe" * 200, content_type="application/octet-stream"
    )
    assert response.status_code == 415
    assert "only accepts the questionnaire form" in response.content.decode()
    garbage = girl.post(
        url(pre_link),
        b"assent=\xff\x00&age_band=\x00\x01",
        content_type="application/x-www-form-urlencoded",
    )
    assert garbage.status_code == 400
    assert not Response.objects.exists()


def test_null_byte_in_memorable_code_is_refused(girl, pre_link, questionnaire):
    response = girl.post(url(pre_link), form_data(questionnaire, code="panda\x0027"))
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_two_hundred_submissions_with_ten_percent_resent_store_two_hundred(pre_link, questionnaire):
    phones = [Client(REMOTE_ADDR=f"10.0.{i // 250}.{i % 250}") for i in range(200)]
    sent = []
    for i, phone in enumerate(phones):
        data = form_data(questionnaire, code=f"girl code {i}", correct=i % 6)
        assert phone.post(url(pre_link), data).status_code == 200
        sent.append((phone, data))
    for phone, data in sent[::10]:  # 20 resends: double taps, flaky networks
        assert phone.post(url(pre_link), data).status_code == 200
    assert len(sent[::10]) == 20
    assert Response.objects.filter(session=pre_link.session).count() == 200
    assert Response.objects.values("client_submission_id").distinct().count() == 200


def test_cookies_blocked_her_answers_still_arrive_from_the_portals_own_page(
    pre_link, questionnaire
):
    """A phone that blocks cookies never holds the CSRF cookie; its browser still says, in
    the Origin header, that the form is the portal's own page."""
    no_cookies = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.23")
    sent = no_cookies.post(url(pre_link), form_data(questionnaire), HTTP_ORIGIN="http://testserver")
    assert sent.status_code == 200
    assert Response.objects.count() == 1


def test_a_form_from_another_site_is_refused(pre_link, questionnaire):
    checked = Client(enforce_csrf_checks=True)
    sent = checked.post(url(pre_link), form_data(questionnaire), HTTP_ORIGIN="https://evil.example")
    assert sent.status_code == 403
    assert not Response.objects.exists()


def test_a_failed_check_keeps_her_answers_and_speaks_her_language(pre_link, questionnaire):
    checked = Client(enforce_csrf_checks=True)
    data = form_data(questionnaire, lang="ar", code="nyota 42")
    refused = checked.post(url(pre_link), data)
    html = refused.content.decode()
    assert refused.status_code == 403
    assert '<html lang="ar" dir="rtl">' in html
    assert "CSRF" not in html
    assert 'value="nyota 42"' in html
    assert hidden_client_id(html) == data["client_submission_id"]
    item = next(key for key in data if key.startswith("item-"))
    assert re.search(rf'name="{item}" value="{data[item]}"[^>]* checked', html)
    assert not Response.objects.exists()


def test_answers_sent_after_the_link_closed_stay_on_her_page_until_it_reopens(
    girl, pre_link, questionnaire, facilitator
):
    from assessments.services import link_open

    page = girl.get(url(pre_link) + "?lang=fr")
    data = form_data(
        questionnaire, lang="fr", code="nyota 42", client_id=hidden_client_id(page.content.decode())
    )
    link_close(link=pre_link, actor=facilitator)
    refused = girl.post(url(pre_link), data)
    html = refused.content.decode()
    assert refused.status_code == 410
    assert 'lang="fr"' in html
    assert 'value="nyota 42"' in html
    item = next(key for key in data if key.startswith("item-"))
    assert re.search(rf'name="{item}" value="{data[item]}"[^>]* checked', html)
    assert not Response.objects.exists()
    link_open(session=pre_link.session, phase=pre_link.phase, actor=facilitator)
    assert girl.post(url(pre_link), data).status_code == 200
    assert Response.objects.count() == 1


def test_a_pre_stored_before_digits_were_normalised_still_pairs(
    girl, pre_link, post_link, questionnaire, monkeypatch
):
    """Her pre was stored by the portal of yesterday, which kept 'Panda ٢٧' as typed; her
    post, typed the same way after the update, pairs with it."""
    from assessments import pairing
    from assessments.selectors import session_response_summary

    def as_before(code: str) -> str:
        folded = unicodedata.normalize("NFKC", code).casefold()
        return "".join(ch for ch in folded if unicodedata.category(ch)[0] in {"L", "N"})

    with monkeypatch.context() as patched:
        patched.setattr(pairing, "normalise_memorable_code", as_before)
        pre = girl.post(url(pre_link), form_data(questionnaire, code="Panda ٢٧"))
    post = girl.post(url(post_link), form_data(questionnaire, code="Panda ٢٧"))
    assert pre.status_code == post.status_code == 200
    assert session_response_summary(pre_link.session)["pairs"] == 1
    # A girl who starts after the update pairs across keyboards.
    assert girl.post(url(pre_link), form_data(questionnaire, code="Nyota ٥")).status_code == 200
    assert girl.post(url(post_link), form_data(questionnaire, code="nyota 5")).status_code == 200
    assert session_response_summary(pre_link.session)["pairs"] == 2


def test_the_error_summary_names_each_unanswered_question_by_its_number(
    girl, pre_link, questionnaire
):
    """Three questions left blank: three different links, each "Question N: its text —
    Please answer this question.", N as numbered on the page, pointing at that question."""
    items = list(questionnaire.items.filter(is_retired=False).order_by("position"))
    data = form_data(questionnaire)
    blank = [0, 3, len(items) - 1]
    for n in blank:
        data.pop(f"item-{items[n].key}")
    response = girl.post(url(pre_link), data)
    assert response.status_code == 400
    summary = response.content.decode().split('class="error-summary"', 1)[1].split("</ul>")[0]
    links = re.findall(r'<li><a href="#([^"]+)">(.*?)</a></li>', summary, re.S)
    assert [anchor for anchor, _ in links] == [f"id_item-{items[n].key}-group" for n in blank]
    for (_, text), n in zip(links, blank, strict=True):
        plain = re.sub(r"<[^>]+>", "", text)
        assert plain.startswith(f"Question {n + 1}: "), plain
        assert plain.endswith(" — Please answer this question."), plain
        assert escape(items[n].text[:40]) in plain


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "If something online worries you"), ("ar", "إذا أقلقكِ شيء على الإنترنت")],
)
def test_the_thank_you_says_where_to_get_help_in_her_language(girl, pre_link, lang, heading):
    """Every child-protection survey ends with where to get help: after the discussion too."""
    for phase in ("pre", "post"):
        page = girl.get(
            reverse("participate:thanks", args=[pre_link.code]) + f"?lang={lang}&phase={phase}"
        )
        html = page.content.decode()
        assert page.status_code == 200
        assert f'<h2 id="help-title">{heading}</h2>' in html
        assert "helpline" in html if lang == "en" else "خط مساعدة الأطفال" in html
