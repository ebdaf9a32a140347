"""Editing questionnaires: versions, items, publication (the secretariat's work).

A questionnaire in use (answered, or behind a collection link) is frozen: the girls'
answers must keep meaning what they meant. Any change to a frozen version is applied to
a new draft version (the next number, a copy of its items), which the secretariat
publishes when ready; publishing retires the version published before. New collection
links then use the new version; sessions that already have a link keep theirs, so a
session's pre and post ask the same items.

Translations (copgirls.i18n) are part of a version: they are copied into a new version
with its items, and edited only on a draft — a frozen version keeps the words its
participants read, in every language.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import (
    CHOICE_KEYS,
    Item,
    ItemKind,
    Questionnaire,
    QuestionnaireStatus,
)
from assessments.selectors import CLOSING_VERSION_KEY
from copgirls.audit import audit_record
from copgirls.i18n import compact

_KEY_PREFIX = {
    ItemKind.KNOWLEDGE_CHOICE: "K",
    ItemKind.KNOWLEDGE_TRUE_FALSE: "K",
    ItemKind.SELF_EFFICACY: "S",
    ItemKind.INTENTION: "I",
}


def _is_frozen(questionnaire: Questionnaire) -> bool:
    return (
        questionnaire.frozen_at is not None or questionnaire.status == QuestionnaireStatus.RETIRED
    )


@transaction.atomic
def questionnaire_for_editing(*, questionnaire: Questionnaire, actor) -> Questionnaire:
    """``questionnaire`` itself while it is not frozen, else the module's next draft version."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if not _is_frozen(questionnaire):
        return questionnaire
    draft = (
        Questionnaire.objects.filter(
            module_id=questionnaire.module_id,
            status=QuestionnaireStatus.DRAFT,
            frozen_at__isnull=True,
            version__gt=questionnaire.version,
        )
        .order_by("-version")
        .first()
    )
    if draft is not None:
        return draft
    latest = Questionnaire.objects.filter(module_id=questionnaire.module_id).aggregate(
        latest=Max("version")
    )["latest"]
    draft = Questionnaire(
        module_id=questionnaire.module_id,
        version=latest + 1,
        title=questionnaire.title,
        translations=questionnaire.translations,
        shows_missed_answers=questionnaire.shows_missed_answers,
        status=QuestionnaireStatus.DRAFT,
    )
    draft.full_clean()
    draft.save()
    Item.objects.bulk_create(
        Item(
            questionnaire=draft,
            key=item.key,
            position=item.position,
            kind=item.kind,
            text=item.text,
            options=item.options,
            correct_option=item.correct_option,
            is_retired=item.is_retired,
            translations=item.translations,
        )
        for item in questionnaire.items.order_by("position", "pk")
    )
    audit_record(
        actor=actor,
        action="questionnaire.new_version",
        obj=draft,
        changes={"from_version": questionnaire.version, "version": draft.version},
    )
    return draft


def _same_item_in(questionnaire: Questionnaire, item: Item) -> Item:
    if item.questionnaire_id == questionnaire.pk:
        return Item.objects.select_for_update().get(pk=item.pk)
    return Item.objects.select_for_update().get(questionnaire=questionnaire, key=item.key)


def _options_from_texts(kind: str, texts: list[str] | None) -> list[dict[str, str]]:
    if kind != ItemKind.KNOWLEDGE_CHOICE:
        return []
    texts = [text.strip() for text in texts or [] if text.strip()]
    if len(texts) > len(CHOICE_KEYS):
        raise ValidationError(
            {"options": _("A multiple-choice question has at most %(n)s options.")},
            params={"n": len(CHOICE_KEYS)},
        )
    return [{"key": CHOICE_KEYS[i], "text": text} for i, text in enumerate(texts)]


def _next_key(questionnaire: Questionnaire, kind: str) -> str:
    # An unknown kind gets a placeholder prefix: full_clean() then says the kind is wrong.
    prefix = f"{questionnaire.module.code}-{_KEY_PREFIX.get(kind, 'X')}"
    taken = set(questionnaire.items.values_list("key", flat=True))
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


@transaction.atomic
def item_add(*, questionnaire: Questionnaire, actor, data: dict[str, Any]) -> Item:
    """Add an item at the end. ``data``: kind, text, options (texts), correct_option."""
    questionnaire = questionnaire_for_editing(questionnaire=questionnaire, actor=actor)
    kind = data["kind"]
    position = (questionnaire.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = Item(
        questionnaire=questionnaire,
        key=_next_key(questionnaire, kind),
        position=position,
        kind=kind,
        text=data["text"].strip(),
        options=_options_from_texts(kind, data.get("options")),
        correct_option=(data.get("correct_option") or "").strip().lower(),
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="questionnaire.item_add",
        obj=questionnaire,
        changes={"item": item.key, "kind": kind},
    )
    return item


@transaction.atomic
def item_update(*, item: Item, actor, data: dict[str, Any]) -> Item:
    """Change an item's text, options or correct answer (its kind stays)."""
    questionnaire = questionnaire_for_editing(questionnaire=item.questionnaire, actor=actor)
    item = _same_item_in(questionnaire, item)
    before = {"text": item.text, "options": item.options, "correct_option": item.correct_option}
    item.text = data["text"].strip()
    item.options = _options_from_texts(item.kind, data.get("options"))
    item.correct_option = (data.get("correct_option") or "").strip().lower()
    item.translations = _without_missing_options(item)
    item.full_clean()
    item.save()
    after = {"text": item.text, "options": item.options, "correct_option": item.correct_option}
    audit_record(
        actor=actor,
        action="questionnaire.item_update",
        obj=questionnaire,
        changes={
            "item": item.key,
            **{k: [before[k], after[k]] for k in after if before[k] != after[k]},
        },
    )
    return item


def _without_missing_options(item: Item) -> dict:
    """The item's translations without translated options it no longer has."""
    keys = {option["key"] for option in item.options}
    translations = {}
    for language, texts in (item.translations or {}).items():
        texts = dict(texts)
        if "options" in texts:
            texts["options"] = {k: v for k, v in texts["options"].items() if k in keys}
        translations[language] = texts
    return compact(translations)


@transaction.atomic
def item_translations_update(*, item: Item, actor, translations: dict[str, Any]) -> Item:
    """Set the item's translations (``{language: {"text", "options": {key: text}}}``).

    Only on a draft: a frozen version keeps what its participants read. Empty texts are
    dropped (that language falls back to English).
    """
    questionnaire = Questionnaire.objects.select_for_update().get(pk=item.questionnaire_id)
    if _is_frozen(questionnaire):
        raise ValidationError(
            _(
                "Version %(version)s is in use, so its translations cannot change. Change them "
                "in a draft version: editing a question makes one, with these translations."
            ),
            params={"version": questionnaire.version},
            code="frozen",
        )
    item = Item.objects.select_for_update().get(pk=item.pk)
    before = item.translations or {}
    item.translations = compact(translations)
    item.full_clean()
    changed = sorted(
        language
        for language in set(before) | set(item.translations)
        if before.get(language) != item.translations.get(language)
    )
    if changed:
        item.save(update_fields=["translations"])
        audit_record(
            actor=actor,
            action="questionnaire.item_translate",
            obj=questionnaire,
            changes={
                "item": item.key,
                **{
                    f"translations.{language}": [
                        before.get(language),
                        item.translations.get(language),
                    ]
                    for language in changed
                },
            },
        )
    return item


@transaction.atomic
def item_move(*, item: Item, actor, direction: str) -> Item:
    """Swap the item with its neighbour above (``"up"``) or below (``"down"``)."""
    if direction not in {"up", "down"}:
        raise ValidationError(_("Move an item up or down."))
    questionnaire = questionnaire_for_editing(questionnaire=item.questionnaire, actor=actor)
    item = _same_item_in(questionnaire, item)
    siblings = questionnaire.items.select_for_update()
    neighbour = (
        siblings.filter(position__lt=item.position).order_by("-position").first()
        if direction == "up"
        else siblings.filter(position__gt=item.position).order_by("position").first()
    )
    if neighbour is None:
        return item
    item.position, neighbour.position = neighbour.position, item.position
    Item.objects.bulk_update([item, neighbour], ["position"])
    audit_record(
        actor=actor,
        action="questionnaire.item_move",
        obj=questionnaire,
        changes={"item": item.key, "direction": direction},
    )
    return item


@transaction.atomic
def item_set_retired(*, item: Item, actor, retired: bool) -> Item:
    """Retire an item (it is no longer asked) or bring it back."""
    questionnaire = questionnaire_for_editing(questionnaire=item.questionnaire, actor=actor)
    item = _same_item_in(questionnaire, item)
    if item.is_retired != retired:
        item.is_retired = retired
        item.save(update_fields=["is_retired"])
        audit_record(
            actor=actor,
            action="questionnaire.item_retire" if retired else "questionnaire.item_restore",
            obj=questionnaire,
            changes={"item": item.key},
        )
    return item


@transaction.atomic
def questionnaire_publish(*, questionnaire: Questionnaire, actor) -> Questionnaire:
    """Publish a draft; the module's previously published version is retired."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    active = questionnaire.items.filter(is_retired=False)
    if not active.filter(
        kind__in=[ItemKind.KNOWLEDGE_CHOICE, ItemKind.KNOWLEDGE_TRUE_FALSE]
    ).exists():
        raise ValidationError(_("A questionnaire needs at least one knowledge question."))
    previous = list(
        Questionnaire.objects.select_for_update().filter(
            module_id=questionnaire.module_id, status=QuestionnaireStatus.PUBLISHED
        )
    )
    Questionnaire.objects.filter(pk__in=[q.pk for q in previous]).update(
        status=QuestionnaireStatus.RETIRED, updated_at=timezone.now()
    )
    questionnaire.status = QuestionnaireStatus.PUBLISHED
    questionnaire.full_clean()
    questionnaire.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action="questionnaire.publish",
        obj=questionnaire,
        changes={"retired_versions": [q.version for q in previous]},
    )
    return questionnaire


@transaction.atomic
def questionnaire_set_shows_missed_answers(
    *, questionnaire: Questionnaire, actor, shows: bool
) -> Questionnaire:
    """Whether the girls see, after post, the right answers of the knowledge questions they
    missed (issue 19). A display setting: it changes on a frozen version too, audited."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.shows_missed_answers == shows:
        return questionnaire
    before = questionnaire.shows_missed_answers
    questionnaire.shows_missed_answers = shows
    questionnaire.save(update_fields=["shows_missed_answers", "updated_at"])
    audit_record(
        actor=actor,
        action="questionnaire.shows_missed_answers",
        obj=questionnaire,
        changes={"shows_missed_answers": [before, shows]},
    )
    transaction.on_commit(lambda: cache.set(CLOSING_VERSION_KEY, str(time.time_ns()), None))
    return questionnaire
