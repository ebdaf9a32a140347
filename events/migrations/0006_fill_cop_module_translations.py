"""Fill the seeded COP modules' translations from data/cop_modules.i18n.json (by code).

A field is translated only while the module's English text is still the shipped one: a
translation of text the secretariat has since rewritten would say something else.
Translations already present are kept.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
FIELDS = ("title", "summary", "learning_objectives")


def _language(code):
    code = code.lower().replace("_", "-")
    return "zh-hans" if code.startswith("zh") else code


def fill(apps, schema_editor):
    CopModule = apps.get_model("events", "CopModule")
    english = {
        module["code"]: module
        for module in json.loads((DATA / "cop_modules.json").read_text(encoding="utf-8"))
    }
    shipped = json.loads((DATA / "cop_modules.i18n.json").read_text(encoding="utf-8"))
    for module in CopModule.objects.filter(code__in=list(shipped)):
        source = english.get(module.code, {})
        same = [name for name in FIELDS if getattr(module, name) == source.get(name)]
        translations = dict(module.translations or {})
        for language, texts in shipped[module.code].items():
            language = _language(language)
            current = dict(translations.get(language) or {})
            for name in same:
                if texts.get(name) and not current.get(name):
                    current[name] = texts[name]
            if current:
                translations[language] = current
        if translations != (module.translations or {}):
            module.translations = translations
            module.save(update_fields=["translations"])


class Migration(migrations.Migration):
    dependencies = [("events", "0005_cop_module_translations")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
