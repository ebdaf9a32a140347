"""Model translation: a model's own fields are English; ``translations`` holds the others.

A translated model has a ``translations`` JSONField shaped like the shipped
``*.i18n.json`` files: ``{language: {field: value}}``, for example
``{"fr": {"title": "…", "summary": "…"}}`` on a COP module and
``{"ar": {"text": "…", "options": {"a": "…"}}}`` on a questionnaire item. English is
never in it: English is the model's field itself, and the fallback for any language,
field or option that has no translation.

:func:`localized` reads one field in a language; the ``translated`` template library
offers it as the ``localized`` filter (in the active language).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

#: The language of the models' own fields.
SOURCE_LANGUAGE = "en"


class LocalizedText(str):
    """A string that knows its language (``lang``): the one asked for, or English."""

    lang: str

    def __new__(cls, value: str, lang: str):
        text = super().__new__(cls, value)
        text.lang = lang
        return text


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def translation_languages() -> list[str]:
    """The languages a translation can be written in: every portal language but English."""
    return [code for code in language_codes() if code != SOURCE_LANGUAGE]


def normalise_language(code: str | None) -> str:
    """A portal language code for ``code``: ``zh_Hans``, ``zh-CN`` → ``zh-hans``, ``fr-CA``
    → ``fr``; anything unknown → the default language."""
    codes = language_codes()
    code = (code or "").strip().lower().replace("_", "-")
    if code in codes:
        return code
    base = code.split("-")[0]
    if base == "zh":
        chinese = [c for c in codes if c.startswith("zh")]
        if chinese:
            return chinese[0]
    if base in codes:
        return base
    return settings.LANGUAGE_CODE


def _value(obj: Any, field: str) -> Any:
    return obj.get(field) if isinstance(obj, dict) else getattr(obj, field)


def _translations(obj: Any) -> dict:
    translations = _value(obj, "translations") if obj is not None else None
    return translations if isinstance(translations, dict) else {}


def _present(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(str(part).strip() for part in value)
    return False


def localized(obj: Any, field: str, language: str | None = None) -> Any:
    """``obj``'s ``field`` in ``language`` (default: the active one), else the English field.

    Text comes back as :class:`LocalizedText` (its ``lang`` says which language it is in),
    so a page can mark an English fallback among Arabic text with ``lang="en"``.
    """
    language = normalise_language(language or translation.get_language())
    english = _value(obj, field)
    value = english
    used = SOURCE_LANGUAGE
    if language != SOURCE_LANGUAGE:
        candidate = _translations(obj).get(language, {}).get(field)
        if _present(candidate):
            value, used = candidate, language
    if isinstance(value, str):
        return LocalizedText(value, used)
    if isinstance(value, list):
        return [LocalizedText(str(part), used) for part in value]
    return value


def localized_option(item: Any, key: str, language: str | None = None) -> LocalizedText:
    """The text of option ``key`` of a multiple-choice item, in ``language`` or English."""
    language = normalise_language(language or translation.get_language())
    english = next((o["text"] for o in _value(item, "options") or [] if o.get("key") == key), "")
    if language != SOURCE_LANGUAGE:
        options = _translations(item).get(language, {}).get("options") or {}
        candidate = options.get(key) if isinstance(options, dict) else None
        if _present(candidate):
            return LocalizedText(candidate, language)
    return LocalizedText(english, SOURCE_LANGUAGE)


# --- Checking what is stored --------------------------------------------------------------------

#: Kinds of translated value: one line or paragraph, a list of lines, options by key.
TEXT, LINES, OPTIONS = "text", "lines", "options"


def validate_translations(value: Any, fields: dict[str, str], *, max_length: int = 5000) -> None:
    """Raise ``ValidationError`` unless ``value`` is ``{language: {field: value}}`` with known
    non-English languages and the ``fields`` given (name → TEXT, LINES or OPTIONS)."""
    if not isinstance(value, dict):
        raise ValidationError(_("Translations must be a mapping of languages to texts."))
    languages = set(translation_languages())
    for language, texts in value.items():
        if language not in languages:
            raise ValidationError(
                _("%(language)s is not a language of the portal (%(languages)s)."),
                params={"language": repr(language), "languages": ", ".join(sorted(languages))},
            )
        if not isinstance(texts, dict) or set(texts) - set(fields):
            raise ValidationError(
                _("The %(language)s translation may hold only: %(fields)s."),
                params={"language": language, "fields": ", ".join(fields)},
            )
        for name, text in texts.items():
            if not _well_formed(text, fields[name], max_length):
                raise ValidationError(
                    _("The %(language)s translation of %(field)s is not text, or too long."),
                    params={"language": language, "field": name},
                )


def _well_formed(value: Any, kind: str, max_length: int) -> bool:
    def text(part: Any) -> bool:
        return isinstance(part, str) and len(part) <= max_length and "\x00" not in part

    if kind == TEXT:
        return text(value)
    if kind == LINES:
        return isinstance(value, list) and all(text(part) for part in value)
    return isinstance(value, dict) and all(
        isinstance(key, str) and text(part) for key, part in value.items()
    )


def compact(translations: dict) -> dict:
    """``translations`` without empty texts and empty languages (what forms store)."""
    result: dict[str, dict] = {}
    for language, texts in translations.items():
        kept = {}
        for name, value in texts.items():
            if isinstance(value, dict):
                value = {key: part.strip() for key, part in value.items() if part.strip()}
            elif isinstance(value, list):
                value = [part.strip() for part in value if part.strip()]
            else:
                value = value.strip()
            if value:
                kept[name] = value
        if kept:
            result[language] = kept
    return result


# --- The shipped translations (events/data, assessments/data) -----------------------------------

MODULES_I18N = Path(settings.BASE_DIR) / "events" / "data" / "cop_modules.i18n.json"
QUESTIONNAIRES_I18N = Path(settings.BASE_DIR) / "assessments" / "data" / "questionnaires.i18n.json"


@cache
def _shipped(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def shipped_module_translations(code: str) -> dict:
    """The shipped translations of COP module ``code`` (``{}`` for a module of our own)."""
    return {
        normalise_language(language): texts
        for language, texts in _shipped(MODULES_I18N).get(code, {}).items()
    }


def shipped_questionnaire_translations(module_code: str) -> tuple[dict, dict[str, dict]]:
    """(title translations, {item key: item translations}) of a module's shipped
    questionnaire."""
    title: dict[str, dict] = {}
    items: dict[str, dict] = {}
    for language, data in _shipped(QUESTIONNAIRES_I18N).get(module_code, {}).items():
        language = normalise_language(language)
        if data.get("title"):
            title[language] = {"title": data["title"]}
        for key, texts in (data.get("items") or {}).items():
            items.setdefault(key, {})[language] = texts
    return title, items


def languages_named(codes: Iterable[str]) -> list[dict[str, str]]:
    """``[{"code", "name"}]`` with each language's own name (العربية, 中文, Français…)."""
    return [
        {"code": code, "name": translation.get_language_info(code)["name_local"]} for code in codes
    ]
