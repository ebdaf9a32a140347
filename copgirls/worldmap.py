"""A world choropleth drawn as SVG on the server, for any figure per member state.

Country shapes come from ``data/world_shapes.json`` (Natural Earth, converted once by
``data/build_world_shapes.py``), keyed by ISO 3166 alpha-3 code. No tiles, no script, no
request to another host. Each app says what a state's colour and label are (celebrations
per state, a COP area's level); every page that shows a map also gives its numbers as a
table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

SHAPES_FILE = Path(__file__).resolve().parent / "data" / "world_shapes.json"
#: The fill of a member state without a figure, and of the land of non-member territories.
NO_DATA = "#e4e8ec"
LAND = "#eef1f4"


@lru_cache(maxsize=1)
def shapes() -> dict:
    with SHAPES_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def render(fills: Mapping[str, str], labels: Mapping[str, str], *, title: str) -> SafeString:
    """An SVG map: ``labels`` names every member state (keyed by ISO alpha-3 code) and is
    each shape's tooltip; ``fills`` colours them (:data:`NO_DATA` where missing)."""
    data = shapes()
    parts = [
        format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="{}" class="world-map" role="img" '
            'aria-labelledby="world-map-title" focusable="false">'
            '<title id="world-map-title">{}</title>',
            data["viewBox"],
            title,
        ),
        f'<g class="world-map-background" fill="{LAND}" stroke="#ffffff" stroke-width="0.3">',
    ]
    parts.extend(f'<path d="{path}"/>' for path in data["background"])
    parts.append('</g><g stroke="#ffffff" stroke-width="0.3">')
    for iso3, path in data["shapes"].items():
        if iso3 not in labels:  # not an ITU member state: drawn, but neither coloured nor named
            parts.append(f'<path d="{escape(path)}" fill="{LAND}"/>')
            continue
        # Path data is our own file's digits and letters; the title is escaped.
        parts.append(
            f'<path d="{escape(path)}" fill="{escape(fills.get(iso3, NO_DATA))}">'
            f"<title>{escape(labels[iso3])}</title></path>"
        )
    for iso3, (x, y) in data["markers"].items():
        if iso3 not in labels:
            continue
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="2.6" fill="{}" stroke="#4a5562" stroke-width="0.4">'
                "<title>{}</title></circle>",
                x,
                y,
                fills.get(iso3, NO_DATA),
                labels[iso3],
            )
        )
    parts.append("</g></svg>")
    return mark_safe("".join(str(part) for part in parts))  # noqa: S308 -- escaped above
