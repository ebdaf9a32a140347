"""The world map of celebrations: celebrations per member state, in sequential classes,
drawn by the core's choropleth (:mod:`copgirls.worldmap`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from copgirls import worldmap
from copgirls.worldmap import NO_DATA, SHAPES_FILE, shapes  # noqa: F401 -- the map's data


@dataclass(frozen=True)
class Bin:
    low: int
    high: int | None
    colour: str

    @property
    def label(self) -> str:
        if self.high is None:
            return f"{self.low}+"
        if self.low == self.high:
            return str(self.low)
        return f"{self.low}–{self.high}"


#: Sequential classes of celebrations per member state (light to dark; dark ones pass 3:1).
BINS = (
    Bin(1, 1, "#c6dbef"),
    Bin(2, 4, "#8fbbdd"),
    Bin(5, 9, "#4a90c4"),
    Bin(10, 49, "#1f66a3"),
    Bin(50, None, "#08306b"),
)


def colour_for(count: int) -> str:
    for bin_ in BINS:
        if count >= bin_.low and (bin_.high is None or count <= bin_.high):
            return bin_.colour
    return NO_DATA


def render(counts: Mapping[str, int], names: Mapping[str, str], *, title: str) -> SafeString:
    """An SVG map: ``counts`` and ``names`` are keyed by ISO alpha-3 code."""
    labels = {iso3: _label(iso3, counts.get(iso3, 0), names) for iso3 in names}
    fills = {iso3: colour_for(counts.get(iso3, 0)) for iso3 in names}
    return worldmap.render(fills, labels, title=title)


def _label(iso3: str, count: int, names: Mapping[str, str]) -> str:
    name = names.get(iso3, iso3)
    return ngettext(
        "%(name)s: %(count)s celebration", "%(name)s: %(count)s celebrations", count
    ) % {"name": name, "count": count}


def legend() -> list[dict[str, str]]:
    return [{"label": _("none"), "colour": NO_DATA}] + [
        {"label": bin_.label, "colour": bin_.colour} for bin_ in BINS
    ]
