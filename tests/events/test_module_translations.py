"""The COP module catalogue in the six UN languages: pages, dashboards and the module form."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from copgirls.models import AuditEntry
from events.models import CopModule
from tests.events.conftest import make_event, make_session

FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.fixture
def m04(db):
    return CopModule.objects.get(code="M04")


def module_form(module: CopModule, **translations) -> dict:
    data = {
        "code": module.code,
        "slug": module.slug,
        "title": module.title,
        "summary": module.summary,
        "risk_areas": module.risk_areas,
        "age_bands": module.age_bands,
        "learning_objectives": "\n".join(module.learning_objectives),
        "position": str(module.position),
    }
    for language, texts in module.translations.items():
        data[f"title_{language}"] = texts.get("title", "")
        data[f"summary_{language}"] = texts.get("summary", "")
        data[f"learning_objectives_{language}"] = "\n".join(texts.get("learning_objectives", []))
    data.update(translations)
    return data


def test_the_seeded_catalogue_is_translated_into_five_languages(db):
    for module in CopModule.objects.filter(code__startswith="M"):
        assert set(module.translations) == {"ar", "zh-hans", "fr", "ru", "es"}, module.code
        for texts in module.translations.values():
            assert texts["title"] and texts["summary"]
            assert len(texts["learning_objectives"]) == len(module.learning_objectives)
    m01 = CopModule.objects.get(code="M01")
    assert m01.translations["fr"]["title"] == "Mes droits en ligne et les 4 C"


def test_the_catalogue_page_shows_modules_in_the_readers_language(secretariat_client, m04):
    html = secretariat_client.get(reverse("events:modules"), **FR).content.decode()
    french = m04.translations["fr"]
    assert escape(french["title"]) in html
    assert escape(french["summary"]) in html
    assert escape(french["learning_objectives"][0]) in html
    assert escape(m04.title) not in html
    arabic = secretariat_client.get(
        reverse("events:modules"), HTTP_ACCEPT_LANGUAGE="ar"
    ).content.decode()
    assert escape(m04.translations["ar"]["title"]) in arabic


def test_a_french_dashboard_names_the_modules_in_french(secretariat_client, kenya, m04):
    make_session(make_event(kenya, actual_girls=30), m04, girls=14)

    html = secretariat_client.get(reverse("events:world_dashboard"), **FR).content.decode()
    row = f"M04 {escape(m04.translations['fr']['title'])}</th><td>"
    assert row in html
    english = secretariat_client.get(
        reverse("events:world_dashboard"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert f"M04 {escape(m04.title)}</th>" in english


def test_a_module_without_a_translation_falls_back_to_english(secretariat_client, kenya):
    own = CopModule.objects.create(
        code="X01",
        slug="our-own-module",
        title="Our own module",
        summary="Written here, not translated yet.",
        age_bands=["13_18"],
        learning_objectives=["Learn"],
        position=999,
    )
    make_session(make_event(kenya, actual_girls=30), own, girls=14)

    dashboard = secretariat_client.get(reverse("events:world_dashboard"), **FR).content.decode()
    catalogue = secretariat_client.get(reverse("events:modules"), **FR).content.decode()

    assert "X01 Our own module</th>" in dashboard
    assert "Our own module" in catalogue and "Written here, not translated yet." in catalogue


def test_the_session_pages_name_the_module_in_the_readers_language(coordinator_client, kenya, m04):
    event = make_event(kenya, actual_girls=30)
    make_session(event, m04)
    french = escape(m04.translations["fr"]["title"])
    detail = coordinator_client.get(reverse("events:detail", args=[event.pk]), **FR)
    assert f"M04 {french}" in detail.content.decode()
    form = coordinator_client.get(reverse("events:session_create", args=[event.pk]), **FR)
    assert f">M04 {french}</option>" in form.content.decode()


def test_the_secretariat_edits_a_modules_translations_and_it_is_audited(
    secretariat_client, secretariat, m04
):
    english_title = m04.title
    data = module_form(
        m04,
        title_fr="  Inconnus en ligne  ",
        learning_objectives_fr="Premier objectif\n\n  Deuxième objectif  \n",
        title_es="",
        summary_es="",
        learning_objectives_es="",
    )

    response = secretariat_client.post(reverse("events:module_edit", args=[m04.pk]), data)

    assert response.status_code == 302
    m04.refresh_from_db()
    assert m04.title == english_title
    assert m04.translations["fr"]["title"] == "Inconnus en ligne"
    assert m04.translations["fr"]["learning_objectives"] == [
        "Premier objectif",
        "Deuxième objectif",
    ]
    assert "es" not in m04.translations  # Spanish readers now see English
    assert m04.translations["ar"]["title"]  # the other languages are kept
    entry = AuditEntry.objects.get(action="cop_module.update")
    assert entry.actor == secretariat
    old, new = entry.changes["translations"]
    assert old["fr"]["title"] != new["fr"]["title"] == "Inconnus en ligne"
    spanish = secretariat_client.get(reverse("events:modules"), HTTP_ACCEPT_LANGUAGE="es")
    assert escape(english_title) in spanish.content.decode()


def test_the_module_form_shows_each_language_in_its_own_direction(secretariat_client, m04):
    html = secretariat_client.get(reverse("events:module_edit", args=[m04.pk])).content.decode()
    assert 'name="title_ar"' in html
    assert 'lang="ar" dir="rtl"' in html
    assert f'value="{escape(m04.translations["zh-hans"]["title"])}"' in html
    for language in ("ar", "zh-hans", "fr", "ru", "es"):
        assert f'id="legend-{language}" lang="{language}"' in html


def test_a_too_long_translated_title_is_refused_and_nothing_changes(secretariat_client, m04):
    before = m04.translations
    data = module_form(m04, title_ru="я" * 201)
    response = secretariat_client.post(reverse("events:module_edit", args=[m04.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_title_ru-errors"' in html
    m04.refresh_from_db()
    assert m04.translations == before
    assert not AuditEntry.objects.filter(action="cop_module.update").exists()
