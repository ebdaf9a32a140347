"""The scale generator's catalogue: what it needs of modules and questionnaires, translated."""

from assessments.models import Questionnaire
from demo.synthetic.generator import ensure_catalogue
from events.models import CopModule


def test_the_seed_generator_creates_missing_modules_and_questionnaires_translated(db):
    Questionnaire.objects.filter(module__code="M02").delete()
    CopModule.objects.filter(code="M02").delete()

    catalogue = ensure_catalogue()

    module = CopModule.objects.get(code="M02")
    assert module.translations["ru"]["title"]
    questionnaire = catalogue.questionnaires[module.pk]
    assert questionnaire.translations["ar"]["title"]
    items = catalogue.items[questionnaire.pk]
    assert all(set(item.translations) == {"ar", "zh-hans", "fr", "ru", "es"} for item in items)
    for item in items:
        item.full_clean()
