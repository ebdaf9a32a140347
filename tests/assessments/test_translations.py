"""Questionnaires in the six UN languages: what a girl in Amman reads, answers and scores."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from assessments.models import Answer, Item, ItemKind, Questionnaire, Response
from assessments.ratelimit import CLIENT_COOKIE
from assessments.services import item_translations_update, item_update
from copgirls.models import AuditEntry
from tests.assessments.conftest import form_data, hidden_client_id, hidden_seal


def url(link) -> str:
    return reverse("participate:respond", args=[link.code])


def first(questionnaire, kind):
    return questionnaire.items.filter(kind=kind).order_by("position").first()


def checked_value(html: str, name: str) -> str | None:
    """The value of the checked radio button ``name`` (None when none is)."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def test_the_arabic_page_shows_arabic_questions_options_and_title_right_to_left(
    girl, pre_link, questionnaire
):
    html = girl.get(url(pre_link) + "?lang=ar").content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    module = pre_link.session.module
    assert f"<h1>{escape(module.translations['ar']['title'])}</h1>" in html
    choice = first(questionnaire, ItemKind.KNOWLEDGE_CHOICE)
    arabic = choice.translations["ar"]
    assert escape(arabic["text"]) in html
    assert escape(choice.text) not in html
    for key, label in arabic["options"].items():
        option_id = f"id_item-{choice.key}_{'abcdef'.index(key)}"
        assert f'<label for="{option_id}">{escape(label)}</label>' in html
    likert = first(questionnaire, ItemKind.SELF_EFFICACY)
    assert escape(likert.translations["ar"]["text"]) in html
    # The true/false answers are the portal's own strings, marked for translation.
    assert (
        'name="item-{}" value="dont_know"'.format(first(questionnaire, "knowledge_true_false").key)
        in html
    )
    # Nothing fell back to English, so nothing is marked as another language.
    assert 'lang="en" dir="ltr"' not in html


def test_the_language_buttons_offer_all_six_languages_in_their_own_names(girl, pre_link):
    html = girl.get(url(pre_link) + "?lang=fr").content.decode()
    buttons = re.findall(
        r'<button type="submit" name="switch_lang" value="([^"]+)" lang="\1"', html
    )
    assert buttons == ["ar", "zh-hans", "en", "fr", "ru", "es"]
    for name in ("العربيّة", "简体中文", "English", "français", "Русский", "español"):
        assert name.lower() in html.lower()
    assert 'value="fr" lang="fr" class="language-button" aria-current="true"' in html
    # Enter in a text field sends the answers: the form's first submit button is not a language.
    form = html[html.index('<form method="post"') :]
    assert form.index('<button type="submit" hidden') < form.index('name="switch_lang"')


def test_switching_language_mid_questionnaire_keeps_her_answers_and_stores_nothing(
    girl, pre_link, questionnaire
):
    html = girl.get(url(pre_link) + "?lang=en").content.decode()
    client_id = hidden_client_id(html)
    choice = first(questionnaire, ItemKind.KNOWLEDGE_CHOICE)
    true_false = first(questionnaire, ItemKind.KNOWLEDGE_TRUE_FALSE)
    likert = first(questionnaire, ItemKind.SELF_EFFICACY)
    half_done = {
        "lang": "en",
        "client_submission_id": client_id,
        "submission_seal": hidden_seal(html),
        "assent": "on",
        "age_band": "13_18",
        "memorable_code": "falcon 31",
        f"item-{choice.key}": "c",
        f"item-{true_false.key}": "dont_know",
        f"item-{likert.key}": "2",
        "switch_lang": "ar",
    }

    switched = girl.post(url(pre_link), half_done)

    assert switched.status_code == 200
    html = switched.content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert 'name="lang" value="ar"' in html
    assert escape(choice.translations["ar"]["text"]) in html
    assert checked_value(html, f"item-{choice.key}") == "c"
    assert checked_value(html, f"item-{true_false.key}") == "dont_know"
    assert checked_value(html, f"item-{likert.key}") == "2"
    assert checked_value(html, "age_band") == "13_18"
    assert re.search(r'name="assent"[^>]* checked', html)
    assert 'value="falcon 31"' in html
    assert hidden_client_id(html) == client_id
    assert "error-summary" not in html  # unanswered questions are not errors yet
    assert not Response.objects.exists()
    assert set(switched.cookies) <= {"csrftoken", CLIENT_COOKIE}

    # She finishes in Arabic and sends: one response, with the answers chosen in English.
    finished = form_data(questionnaire, client_id=client_id, code="falcon 31", lang="ar")
    finished.update({f"item-{choice.key}": "c", f"item-{true_false.key}": "dont_know"})
    sent = girl.post(url(pre_link), finished)
    assert sent.status_code == 200
    assert sent["Content-Language"] == "ar" and 'lang="ar"' in sent.content.decode()
    response = Response.objects.get()
    assert Answer.objects.get(response=response, item=choice).option == "c"


def test_a_language_the_portal_does_not_have_keeps_the_page_and_sends_nothing(
    girl, pre_link, questionnaire
):
    data = {**form_data(questionnaire, lang="fr"), "switch_lang": "de"}
    html = girl.post(url(pre_link), data).content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert not Response.objects.exists()


def test_a_response_in_arabic_is_scored_exactly_like_one_in_english(pre_link, questionnaire):
    scores = {}
    for lang, address in (("en", "198.51.100.1"), ("ar", "198.51.100.2")):
        data = form_data(questionnaire, correct=2, likert=3, lang=lang, code=f"lion {lang} 12")
        sent = Client(REMOTE_ADDR=address).post(url(pre_link), data)
        assert sent.status_code == 200
    for response in Response.objects.all():
        answers = sorted(
            response.answers.values_list("item__key", "option", "likert", "is_correct")
        )
        scores[response.pk] = (
            response.knowledge_score,
            response.self_efficacy_mean,
            response.intention_mean,
            answers,
        )
    english, arabic = scores.values()
    assert english == arabic
    knowledge = questionnaire.items.filter(kind__startswith="knowledge").count()
    assert english[0] == pytest.approx(100 * 2 / knowledge)


def test_an_untranslated_question_falls_back_to_english_marked_as_english(
    girl, pre_link, questionnaire
):
    choice = first(questionnaire, ItemKind.KNOWLEDGE_CHOICE)
    choice.translations = {k: v for k, v in choice.translations.items() if k != "ar"}
    choice.save(update_fields=["translations"])

    html = girl.get(url(pre_link) + "?lang=ar").content.decode()

    assert f'<span lang="en" dir="ltr">{escape(choice.text)}</span>' in html
    first_option = choice.options[0]
    assert f'lang="en" dir="ltr">{escape(first_option["text"])}</label>' in html
    other = first(questionnaire, ItemKind.SELF_EFFICACY)
    assert escape(other.translations["ar"]["text"]) in html  # the others stay Arabic


def test_the_arabic_page_is_light_on_first_load(girl, pre_link):
    html = girl.get(url(pre_link) + "?lang=ar").content
    css = re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html)
    scripts = re.findall(rb'<script src="/static/([^"]+)"', html)
    assert scripts == [b"js/participant-offline.js"]  # the offline queue, and nothing else
    assert len(re.findall(rb"<script", html)) == 1
    files = sum(Path(finders.find(path.decode())).stat().st_size for path in css + scripts)
    assert len(html) + files <= 60 * 1024  # uncompressed: served gzipped, far less


def test_the_preview_shows_the_questionnaire_in_the_chosen_language(
    client, secretariat, questionnaire
):
    client.force_login(secretariat)
    url_ = reverse("assessments:questionnaire_preview", args=[questionnaire.pk])
    html = client.get(url_ + "?lang=zh-hans").content.decode()
    choice = first(questionnaire, ItemKind.KNOWLEDGE_CHOICE)
    assert escape(choice.translations["zh-hans"]["text"]) in html
    assert escape(questionnaire.module.translations["zh-hans"]["title"]) in html
    assert 'lang="zh-hans" dir="ltr"' in html
    english = client.get(url_ + "?lang=en").content.decode()
    assert escape(choice.text) in english


# --- Secretariat: editing translations ------------------------------------------------------


def translations_url(item) -> str:
    return reverse("assessments:item_translations", args=[item.questionnaire_id, item.pk])


def test_the_secretariat_edits_translations_of_a_draft_and_it_is_audited(
    client, secretariat, questionnaire
):
    choice = first(questionnaire, ItemKind.KNOWLEDGE_CHOICE)
    english = choice.text
    client.force_login(secretariat)
    page = client.get(translations_url(choice))
    assert page.status_code == 200
    assert escape(choice.translations["fr"]["text"]) in page.content.decode()
    data = {}
    for language in ("ar", "zh-hans", "fr", "ru", "es"):
        data[f"text_{language}"] = choice.translations[language]["text"]
        for key, text in choice.translations[language]["options"].items():
            data[f"option_{language}_{key}"] = text
    data["text_fr"] = "  Quelle est la bonne réponse ?  "
    data["option_fr_a"] = "Le contact (corrigé)"
    data["text_es"] = ""  # no Spanish: Spanish falls back to English
    for key in choice.translations["es"]["options"]:
        data[f"option_es_{key}"] = ""

    sent = client.post(translations_url(choice), data)

    assert sent.status_code == 302
    choice.refresh_from_db()
    assert choice.translations["fr"]["text"] == "Quelle est la bonne réponse ?"
    assert choice.translations["fr"]["options"]["a"] == "Le contact (corrigé)"
    assert "es" not in choice.translations
    assert choice.text == english  # English untouched
    entry = AuditEntry.objects.get(action="questionnaire.item_translate")
    assert entry.changes["item"] == choice.key
    assert set(entry.changes) == {"item", "translations.fr", "translations.es"}


def test_translations_of_a_frozen_version_cannot_change(
    girl, client, secretariat, pre_link, questionnaire
):
    assert girl.post(url(pre_link), form_data(questionnaire)).status_code == 200
    questionnaire.refresh_from_db()
    assert questionnaire.frozen_at is not None
    choice = first(questionnaire, ItemKind.KNOWLEDGE_CHOICE)
    before = choice.translations
    client.force_login(secretariat)

    page = client.get(translations_url(choice)).content.decode()
    assert "its translations cannot change" in page
    assert 'name="text_fr"' in page and "disabled" in page

    refused = client.post(translations_url(choice), {"text_fr": "Autre chose"})
    assert refused.status_code == 409
    assert "cannot change" in refused.content.decode()
    choice.refresh_from_db()
    assert choice.translations == before
    assert not AuditEntry.objects.filter(action="questionnaire.item_translate").exists()
    with pytest.raises(ValidationError, match="cannot change"):
        item_translations_update(item=choice, actor=secretariat, translations={})


def test_a_new_version_of_a_frozen_questionnaire_keeps_the_translations(
    girl, secretariat, pre_link, questionnaire
):
    assert girl.post(url(pre_link), form_data(questionnaire)).status_code == 200
    likert = first(questionnaire, ItemKind.SELF_EFFICACY)
    updated = item_update(
        item=likert, actor=secretariat, data={"text": "I know my rights online, really."}
    )
    draft = updated.questionnaire
    assert draft.pk != questionnaire.pk
    assert draft.translations == Questionnaire.objects.get(pk=questionnaire.pk).translations
    copies = {item.key: item.translations for item in draft.items.all()}
    originals = {item.key: item.translations for item in questionnaire.items.all()}
    assert copies == originals
    assert copies[likert.key]["ar"]["text"]


def test_bad_translations_are_refused_with_a_reason(secretariat, questionnaire):
    choice = first(questionnaire, ItemKind.KNOWLEDGE_CHOICE)
    with pytest.raises(ValidationError, match="not a language of the portal"):
        item_translations_update(
            item=choice, actor=secretariat, translations={"de": {"text": "Frage"}}
        )
    with pytest.raises(ValidationError, match="options this question does not have: z"):
        item_translations_update(
            item=choice, actor=secretariat, translations={"fr": {"options": {"z": "Zut"}}}
        )
    assert not AuditEntry.objects.filter(action="questionnaire.item_translate").exists()


def test_removing_an_option_drops_its_translations(secretariat, questionnaire):
    choice = first(questionnaire, ItemKind.KNOWLEDGE_CHOICE)
    texts = [option["text"] for option in choice.options][:3]
    data = {"text": choice.text, "options": texts, "correct_option": choice.correct_option}
    if choice.correct_option == "d":
        data["correct_option"] = "a"
    updated = item_update(item=choice, actor=secretariat, data=data)
    assert set(updated.translations["fr"]["options"]) == {"a", "b", "c"}


def test_the_seeded_questionnaires_are_translated_into_five_languages(db):
    for item in Item.objects.filter(questionnaire__module__code__in=["M01", "M10"]):
        assert set(item.translations) == {"ar", "zh-hans", "fr", "ru", "es"}, item.key
        if item.kind == ItemKind.KNOWLEDGE_CHOICE:
            assert set(item.translations["ru"]["options"]) == {o["key"] for o in item.options}


@pytest.mark.parametrize("lang", ["ar", "zh-hans", "fr", "ru", "es"])
def test_the_memorable_code_advice_is_in_her_language(girl, pre_link, lang):
    """The advice not to type her name or birthday is what a minor must understand."""
    html = girl.get(url(pre_link) + f"?lang={lang}").content.decode()
    hint = re.search(r'id="id_memorable_code-hint">(.*?)</p>', html, re.S).group(1)
    assert "Not your name" not in hint
    assert "27" in hint
    if lang == "fr":
        assert "Pas votre nom, pas votre date de naissance" in hint


#: What the memorable code must never be called: module M04 teaches girls that being asked
#: to keep a secret is a warning sign of grooming (issue 19).
SECRET_WORDS = {
    "ar": ("سري", "سرّي", "سرية"),
    "zh_Hans": ("秘密",),
    "fr": ("secret",),
    "es": ("secret",),
    "ru": ("секрет",),
}


@pytest.mark.parametrize("lang", sorted(SECRET_WORDS))
def test_the_memorable_code_is_never_called_a_secret(lang):
    """Every compiled message about the memorable code, in every language, read from the
    .mo files the pages use; and the girl's page itself names it as the catalogue does."""
    mo = Path(__file__).parents[2] / f"locale/{lang}/LC_MESSAGES/django.mo"
    with mo.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    about_the_code = {
        msgid: msgstr
        for msgid, msgstr in catalogue.items()
        if isinstance(msgid, str) and "memorable code" in msgid.lower()
    }
    assert len(about_the_code) >= 5
    for msgid, msgstr in about_the_code.items():
        assert msgstr, (lang, msgid)
        assert not any(word in msgstr.lower() for word in SECRET_WORDS[lang]), (lang, msgstr)
    with translation.override(lang):
        assert translation.gettext("Your memorable code") != "Your memorable code"
