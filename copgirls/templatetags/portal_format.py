"""Numbers as the active language writes them: ``{{ count|figure }}``.

Django localises the decimal separator by itself but groups thousands only when asked: this
filter always groups (12 345 in French and Russian, 12,345 in English and Chinese, 12.345 in
Arabic, see ``copgirls/formats``). A suppressed cell of the small-cell rule stays as
published ("<10", "x").
"""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def figure(value):
    if getattr(value, "suppressed", False):  # copgirls.disclosure.Cell withheld
        return str(value)
    value = getattr(value, "value", value)  # a published Cell: its count
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return number_format(value, force_grouping=True)
