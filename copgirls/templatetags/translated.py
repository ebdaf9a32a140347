"""``{% load translated %}``: a model's translated fields in the active language.

``{{ module|localized:"title" }}`` — the module's title in the page's language, or its
English title when there is no translation. ``{{ text|lang_attr }}`` writes
`` lang="en" dir="ltr"`` when ``text`` fell back to English on a page in another language.
"""

from __future__ import annotations

from django import template
from django.utils import translation
from django.utils.html import format_html

from copgirls.i18n import localized as localized_field
from copgirls.i18n import normalise_language

register = template.Library()


@register.filter
def localized(obj, field: str):
    if obj is None or obj == "":
        return ""
    return localized_field(obj, field)


@register.filter
def lang_attr(text) -> str:
    """`` lang="xx" dir="…"`` when ``text`` is in another language than the page (an English
    fallback on an Arabic page), else nothing."""
    lang = getattr(text, "lang", "")
    if not lang or lang == normalise_language(translation.get_language()):
        return ""
    direction = "rtl" if translation.get_language_info(lang)["bidi"] else "ltr"
    return format_html(' lang="{}" dir="{}"', lang, direction)
