"""The world map of celebrations: a choropleth drawn as SVG on the server.

Country shapes come from ``data/world_shapes.json`` (Natural Earth, converted once by
``data/build_world_shapes.py``), keyed by ISO 3166 alpha-3 code. No tiles, no script, no
request to another host; the page also gives the same numbers as a table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

SHAPES_FILE = Path(__file__).resolve().parent / "data" / "world_shapes.json"


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


NO_DATA = "#e4e8ec"
#: Sequential classes of celebrations per member state (light to dark; dark ones pass 3:1).
BINS = (
    Bin(1, 1, "#c6dbef"),
    Bin(2, 4, "#8fbbdd"),
    Bin(5, 9, "#4a90c4"),
    Bin(10, 49, "#1f66a3"),
    Bin(50, None, "#08306b"),
)


@lru_cache(maxsize=1)
def shapes() -> dict:
    with SHAPES_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def colour_for(count: int) -> str:
    for bin_ in BINS:
        if count >= bin_.low and (bin_.high is None or count <= bin_.high):
            return bin_.colour
    return NO_DATA


def render(counts: Mapping[str, int], names: Mapping[str, str], *, title: str) -> SafeString:
    """An SVG map: ``counts`` and ``names`` are keyed by ISO alpha-3 code."""
    data = shapes()
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{}" class="world-map" role="img" '
            'aria-labelledby="world-map-title" focusable="false">'
            '<title id="world-map-title">{}</title>',
            data["viewBox"],
            title,
        ),
        '<g class="world-map-background" fill="#eef1f4" stroke="#ffffff" stroke-width="0.3">',
    ]
    parts.extend(f'<path d="{path}"/>' for path in data["background"])
    parts.append('</g><g stroke="#ffffff" stroke-width="0.3">')
    for iso3, path in data["shapes"].items():
        parts.append(_shape(iso3, path, counts, names))
    for iso3, (x, y) in data["markers"].items():
        if iso3 not in names:
            continue
        count = counts.get(iso3, 0)
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="2.6" fill="{}" stroke="#4a5562" stroke-width="0.4">'
                "<title>{}</title></circle>",
                x,
                y,
                colour_for(count),
                _label(iso3, count, names),
            )
        )
    parts.append("</g></svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 -- escaped above


def _label(iso3: str, count: int, names: Mapping[str, str]) -> str:
    name = names.get(iso3, iso3)
    return ngettext(
        "%(name)s: %(count)s celebration", "%(name)s: %(count)s celebrations", count
    ) % {"name": name, "count": count}


def _shape(iso3: str, path: str, counts: Mapping[str, int], names: Mapping[str, str]) -> str:
    if iso3 not in names:  # not an ITU member state: drawn, but neither coloured nor named
        return f'<path d="{escape(path)}" fill="#eef1f4"/>'
    count = counts.get(iso3, 0)
    # Path data is our own file's digits and letters; the title is escaped.
    return (
        f'<path d="{escape(path)}" fill="{colour_for(count)}">'
        f"<title>{escape(_label(iso3, count, names))}</title></path>"
    )


def legend() -> list[dict[str, str]]:
    return [{"label": _("none"), "colour": NO_DATA}] + [
        {"label": bin_.label, "colour": bin_.colour} for bin_ in BINS
    ]
