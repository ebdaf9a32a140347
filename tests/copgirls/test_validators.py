"""Titles and names refuse invisible characters that reorder or hide text."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessments.models import Questionnaire
from copgirls.models import User
from copgirls.validators import no_invisible_controls
from events.models import CopModule, Event
from reports.models import Report


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Girls in ICT \u202egnidoc", "U+202E RIGHT-TO-LEFT OVERRIDE, at character 14"),
        ("\u202aWorkshop", "U+202A LEFT-TO-RIGHT EMBEDDING, at character 1"),
        ("Day\u2067 2026", "U+2067 RIGHT-TO-LEFT ISOLATE, at character 4"),
        ("Nai\u200brobi", "U+200B ZERO WIDTH SPACE, at character 4"),
        ("Nairobi\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE, at character 8"),
        ("Word\u2060joiner", "U+2060 WORD JOINER, at character 5"),
        ("Old\u206bformat", "U+206B ACTIVATE SYMMETRIC SWAPPING, at character 4"),
    ],
)
def test_a_bidirectional_control_or_zero_width_character_is_named_with_its_place(text, named):
    with pytest.raises(ValidationError) as refused:
        no_invisible_controls(text)

    message = refused.value.messages[0]
    assert f"This text contains an invisible control character, {named}" in message
    assert refused.value.code == "invisible_control"


@pytest.mark.parametrize(
    "text",
    [
        "هيئة تنظيم الاتصالات",  # Arabic: Telecommunications Regulatory Authority
        "يوم الفتيات في مجال تكنولوجيا المعلومات والاتصالات \u200f2026\u200f",  # with RLM
        "\u061cالقاهرة 2026",  # Arabic letter mark before an Arabic word
        "Atelier \u200eNairobi\u200e — Kenya",  # LRM
        "می\u200cخواهیم برنامه\u200cنویسی یاد بگیریم",  # Persian with zero-width non-joiners
        "राष्ट्र\u200d",  # Devanagari with a zero-width joiner
        "👩\u200d💻 Girls who code",  # an emoji sequence
        "Нижний Новгород",
        "北京",
    ],
)
def test_legitimate_text_of_every_script_passes(text):
    no_invisible_controls(text)


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Event, "title"),
        (Event, "organiser"),
        (Event, "city"),
        (User, "full_name"),
        (CopModule, "title"),
        (Questionnaire, "title"),
        (Report, "meeting_name"),
        (Report, "document_number"),
    ],
)
def test_every_title_and_name_of_the_portal_refuses_them(model, field):
    instance = model(**{field: "Girls \u202ein ICT"})

    with pytest.raises(ValidationError) as refused:
        instance.clean_fields(exclude=[f.name for f in model._meta.fields if f.name != field])

    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in refused.value.message_dict[field][0]
