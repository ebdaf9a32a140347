"""Questionnaires: seeded per module, versioned, frozen once in use, edited by the secretariat."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments.models import Item, Questionnaire, QuestionnaireStatus
from copgirls.models import AuditEntry
from events.models import CopModule


def test_ten_seeded_questionnaires_meet_the_brief(db):
    questionnaires = Questionnaire.objects.filter(status=QuestionnaireStatus.PUBLISHED)
    assert sorted(q.module.code for q in questionnaires) == [f"M{n:02}" for n in range(1, 11)]
    for questionnaire in questionnaires:
        kinds = Counter(questionnaire.items.values_list("kind", flat=True))
        assert kinds["knowledge_choice"] + kinds["knowledge_true_false"] >= 5
        assert kinds["self_efficacy"] >= 3 and kinds["intention"] >= 2
        for item in questionnaire.items.all():
            item.full_clean()  # the correct option is marked and is one of the options
    assert CopModule.objects.filter(code__startswith="M").count() == 10


def test_seed_migration_is_idempotent_and_creates_missing_modules(db):
    from importlib import import_module

    from django.apps import apps

    seed = import_module("assessments.migrations.0003_seed_questionnaires").seed
    before = (Questionnaire.objects.count(), Item.objects.count(), CopModule.objects.count())
    seed(apps, None)
    assert (
        Questionnaire.objects.count(),
        Item.objects.count(),
        CopModule.objects.count(),
    ) == before


def test_editing_an_unused_draft_changes_it_in_place(client, secretariat, questionnaire):
    questionnaire.status = QuestionnaireStatus.DRAFT
    questionnaire.save()
    client.force_login(secretariat)
    response = client.post(
        reverse("assessments:item_add", args=[questionnaire.pk]),
        {
            "kind": "knowledge_choice",
            "text": "Which is safest?",
            "options": "A\nB\nC",
            "correct_option": "b",
        },
    )
    assert response["Location"] == reverse("assessments:questionnaire", args=[questionnaire.pk])
    item = questionnaire.items.get(text="Which is safest?")
    assert item.options == [
        {"key": "a", "text": "A"},
        {"key": "b", "text": "B"},
        {"key": "c", "text": "C"},
    ]
    assert item.key == "M03-K6" and item.correct_option == "b"
    assert Questionnaire.objects.filter(module=questionnaire.module).count() == 1


def test_editing_a_frozen_questionnaire_makes_a_new_version(
    client, secretariat, questionnaire, pre_link
):
    questionnaire.refresh_from_db()
    assert questionnaire.frozen_at is not None  # a link uses it
    first = questionnaire.items.order_by("position").first()
    client.force_login(secretariat)
    response = client.post(
        reverse("assessments:item_edit", args=[questionnaire.pk, first.pk]),
        {"text": "A clearer question?", "options": "One\nTwo\nThree", "correct_option": "c"},
        follow=True,
    )
    draft = Questionnaire.objects.get(module=questionnaire.module, version=2)
    assert draft.status == QuestionnaireStatus.DRAFT
    assert "version 2" in response.content.decode()
    assert draft.items.get(key=first.key).text == "A clearer question?"
    first.refresh_from_db()
    assert first.text != "A clearer question?"  # version 1 is untouched
    assert draft.items.count() == questionnaire.items.count()
    # Further edits go to the same draft, not to a third version.
    client.post(
        reverse("assessments:item_retire", args=[questionnaire.pk, first.pk]), {"retired": "1"}
    )
    assert Questionnaire.objects.filter(module=questionnaire.module).count() == 2
    assert draft.items.get(key=first.key).is_retired
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "questionnaire.new_version",
        "questionnaire.item_update",
        "questionnaire.item_retire",
    } <= actions


def test_reorder_and_retire_show_in_the_preview(client, secretariat, questionnaire):
    questionnaire.status = QuestionnaireStatus.DRAFT
    questionnaire.save()
    items = list(questionnaire.items.order_by("position"))
    client.force_login(secretariat)
    client.post(
        reverse("assessments:item_move", args=[questionnaire.pk, items[1].pk]), {"direction": "up"}
    )
    client.post(
        reverse("assessments:item_retire", args=[questionnaire.pk, items[2].pk]), {"retired": "1"}
    )
    order = list(
        questionnaire.items.filter(is_retired=False)
        .order_by("position")
        .values_list("key", flat=True)
    )
    assert order[:2] == [items[1].key, items[0].key]
    preview = client.get(
        reverse("assessments:questionnaire_preview", args=[questionnaire.pk])
    ).content.decode()
    assert preview.index(escape(items[1].text)) < preview.index(escape(items[0].text))
    assert escape(items[2].text) not in preview
    assert "This is a preview" in preview and "Your memorable code" in preview
    assert 'type="submit"' not in preview.split("questionnaire")[-1]


def test_publish_retires_the_previous_version(client, secretariat, questionnaire, pre_link):
    client.force_login(secretariat)
    item = questionnaire.items.first()
    client.post(
        reverse("assessments:item_retire", args=[questionnaire.pk, item.pk]), {"retired": "1"}
    )
    draft = Questionnaire.objects.get(module=questionnaire.module, version=2)
    client.post(reverse("assessments:publish", args=[draft.pk]))
    draft.refresh_from_db()
    questionnaire.refresh_from_db()
    assert draft.status == QuestionnaireStatus.PUBLISHED
    assert questionnaire.status == QuestionnaireStatus.RETIRED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "kind": "knowledge_choice",
                "text": "Q?",
                "options": "Only one",
                "correct_option": "a",
            },
            "2 to 6 options",
        ),
        (
            {"kind": "knowledge_choice", "text": "Q?", "options": "A\nB", "correct_option": "d"},
            "Mark one of the options (a, b)",
        ),
        (
            {"kind": "knowledge_true_false", "text": "Q?", "correct_option": "maybe"},
            "must be true or false",
        ),
        (
            {"kind": "self_efficacy", "text": "I can", "correct_option": "a"},
            "Only knowledge questions have a correct answer",
        ),
        ({"kind": "self_efficacy", "text": ""}, "This field is required"),
    ],
)
def test_bad_items_are_explained_and_not_added(client, secretariat, questionnaire, data, message):
    client.force_login(secretariat)
    count = Item.objects.count()
    response = client.post(reverse("assessments:item_add", args=[questionnaire.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Item.objects.count() == count
    assert not Questionnaire.objects.filter(version=2).exists()
