"""Member states, regions and dates as the reader's language writes them (CLDR, via Babel).

A member state's English ``name`` is the portal's reference; in any other language it is
the CLDR territory name of its ISO 3166 code (``Locale("fr").territories["CI"]`` is
"Côte d’Ivoire", ``Locale("zh_Hans").territories["KE"]`` is "肯尼亚"), falling back to the
English name where CLDR has none. Region names are the portal's own translations of the six
ITU-D regions (``copgirls.reference_data``). Dates use CLDR's long format: "5 décembre
2026", "2026年12月5日", "5 December 2026", not Django's "j F Y" with translated month names.
"""

from __future__ import annotations

import datetime
import unicodedata
import zoneinfo
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format


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
    """``value`` in CLDR's long date format of ``language``: "5 December 2026",
    "5 de diciembre de 2026", "2026年12月5日".

    English is CLDR's international English (en_001), day first as the UN writes it:
    the American "December 5, 2026" is not what a CWG-COP document says.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = value.astimezone(datetime.UTC).date() if value.tzinfo else value.date()
    language = _language(language)
    locale = _INTERNATIONAL_ENGLISH if language.split("-")[0] == "en" else babel_locale(language)
    return format_date(value, format="long", locale=locale)


_INTERNATIONAL_ENGLISH = Locale.parse("en_001")


def zoned_datetime(value: datetime.datetime | None, zone: str) -> str:
    """``value`` on the clock of ``zone``, the zone named: "23 April 2027, 14:00 EAT
    (Africa/Nairobi)". A zone without a letter abbreviation is named by its offset
    ("UTC+03")."""
    if value is None or value == "":
        return ""
    try:
        tz = zoneinfo.ZoneInfo(zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    local = value.astimezone(tz)
    abbreviation = local.tzname() or ""
    if not abbreviation or abbreviation[0] in "+-":
        offset = local.strftime("%z")
        abbreviation = f"UTC{offset[:3]}:{offset[3:]}" if offset != "+0000" else "UTC"
    shown = f"{date_format(local, 'DATETIME_FORMAT')} {abbreviation}"
    key = getattr(tz, "key", "UTC")
    return shown if key == "UTC" else f"{shown} ({key.replace('_', ' ')})"


def language_name(code: str, language: str | None = None) -> str:
    """A language code as a reader reads it: "zh-hans" → "Chinese" (in English), "中文" (in
    Chinese); a portal language by the portal's own name of it, any other by CLDR's
    ("sw" → "Swahili", "souahéli"); an unknown code stays as it is."""
    code = (code or "").strip()
    if not code:
        return ""
    language = _language(language)
    portal = dict(settings.LANGUAGES)
    if code.lower() in portal:
        with translation.override(language):
            return str(portal[code.lower()])
    names = babel_locale(language).languages
    return names.get(translation.to_locale(code)) or names.get(code.split("-")[0]) or code


def collation_key(text: str) -> tuple[str, str]:
    """A sort key close to how a reader's language orders names: letters without their
    accents first ("Égypte" among the E, not after "Zimbabwe"), then the accents.

    Arabic and Cyrillic sort by their letters' order in Unicode, which is their alphabet's;
    Chinese by code point (CLDR's pinyin order needs ICU, which the portal does without).
    """
    folded = unicodedata.normalize("NFKD", str(text or "")).casefold()
    base = "".join(char for char in folded if not unicodedata.combining(char))
    return base, folded


def name_of(state: Any, language: str | None = None) -> str:
    """A member state (a model, or a mapping with ``iso2`` and ``name``) in ``language``."""
    if state is None or state == "":
        return ""
    if isinstance(state, dict):
        return member_state_name(state.get("iso2", ""), state.get("name", ""), language)
    iso2 = getattr(state, "iso2", "")
    return member_state_name(iso2, getattr(state, "name", str(state)), language)
