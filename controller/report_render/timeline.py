"""The plan's deadlines on a date axis, as an inline SVG with today marked.

One row per task with a date: its title on a line of its own (long Vietnamese titles stay
readable on a phone), under it the axis with the deadline's dot, coloured and shaped by the
task's state. Tasks whose date is not known yet (relative to an event not recorded) are
listed by the page under the drawing, not placed on it.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

from controller.report_render.labels import Labels
from controller.report_render.svgmap import marker_shape

WIDTH = 440.0
LEFT = 10.0
RIGHT = 10.0
AXIS_HEIGHT = 44.0
ROW = 44.0
TITLE_CHARS = 52
# Task state -> the marker status whose colour and shape it takes (svgmap.STYLE).
STATE_STYLE = {
    "done": "verified",
    "on_track": "applied",
    "at_risk": "planned",
    "overdue": "failed",
    "unknown": "unknown",
}


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _short(text: str) -> str:
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def _ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    span = (last - first).days
    if span <= 70:  # weekly ticks, on Mondays
        tick = first + dt.timedelta(days=(7 - first.weekday()) % 7)
        step = dt.timedelta(days=7)
        found = []
        while tick <= last:
            found.append(tick)
            tick += step
        return found
    found, year, month = [], first.year, first.month
    every = max(1, span // 200 + 1)
    while True:
        month += every
        while month > 12:
            year, month = year + 1, month - 12
        tick = dt.date(year, month, 1)
        if tick > last:
            return found
        found.append(tick)


def draw_timeline(tasks: list[dict[str, Any]], today: str | None, labels: Labels) -> str:
    """The SVG of the tasks that have a date ("" when none has)."""
    dated: list[tuple[dict[str, Any], dt.date, dt.date | None]] = []
    for task in tasks:
        due = _date(task.get("due_iso"))
        if due is not None:
            dated.append((task, due, _date(task.get("planned_due_iso"))))
    if not dated:
        return ""
    dated.sort(key=lambda item: (item[1], item[0]["title"]))
    today_date = _date(today)
    every: list[dt.date] = [due for _, due, _ in dated]
    every += [planned for _, _, planned in dated if planned]
    every += [today_date] if today_date else []
    first, last = min(every) - dt.timedelta(days=2), max(every) + dt.timedelta(days=2)
    span = max(1, (last - first).days)

    def x_of(day: dt.date) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span

    height = AXIS_HEIGHT + ROW * len(dated) + 6
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "viewBox": f"0 0 {WIDTH:g} {height:g}",
            "role": "img",
            "class": "timeline",
            "aria-label": labels("timeline"),
            "font-family": "DejaVu Sans, Noto Sans, sans-serif",
        },
    )
    axis = ET.SubElement(svg, "g", {"class": "axis", "font-size": "11", "fill": "#4a5560"})
    ET.SubElement(
        axis,
        "line",
        {
            "x1": f"{LEFT:g}",
            "y1": f"{AXIS_HEIGHT - 6:g}",
            "x2": f"{WIDTH - RIGHT:g}",
            "y2": f"{AXIS_HEIGHT - 6:g}",
            "stroke": "#4a5560",
        },
    )
    for tick in _ticks(first, last):
        x = x_of(tick)
        ET.SubElement(
            axis,
            "line",
            {
                "x1": f"{x:.1f}",
                "y1": f"{AXIS_HEIGHT - 10:g}",
                "x2": f"{x:.1f}",
                "y2": f"{height:g}",
                "stroke": "#dde3e8",
            },
        )
        text = ET.SubElement(
            axis, "text", {"x": f"{x:.1f}", "y": f"{AXIS_HEIGHT - 14:g}", "text-anchor": "middle"}
        )
        text.text = labels.date(tick.isoformat())[:5] if labels.lang == "vi" else tick.isoformat()[5:]
    if today_date:
        x = x_of(today_date)
        mark = ET.SubElement(svg, "g", {"class": "today"})
        ET.SubElement(
            mark,
            "line",
            {
                "x1": f"{x:.1f}",
                "y1": f"{AXIS_HEIGHT - 8:g}",
                "x2": f"{x:.1f}",
                "y2": f"{height:g}",
                "stroke": "#B2182B",
                "stroke-width": "2",
                "stroke-dasharray": "5 3",
            },
        )
        left = x > WIDTH * 0.6
        text = ET.SubElement(
            mark,
            "text",
            {
                "x": f"{x - 4 if left else x + 4:.1f}",
                "y": "13",
                "font-size": "12",
                "font-weight": "bold",
                "fill": "#B2182B",
                "text-anchor": "end" if left else "start",
            },
        )
        text.text = f"{labels('today')} {labels.date(today_date.isoformat())}"
    for row, (task, due, planned) in enumerate(dated):
        top = AXIS_HEIGHT + ROW * row
        group = ET.SubElement(svg, "g", {"class": f"deadline state-{task['state']}", "data-task": task["id"]})
        title = ET.SubElement(group, "title")
        title.text = f"{task['title']}: {task['due']} ({task['state_label']})"
        name = ET.SubElement(
            group,
            "text",
            {
                "x": f"{LEFT:g}",
                "y": f"{top + 15:g}",
                "font-size": "14",
                "fill": "#111",
                "paint-order": "stroke",
                "stroke": "#fff",
                "stroke-width": "4",
            },
        )
        name.text = _short(task["title"])
        track_y = top + 30
        ET.SubElement(
            group,
            "line",
            {
                "x1": f"{LEFT:g}",
                "y1": f"{track_y:g}",
                "x2": f"{WIDTH - RIGHT:g}",
                "y2": f"{track_y:g}",
                "stroke": "#c8d0d8",
                "stroke-width": "1",
            },
        )
        x = x_of(due)
        if planned and planned != due:  # an adjusted deadline: from the plan's date to the new one
            ET.SubElement(
                group,
                "line",
                {
                    "x1": f"{x_of(planned):.1f}",
                    "y1": f"{track_y:g}",
                    "x2": f"{x:.1f}",
                    "y2": f"{track_y:g}",
                    "stroke": "#222",
                    "stroke-dasharray": "3 2",
                    "stroke-width": "1.5",
                },
            )
            group.append(marker_shape("unknown", x_of(planned), track_y, 4.5))
        group.append(marker_shape(STATE_STYLE.get(task["state"], "unknown"), x, track_y, 6.5))
        left = x > WIDTH * 0.7
        when = ET.SubElement(
            group,
            "text",
            {
                "x": f"{x - 10 if left else x + 10:.1f}",
                "y": f"{track_y + 4:g}",
                "font-size": "12",
                "fill": "#333",
                "text-anchor": "end" if left else "start",
            },
        )
        when.text = labels.date(due.isoformat())
    return ET.tostring(svg, encoding="unicode")
