"""The report as one self-contained HTML page: inline CSS and SVG, no script, no external
resource (the users' network is closed and the file is mailed), readable on a 360 px phone
and printable. The template lives beside this module; Jinja2 escapes every value."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2
from markupsafe import Markup

from controller.report_render.svgmap import STYLE, draw_map, legend_icon, without_coordinates
from controller.report_render.timeline import STATE_STYLE, draw_timeline
from controller.report_render.view import build_view


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("controller.report_render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(data: dict[str, Any], lang: str) -> str:
    view = build_view(data, lang)
    icons = {status: Markup(legend_icon(status)) for status in STYLE}
    template = _environment().get_template("report.html.j2")
    return template.render(
        v=view,
        t=view.labels,
        lang=view.labels.lang,
        css=Markup(_environment().loader.get_source(_environment(), "report.css")[0]),  # type: ignore[union-attr]
        map_svg=Markup(draw_map(view.communes, view.labels)),
        unplaced=without_coordinates(view.communes),
        timeline_svg=Markup(draw_timeline(view.tasks, view.today, view.labels)),
        undated=[task for task in view.tasks if not task["due_iso"]],
        icons=icons,
        state_icons={state: icons[status] for state, status in STATE_STYLE.items()},
    )
