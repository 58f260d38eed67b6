"""The province map: communes drawn at their coordinates, as an inline SVG.

The users' network is closed, so there are no map tiles: the communes' own coordinates
(mapping.yml) are the map. An equirectangular projection (longitude shrunk by the cosine of
the middle latitude, so a kilometre is as long east-west as north-south) is plenty at a
province's size; the drawing is scaled to the communes' bounding box with a margin wider
than a marker, so every marker lies inside the viewBox. A graticule and a scale bar give
the distances. Status is told by colour and by shape, for readers who do not tell the colours apart.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from controller.report_render.labels import Labels
from controller.report_render.view import STATUS_RANK

WIDTH = 480.0
MARGIN = 18.0  # more than a marker's half size: markers at the edge stay inside
MARKER = 7.0  # half the marker's size
MIN_HEIGHT = 160.0
MAX_HEIGHT = 720.0
SCALE_BAND = 30.0  # below the map: the scale bar
KM_PER_DEGREE = 111.32
NAMED_UP_TO = 40
LABEL_SIZE = 12.0  # more communes than this: names only in the tooltips and the table

# Okabe-Ito colours (distinct to the common colour-blindnesses), and a shape for each status.
STYLE = {
    "verified": {"fill": "#009E73", "shape": "circle"},
    "applied": {"fill": "#0072B2", "shape": "square"},
    "planned": {"fill": "#E69F00", "shape": "diamond"},
    "unknown": {"fill": "#FFFFFF", "shape": "ring"},
    "failed": {"fill": "#D55E00", "shape": "triangle"},
}


@dataclass(frozen=True)
class Projection:
    """lat/lon -> SVG user units for one set of points."""

    lat_max: float
    x_min: float  # longitude * k of the westernmost point
    k: float  # cos(middle latitude)
    scale: float  # user units per degree of latitude
    offset_x: float
    offset_y: float
    width: float
    height: float  # of the map area, without the scale band

    def __call__(self, lat: float, lon: float) -> tuple[float, float]:
        return (
            self.offset_x + (lon * self.k - self.x_min) * self.scale,
            self.offset_y + (self.lat_max - lat) * self.scale,
        )


def fit(points: list[tuple[float, float]], width: float = WIDTH) -> Projection:
    """The projection of `points` (lat, lon) into a `width`-wide drawing; its height follows the
    points' shape between MIN_HEIGHT and MAX_HEIGHT."""
    lats = [lat for lat, _ in points]
    lat_min, lat_max = min(lats), max(lats)
    k = math.cos(math.radians((lat_min + lat_max) / 2))
    xs = [lon * k for _, lon in points]
    x_min, x_max = min(xs), max(xs)
    span_x, span_y = x_max - x_min, lat_max - lat_min
    inner_w, inner_h = width - 2 * MARGIN, MAX_HEIGHT - 2 * MARGIN
    candidates = [inner_w / span_x if span_x > 0 else math.inf, inner_h / span_y if span_y > 0 else math.inf]
    scale = min(candidates)
    if math.isinf(scale):  # one place only (or all communes at the same coordinates)
        scale = 1.0
    height = max(MIN_HEIGHT, span_y * scale + 2 * MARGIN)
    return Projection(
        lat_max, x_min, k, scale, (width - span_x * scale) / 2, (height - span_y * scale) / 2, width, height
    )


def marker_shape(status: str, x: float, y: float, r: float = MARKER) -> ET.Element:
    """The status's shape centred at (x, y), fitting in a 2r square."""
    style = STYLE.get(status, STYLE["unknown"])
    attrs = {"fill": style["fill"], "stroke": "#222", "stroke-width": "1.2"}
    shape = style["shape"]
    if shape in ("circle", "ring"):
        return ET.Element("circle", {"cx": _n(x), "cy": _n(y), "r": _n(r * 0.9), **attrs})
    if shape == "square":
        side = r * 1.6
        return ET.Element(
            "rect",
            {"x": _n(x - side / 2), "y": _n(y - side / 2), "width": _n(side), "height": _n(side), **attrs},
        )
    if shape == "diamond":
        points = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
    else:  # triangle, pointing up
        points = [(x, y - r), (x + r, y + r * 0.8), (x - r, y + r * 0.8)]
    return ET.Element("polygon", {"points": " ".join(f"{_n(px)},{_n(py)}" for px, py in points), **attrs})


def legend_icon(status: str, size: int = 16) -> str:
    """A small SVG of the status's marker, for the legend and the tables."""
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "width": str(size),
            "height": str(size),
            "viewBox": "0 0 16 16",
            "aria-hidden": "true",
            "class": "icon",
        },
    )
    svg.append(marker_shape(status, 8, 8, 6.5))
    return ET.tostring(svg, encoding="unicode")


def _n(value: float) -> str:
    return f"{value:.1f}"


def _nice_step(span: float, lines: int) -> float:
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 45.0):
        if span / step <= lines:
            return step
    return 90.0


def _graticule(svg: ET.Element, projection: Projection) -> None:
    group = ET.SubElement(
        svg,
        "g",
        {
            "class": "graticule",
            "stroke": "#c8d0d8",
            "stroke-width": "0.8",
            "font-size": "10",
            "fill": "#6b7785",
        },
    )
    height, width = projection.height, projection.width
    lat_top = projection.lat_max + projection.offset_y / projection.scale
    lat_bottom = lat_top - height / projection.scale
    lon_left = (projection.x_min - projection.offset_x / projection.scale) / projection.k
    lon_right = lon_left + width / projection.scale / projection.k
    step = _nice_step(max(lat_top - lat_bottom, lon_right - lon_left), 6)
    lat = math.ceil(lat_bottom / step) * step
    while lat <= lat_top:
        _, y = projection(lat, lon_left)
        ET.SubElement(group, "line", {"x1": "0", "y1": _n(y), "x2": _n(width), "y2": _n(y)})
        label = ET.SubElement(group, "text", {"x": "3", "y": _n(y - 2), "stroke": "none"})
        label.text = f"{lat:.2f}°"
        lat += step
    lon = math.ceil(lon_left / step) * step
    while lon <= lon_right:
        x, _ = projection(lat_top, lon)
        ET.SubElement(group, "line", {"x1": _n(x), "y1": "0", "x2": _n(x), "y2": _n(height)})
        label = ET.SubElement(group, "text", {"x": _n(x + 2), "y": _n(height - 3), "stroke": "none"})
        label.text = f"{lon:.2f}°"
        lon += step


def _scale_bar(svg: ET.Element, projection: Projection, labels: Labels) -> None:
    km_per_unit = KM_PER_DEGREE / projection.scale
    target = projection.width / 4 * km_per_unit
    km = next(
        (
            value
            for value in (0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 2000, 5000)
            if value >= target
        ),
        5000,
    )
    length = km / km_per_unit
    while length > projection.width - 2 * MARGIN:  # a single commune: the scale is arbitrary, keep it short
        km, length = km / 2, length / 2
    y = projection.height + SCALE_BAND / 2
    group = ET.SubElement(svg, "g", {"class": "scale", "stroke": "#222", "stroke-width": "2"})
    ET.SubElement(group, "line", {"x1": _n(MARGIN), "y1": _n(y), "x2": _n(MARGIN + length), "y2": _n(y)})
    for x in (MARGIN, MARGIN + length):
        ET.SubElement(group, "line", {"x1": _n(x), "y1": _n(y - 4), "x2": _n(x), "y2": _n(y + 4)})
    text = ET.SubElement(
        group,
        "text",
        {"x": _n(MARGIN + length + 6), "y": _n(y + 4), "stroke": "none", "font-size": "12", "fill": "#222"},
    )
    text.text = labels("map_scale", km=f"{km:g}")
    north = ET.SubElement(
        group,
        "text",
        {
            "x": _n(projection.width - MARGIN),
            "y": _n(y + 5),
            "stroke": "none",
            "font-size": "13",
            "text-anchor": "end",
            "fill": "#222",
        },
    )
    north.text = "↑ " + ("Bắc" if labels.lang == "vi" else "N")


def draw_map(communes: list[dict[str, Any]], labels: Labels) -> str:
    """The SVG of the communes that have coordinates ("" when none has)."""
    placed = [commune for commune in communes if _has_coordinates(commune)]
    if not placed:
        return ""
    projection = fit([(float(c["lat"]), float(c["lon"])) for c in placed])
    total_height = projection.height + SCALE_BAND
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {_n(projection.width)} {_n(total_height)}",
            "role": "img",
            "class": "map",
            "font-family": "DejaVu Sans, Noto Sans, sans-serif",
            "aria-label": labels("map"),
        },
    )
    ET.SubElement(
        svg,
        "rect",
        {
            "x": "0",
            "y": "0",
            "width": _n(projection.width),
            "height": _n(projection.height),
            "fill": "#f4f7fa",
        },
    )
    _graticule(svg, projection)
    named = len(placed) <= NAMED_UP_TO
    # Worst last, so a failed commune is never hidden under a neighbour's marker.
    placed.sort(key=lambda c: STATUS_RANK.get(c["status"], 0))
    points = [projection(float(c["lat"]), float(c["lon"])) for c in placed]
    taken = [(x - MARKER, y - MARKER, x + MARKER, y + MARKER) for x, y in points]
    for commune, (x, y) in zip(placed, points, strict=True):
        group = ET.SubElement(
            svg, "g", {"class": f"marker status-{commune['status']}", "data-code": commune["code"]}
        )
        title = ET.SubElement(group, "title")
        title.text = f"{commune['name']} ({commune['code']}): {commune['status_label']}"
        group.append(marker_shape(commune["status"], x, y))
        spot = _label_spot(commune["name"], x, y, projection, taken) if named else None
        if spot is not None:
            anchor_x, anchor, box = spot
            taken.append(box)
            label = ET.SubElement(
                group,
                "text",
                {
                    "x": _n(anchor_x),
                    "y": _n(y + 4),
                    "font-size": f"{LABEL_SIZE:g}",
                    "text-anchor": anchor,
                    "fill": "#111",
                    "paint-order": "stroke",
                    "stroke": "#f4f7fa",
                    "stroke-width": "3",
                },
            )
            label.text = commune["name"]
    _scale_bar(svg, projection, labels)
    return ET.tostring(svg, encoding="unicode")


def _label_spot(
    name: str, x: float, y: float, projection: Projection, taken: list[tuple[float, float, float, float]]
) -> tuple[float, str, tuple[float, float, float, float]] | None:
    """Where the commune's name fits beside its marker (right, else left) without covering another
    marker or name; None when neither side is free: the tooltip and the table still name it."""
    width = len(name) * LABEL_SIZE * 0.6
    for side in (1, -1):
        start = x + side * (MARKER + 3)
        box = (
            min(start, start + side * width),
            y - LABEL_SIZE * 0.75,
            max(start, start + side * width),
            y + LABEL_SIZE * 0.35,
        )
        inside = box[0] >= 0 and box[2] <= projection.width and box[1] >= 0 and box[3] <= projection.height
        own = (x - MARKER, y - MARKER, x + MARKER, y + MARKER)
        if inside and not any(_overlap(box, other) for other in taken if other != own):
            return start, "start" if side > 0 else "end", box
    return None


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _has_coordinates(commune: dict[str, Any]) -> bool:
    try:
        lat, lon = float(commune["lat"]), float(commune["lon"])
    except (TypeError, ValueError, KeyError):
        return False
    return math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180


def without_coordinates(communes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [commune for commune in communes if not _has_coordinates(commune)]
