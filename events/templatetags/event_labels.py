"""``{% load event_labels %}``: the words people read for the codes of celebrations and
COP modules, in the page's language (``["13_18", "19_24"]`` → "13–18, 19–24")."""

from __future__ import annotations

from django import template

from events.labels import labels_of
from events.models import AgeBand, RiskArea

register = template.Library()


@register.filter
def age_bands(codes):
    return labels_of(AgeBand, codes)


@register.filter
def risk_areas(codes):
    return labels_of(RiskArea, codes)
