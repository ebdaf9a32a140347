"""Module titles in the report's language; the figures themselves never depend on it."""

from __future__ import annotations

from django.urls import reverse

from events.models import CopModule
from tests.reports.test_pdf import pdf_text, produce


def without_labels(value):
    """The figures with every label (the only text that changes with the language) taken out."""
    if isinstance(value, dict):
        # The resolve-1 section names its levels in the report's language too.
        skip = {"label", "region", "level_labels"}
        return {k: without_labels(v) for k, v in value.items() if k not in skip}
    if isinstance(value, list):
        return [without_labels(v) for v in value]
    return value


def translate_r01(**titles):
    module = CopModule.objects.get(code="R01")
    module.translations = {language: {"title": title} for language, title in titles.items()}
    module.save(update_fields=["translations"])


def test_a_french_pdf_names_the_modules_in_french_with_the_same_figures(known_data, make_report):
    translate_r01(fr="Mes droits en ligne", es="Mis derechos en línea")

    french = produce(make_report(language="fr"))
    english = produce(make_report(language="en"))

    french_text = pdf_text(french)
    assert "R01 Mes droits en ligne" in french_text
    assert "My rights online" not in french_text
    assert "R02 Cyberbullying" in french_text  # no French title: the English one
    english_text = pdf_text(english)
    assert "R01 My rights online" in english_text
    assert "Mes droits en ligne" not in english_text
    labels = [row["label"] for row in french.figures["impact"]["by_module"]]
    assert labels == ["R01 Mes droits en ligne", "R02 Cyberbullying"]
    assert without_labels(french.figures) == without_labels(english.figures)


def test_the_web_report_names_the_modules_in_the_reports_language(
    client, secretariat, known_data, make_report
):
    translate_r01(es="Mis derechos en línea")
    report = produce(make_report(language="es"))
    client.force_login(secretariat)
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "R01 Mis derechos en línea" in html
