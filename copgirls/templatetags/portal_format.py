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

from copgirls import closed_years
from copgirls.names import language_name, long_date, name_of, region_name, zoned_datetime

register = template.Library()


@register.filter
def figure(value):
    if getattr(value, "suppressed", False):  # copgirls.disclosure.Cell withheld
        return str(value)
    value = getattr(value, "value", value)  # a published Cell: its count
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return number_format(value, force_grouping=True)


@register.filter
def state_name(state):
    """``{{ event.member_state|state_name }}``: the member state in the page's language."""
    return name_of(state)


@register.filter
def region_label(region):
    """``{{ state.region|region_label }}`` or ``{{ "Africa"|region_label }}``."""
    return region_name(getattr(region, "name", region) or "")


@register.filter
def longdate(value):
    """``{{ report.data_cutoff|longdate }}``: CLDR's long date in the page's language."""
    return long_date(value)


@register.filter
def on_clock_of(value, zone):
    """``{{ session.starts_at|on_clock_of:session.clock_zone }}``: the time where it
    happens, the zone named."""
    return zoned_datetime(value, zone)


@register.filter
def language_label(code):
    """``{{ report.language|language_label }}``: "zh-hans" → "Chinese", "中文" on a Chinese
    page."""
    return language_name(code)


@register.filter
def language_labels(codes):
    """``{{ event.languages|language_labels }}``: ["en", "sw"] → "English, Swahili"."""
    return ", ".join(language_name(code) for code in codes or [])


@register.simple_tag
def closed_years_note():
    """``{% closed_years_note %}``: which years a page's figures of girls cover (closed ones)."""
    return closed_years.closed_years_note()
