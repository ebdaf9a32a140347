"""A p-value in running text stays whole: "p < 0.001" never breaks after the "p", and in
Arabic the "p" sits inside the number's left-to-right isolate — otherwise the line breaks
after "p" and the next line starts with a mirrored "0,001 >" (seen in the Arabic report's
key findings)."""

from __future__ import annotations

from django.utils import translation

from reports.presentation import _certainty
from reports.templatetags.reports_format import p_joined

NBSP = "\u00a0"


def test_the_arabic_key_finding_keeps_p_and_its_value_in_one_left_to_right_run():
    with translation.override("ar"):
        sentence = _certainty({"p_value": 0.0002})
    assert f"\u2066p{NBSP}<{NBSP}0,001\u2069" in sentence
    assert "p \u2066" not in sentence


def test_in_english_p_is_joined_to_its_sign():
    with translation.override("en"):
        sentence = _certainty({"p_value": 0.2})
    assert f"(p{NBSP}={NBSP}0.200)" in sentence


def test_the_effect_size_sentence_of_the_pdf_goes_through_the_same_join():
    text = "paired t-test: p \u2066=\u00a00,035\u2069."
    assert p_joined(text) == f"paired t-test: \u2066p{NBSP}={NBSP}0,035\u2069."
