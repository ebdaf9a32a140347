"""Member states, regions and dates as the reader's language writes them (CLDR, via Babel).

A member state's English ``name`` is the portal's reference; in any other language it is
the CLDR territory name of its ISO 3166 code (``Locale("fr").territories["CI"]`` is
"Côte d’Ivoire", ``Locale("zh_Hans").territories["KE"]`` is "肯尼亚"), falling back to the
English name where CLDR has none. Region names are the portal's own translations of the six
ITU-D regions (``copgirls.reference_data``). Dates use CLDR's long format: "5 décembre
2026", "2026年12月5日", not Django's "j F Y" with translated month names.
"""

from __future__ import annotations

import datetime
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from django.utils import translation


@cache
def babel_locale(language: str) -> Locale:
    """The CLDR locale of a portal language code ("zh-hans" → zh_Hans); English if unknown."""
    try:
        return Locale.parse(translation.to_locale(language or "en"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _language(language: str | None) -> str:
    return language or translation.get_language() or "en"


def member_state_name(iso2: str, fallback: str, language: str | None = None) -> str:
    """The member state of ``iso2`` in ``language`` (default: the active one)."""
    language = _language(language)
    if language.split("-")[0] == "en":
        return fallback
    return babel_locale(language).territories.get((iso2 or "").upper(), fallback)


def region_name(name: str, language: str | None = None) -> str:
    """An ITU-D region's English name in ``language`` (the portal's translation)."""
    if not name:
        return ""
    with translation.override(_language(language)):
        return translation.gettext(name)


def long_date(value: datetime.date | datetime.datetime | None, language: str | None = None) -> str:
    """``value`` in CLDR's long date format of ``language``: "December 5, 2026",
    "5 de diciembre de 2026", "2026年12月5日"."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = value.astimezone(datetime.UTC).date() if value.tzinfo else value.date()
    return format_date(value, format="long", locale=babel_locale(_language(language)))


def name_of(state: Any, language: str | None = None) -> str:
    """A member state (a model, or a mapping with ``iso2`` and ``name``) in ``language``."""
    if state is None or state == "":
        return ""
    if isinstance(state, dict):
        return member_state_name(state.get("iso2", ""), state.get("name", ""), language)
    iso2 = getattr(state, "iso2", "")
    return member_state_name(iso2, getattr(state, "name", str(state)), language)
