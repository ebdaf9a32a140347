"""Number formats of the report (PDF, web page), in the active language's conventions."""

from __future__ import annotations

import datetime

from django import template
from django.utils import translation
from django.utils.formats import number_format

from copgirls.names import long_date

register = template.Library()

DASH = "—"
#: Joins a sign to its number and a confidence interval's parts: "= 0.035" and
#: "0.63 [0.47; 0.78]" never break across lines.
NBSP = "\u00a0"


def _isolated(text: str) -> str:
    """In a right-to-left language, a left-to-right isolate: "< 0,001" and "0,63 [0,47; 0,78]"
    keep their order, brackets and signs instead of being mirrored around the Arabic text."""
    if translation.get_language_bidi():
        return f"\u2066{text}\u2069"
    return text


@register.filter
def decimal(value, places: int = 1) -> str:
    """A number with ``places`` decimals ("12.5" / "12,5"), or a dash when withheld."""
    if value is None or value == "":
        return DASH
    return number_format(round(float(value), int(places)), int(places))


@register.filter
def percent(value, places: int = 1) -> str:
    if value is None or value == "":
        return DASH
    return f"{decimal(value, places)}{NBSP}%"


def _p(value, *, statement: bool) -> str:
    if value is None or value == "":
        return _isolated(f"p{NBSP}{DASH}") if statement else DASH
    if value < 0.001:
        text = f"<{NBSP}" + number_format(0.001, 3)
    else:
        text = f"={NBSP}" + number_format(round(float(value), 3), 3)
    return _isolated(f"p{NBSP}{text}" if statement else text)


@register.filter
def pvalue(value) -> str:
    """A p-value in a table's "p" column: "< 0.001", "= 0.035"."""
    return _p(value, statement=False)


@register.filter
def p_statement(value) -> str:
    """A p-value in running text, the whole statement: "p < 0.001", "p = 0.035". It stays on
    one line, and in a right-to-left language its "p" is inside the number's left-to-right
    isolate: otherwise the line may break after "p" and "< 0,001" shows mirrored
    ("0,001 >") at the next line's start."""
    return _p(value, statement=True)


@register.filter
def cell(value) -> str:
    """A suppressed count cell as published: "123", "<10" or "x"."""
    if not value:
        return DASH
    if value.get("suppressed") or value.get("value") is None:
        return value["display"]
    return number_format(value["value"], force_grouping=True)  # 12 345 / 12,345 / 12.345


@register.filter
def ci(stats) -> str:
    """d_z and its 95 % confidence interval: "0.85 [0.52, 1.17]"."""
    if not stats or stats.get("d_z") is None:
        return DASH
    text = decimal(stats["d_z"], 2)
    if stats.get("ci_low") is not None:
        text += f"{NBSP}[{decimal(stats['ci_low'], 2)};{NBSP}{decimal(stats['ci_high'], 2)}]"
    return _isolated(text)


@register.filter
def localdate(value) -> str:
    """CLDR's long date in the active language (``copgirls.names.long_date``); a stored
    figure's ISO date text ("2026-06-10") too."""
    if isinstance(value, str) and value:
        value = datetime.date.fromisoformat(value)
    return long_date(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def measure_places(measure: str) -> int:
    """Knowledge scores (0–100) with one decimal; means on the 1–5 scale with two."""
    return 1 if measure == "knowledge" else 2


MINUS = "\u2212"


@register.filter
def signed(value, places: int = 0) -> str:
    """A change with its sign: "+3", "−2", "+1.5", "0"; a dash when it is not known."""
    if value is None or value == "":
        return DASH
    places = int(places)
    if places:
        text = decimal(abs(value), places)
    else:
        text = number_format(abs(int(value)), force_grouping=True)
    if round(value, places) == 0:
        return decimal(0, places) if places else "0"
    return _isolated(f"{'+' if value > 0 else MINUS}{text}")
