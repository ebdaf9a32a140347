"""A p-value in running text is one whole statement: "p < 0.001" never breaks after the "p",
and in Arabic the "p" sits inside the number's left-to-right isolate — otherwise the line
breaks after "p" and the next line starts with a mirrored "0,001 >" (seen in the Arabic
report's key findings). The sentences name it "(%(p)s)", the statement is the filter's."""

from __future__ import annotations

from django.utils import translation
from django.utils.html import escape

from reports.figures import build_figures
from reports.pdf import report_html
from reports.presentation import _certainty
from reports.services import report_selection
from reports.templatetags.reports_format import p_statement, pvalue

NBSP = "\u00a0"


def test_the_arabic_key_finding_keeps_p_and_its_value_in_one_left_to_right_run():
    with translation.override("ar"):
        sentence = _certainty({"p_value": 0.0002})
    assert f"\u2066p{NBSP}<{NBSP}0,001\u2069" in sentence
    assert "p \u2066" not in sentence and "(p p" not in sentence


def test_in_english_p_is_joined_to_its_sign():
    with translation.override("en"):
        sentence = _certainty({"p_value": 0.2})
    assert f"(p{NBSP}={NBSP}0.200)" in sentence


def test_a_table_of_p_values_gives_the_sign_and_number_under_its_p_heading():
    with translation.override("ar"):
        assert pvalue(0.0351) == f"\u2066={NBSP}0,035\u2069"
        assert p_statement(0.0351) == f"\u2066p{NBSP}={NBSP}0,035\u2069"
    with translation.override("fr"):
        assert pvalue(None) == "—" and p_statement(None) == f"p{NBSP}—"


def test_the_effect_size_sentence_of_the_arabic_pdf_keeps_p_inside_the_isolate(
    known_data, make_report
):
    report = make_report(language="ar")
    figures = build_figures(report_selection(report), language="ar")
    with translation.override("ar"):
        statement = p_statement(figures["impact"]["overall"]["knowledge"]["p_value"])
    html = report_html(report, figures)
    assert f"{escape(statement)}.</p>" in html  # the effect-size sentence's end
    assert "p \u2066" not in html and f"p{NBSP}\u2066" not in html
