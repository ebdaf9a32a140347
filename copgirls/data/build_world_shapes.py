"""Convert Natural Earth country shapes (TopoJSON) into the compact file the map draws.

Run once, by hand, when the shapes need refreshing; the portal reads only the output::

    npm pack world-atlas@2 && tar xzf world-atlas-2.0.2.tgz   # ISC; Natural Earth, public domain
    pip download --no-deps iso3166 && unzip -o iso3166-*.whl     # numeric -> alpha-3 codes
    python copgirls/data/build_world_shapes.py package/countries-50m.json \
        copgirls/data/world_shapes.json

Shapes are projected with the Natural Earth I projection onto a 1000-unit-wide canvas,
thinned (points closer than ``TOLERANCE`` units to the last kept one are dropped) and
written as SVG path data with relative moves, keyed by ISO 3166 alpha-3 code. Antarctica
is left out; territories with no ISO code are kept under ``"background"``; countries too
small to draw get a marker point under ``"markers"``.
"""

from __future__ import annotations

import json
import math
import sys

WIDTH = 1000.0
TOLERANCE = 0.9


def natural_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


def main(source: str, target: str) -> None:
    from iso3166 import countries_by_numeric

    with open(source, encoding="utf-8") as handle:
        topology = json.load(handle)
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    max_x, _ = natural_earth(180, 0)
    _, max_y = natural_earth(0, 90)
    scale = WIDTH / (2 * max_x)
    # Antarctica is left out, so the canvas ends a little south of Cape Horn (58° S).
    height = (max_y - natural_earth(0, -58)[1]) * scale

    def project(lon: float, lat: float) -> tuple[float, float]:
        x, y = natural_earth(lon, lat)
        return (x + max_x) * scale, (max_y - y) * scale

    def ring_points(indices: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indices:
            arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
            points.extend(arc[1:] if points else arc)
        if any(abs(b[0] - a[0]) > 180 for a, b in zip(points, points[1:], strict=False)):
            # A ring crossing the antimeridian (Russia, Fiji): keep it on one side, past the
            # map's edge, instead of drawing a line across the whole world.
            east = sum(lon for lon, _lat in points) > 0
            points = [
                (lon + 360 if east and lon < 0 else lon - 360 if not east and lon > 0 else lon, lat)
                for lon, lat in points
            ]
        return [project(lon, lat) for lon, lat in points]

    def ring_path(points: list[tuple[float, float]]) -> str:
        kept = [points[0]]
        for point in points[1:]:
            if math.dist(point, kept[-1]) >= TOLERANCE:
                kept.append(point)
        if len(kept) < 3:
            return ""
        grid = [(round(x * 10), round(y * 10)) for x, y in kept]
        parts = [f"M{grid[0][0] / 10:g} {grid[0][1] / 10:g}"]
        for (x0, y0), (x1, y1) in zip(grid, grid[1:], strict=False):
            dx, dy = (x1 - x0) / 10, (y1 - y0) / 10
            if dx or dy:
                parts.append(f"l{dx:g} {dy:g}")
        return "".join(parts) + "z"

    shapes: dict[str, str] = {}
    markers: dict[str, list[float]] = {}
    background: list[str] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") == "010":  # Antarctica
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        path = "".join(ring_path(ring_points(ring)) for polygon in polygons for ring in polygon)
        country = countries_by_numeric.get(geometry.get("id", ""))
        if not path:
            # Too small to draw at this scale (Malta, Singapore, island states): a dot.
            if country is not None:
                points = [p for polygon in polygons for ring in polygon for p in ring_points(ring)]
                x = sum(p[0] for p in points) / len(points)
                y = sum(p[1] for p in points) / len(points)
                markers[country.alpha3] = [round(x, 1), round(y, 1)]
            continue
        if country is None:
            background.append(path)
        else:
            shapes[country.alpha3] = shapes.get(country.alpha3, "") + path
    output = {
        "source": "Natural Earth 1:50m via world-atlas 2.0.2 (public domain / ISC)",
        "viewBox": f"0 0 {WIDTH:g} {height:.0f}",
        "shapes": dict(sorted(shapes.items())),
        "markers": dict(sorted(markers.items())),
        "background": background,
    }
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(output, handle, separators=(",", ":"))


if __name__ == "__main__":
    main(*sys.argv[1:3])
