"""copgirls.i18n: a translated field in a language, or English; language codes normalised."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.utils import translation

from copgirls.i18n import localized, localized_option, normalise_language


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh-hans", "zh-hans"),
        ("zh_Hans", "zh-hans"),
        ("zh-CN", "zh-hans"),
        ("ZH", "zh-hans"),
        ("fr-CA", "fr"),
        ("ar_JO", "ar"),
        ("es-419", "es"),
        ("sw", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_language_codes_are_normalised(code, expected):
    assert normalise_language(code) == expected


MODULE = {
    "title": "Cyberbullying",
    "summary": "English summary",
    "learning_objectives": ["One", "Two"],
    "translations": {
        "fr": {"title": "Cyberharcèlement", "learning_objectives": ["Un", "Deux"]},
        "zh-hans": {"title": "网络欺凌", "summary": "  "},
    },
}


def test_a_field_in_a_language_or_english():
    assert localized(MODULE, "title", "fr") == "Cyberharcèlement"
    assert localized(MODULE, "title", "fr").lang == "fr"
    assert localized(MODULE, "summary", "fr") == "English summary"  # no French summary
    assert localized(MODULE, "summary", "fr").lang == "en"
    assert localized(MODULE, "summary", "zh_Hans").lang == "en"  # blank counts as missing
    assert localized(MODULE, "title", "zh_Hans") == "网络欺凌"
    assert localized(MODULE, "learning_objectives", "fr") == ["Un", "Deux"]
    assert localized(MODULE, "title", "ru") == "Cyberbullying"
    assert localized(MODULE, "title", "en") == "Cyberbullying"
    with translation.override("fr"):
        assert localized(MODULE, "title") == "Cyberharcèlement"


def test_options_in_a_language_or_english():
    item = {
        "options": [{"key": "a", "text": "Content"}, {"key": "b", "text": "Contact"}],
        "translations": {"ar": {"options": {"a": "المحتوى"}}},
    }
    assert localized_option(item, "a", "ar") == "المحتوى"
    assert localized_option(item, "b", "ar") == "Contact"
    assert localized_option(item, "b", "ar").lang == "en"


def test_the_template_filters():
    template = Template(
        '{% load translated %}{% with t=m|localized:"title" %}<h1{{ t|lang_attr }}>{{ t }}</h1>'
        '{% endwith %}{% with s=m|localized:"summary" %}<p{{ s|lang_attr }}>{{ s }}</p>'
        "{% endwith %}"
    )
    with translation.override("fr"):
        html = template.render(Context({"m": MODULE}))
    assert html == '<h1>Cyberharcèlement</h1><p lang="en" dir="ltr">English summary</p>'
    with translation.override("ar"):
        html = template.render(Context({"m": MODULE}))
    assert html.startswith('<h1 lang="en" dir="ltr">Cyberbullying</h1>')
