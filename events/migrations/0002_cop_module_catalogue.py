"""Seed the COP module catalogue with the ten starting modules (data/cop_modules.json)."""

import json
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "cop_modules.json"


def seed(apps, schema_editor):
    CopModule = apps.get_model("events", "CopModule")
    modules = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    for position, module in enumerate(modules, start=1):
        CopModule.objects.get_or_create(
            code=module["code"],
            defaults={
                "slug": module["slug"],
                "title": module["title"],
                "summary": module["summary"],
                "risk_areas": module["risk_areas"],
                "age_bands": module["age_bands"],
                "learning_objectives": module["learning_objectives"],
                "position": position * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("events", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
