"""Seed one published questionnaire per COP module (M01–M10) from assessments/data.

The modules themselves are seeded by the events app; whichever migration runs first, the
modules are created here with ``get_or_create`` on ``code`` from events/data/cop_modules.json
when they are missing. A module that already has a questionnaire is left alone.
"""

import json
from pathlib import Path

from django.db import migrations

BASE_DIR = Path(__file__).resolve().parent.parent.parent
MODULES = BASE_DIR / "events" / "data" / "cop_modules.json"
QUESTIONNAIRES = BASE_DIR / "assessments" / "data" / "questionnaires.json"


def seed(apps, schema_editor):
    CopModule = apps.get_model("events", "CopModule")
    Questionnaire = apps.get_model("assessments", "Questionnaire")
    Item = apps.get_model("assessments", "Item")
    modules = {}
    for position, data in enumerate(json.loads(MODULES.read_text(encoding="utf-8")), start=1):
        module, _created = CopModule.objects.get_or_create(
            code=data["code"],
            defaults={
                "slug": data["slug"],
                "title": data["title"],
                "summary": data["summary"],
                "risk_areas": data.get("risk_areas", []),
                "age_bands": data.get("age_bands", []),
                "learning_objectives": data.get("learning_objectives", []),
                "position": data.get("position", position),
            },
        )
        modules[module.code] = module
    for data in json.loads(QUESTIONNAIRES.read_text(encoding="utf-8")):
        module = modules.get(data["module"]) or CopModule.objects.get(code=data["module"])
        if Questionnaire.objects.filter(module=module).exists():
            continue
        questionnaire = Questionnaire.objects.create(
            module=module, version=1, title=data["title"], status="published"
        )
        Item.objects.bulk_create(
            Item(
                questionnaire=questionnaire,
                key=item["key"],
                position=position,
                kind=item["kind"],
                text=item["text"],
                options=item.get("options", []) if item["kind"] == "knowledge_choice" else [],
                correct_option=item.get("correct", ""),
            )
            for position, item in enumerate(data["items"], start=1)
        )


def unseed(apps, schema_editor):
    Questionnaire = apps.get_model("assessments", "Questionnaire")
    codes = [q["module"] for q in json.loads(QUESTIONNAIRES.read_text(encoding="utf-8"))]
    Questionnaire.objects.filter(
        module__code__in=codes, version=1, frozen_at__isnull=True, responses__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_initial"),
        ("events", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
