"""Fill the seeded questionnaires' translations from data/questionnaires.i18n.json.

Questionnaires are matched by module code, items by key — in every version of the
module's questionnaire, but only where the English text (and, for multiple choice, the
options) is still the shipped one: a translation of a rewritten question would ask
something else. Translations already present are kept.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _language(code):
    code = code.lower().replace("_", "-")
    return "zh-hans" if code.startswith("zh") else code


def _merge(current, language, texts):
    merged = dict(current or {})
    entry = dict(merged.get(language) or {})
    for name, value in texts.items():
        if value and not entry.get(name):
            entry[name] = value
    if entry:
        merged[language] = entry
    return merged


def fill(apps, schema_editor):
    Questionnaire = apps.get_model("assessments", "Questionnaire")
    Item = apps.get_model("assessments", "Item")
    english = {
        q["module"]: q
        for q in json.loads((DATA / "questionnaires.json").read_text(encoding="utf-8"))
    }
    shipped = json.loads((DATA / "questionnaires.i18n.json").read_text(encoding="utf-8"))
    for questionnaire in Questionnaire.objects.filter(
        module__code__in=list(shipped)
    ).select_related("module"):
        code = questionnaire.module.code
        source = english.get(code, {})
        source_items = {item["key"]: item for item in source.get("items", [])}
        translations = questionnaire.translations or {}
        if questionnaire.title == source.get("title"):
            for language, data in shipped[code].items():
                if data.get("title"):
                    translations = _merge(
                        translations, _language(language), {"title": data["title"]}
                    )
        if translations != (questionnaire.translations or {}):
            questionnaire.translations = translations
            questionnaire.save(update_fields=["translations"])
        changed = []
        for item in Item.objects.filter(questionnaire=questionnaire, key__in=list(source_items)):
            original = source_items[item.key]
            same_options = item.kind != "knowledge_choice" or item.options == original.get(
                "options", []
            )
            if item.text != original["text"] or item.kind != original["kind"] or not same_options:
                continue
            translations = item.translations or {}
            for language, data in shipped[code].items():
                texts = (data.get("items") or {}).get(item.key) or {}
                if item.kind != "knowledge_choice":
                    texts = {"text": texts.get("text", "")}
                translations = _merge(translations, _language(language), texts)
            if translations != (item.translations or {}):
                item.translations = translations
                changed.append(item)
        Item.objects.bulk_update(changed, ["translations"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_translations"),
        ("assessments", "0003_seed_questionnaires"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
