"""Rendering of the progress report's data (contract B, `controller.report.to_json_data`) as a
self-contained HTML page, Markdown or JSON, in Vietnamese (default) or English."""

from __future__ import annotations

import json
from typing import Any

from controller.report_render.html import render_html
from controller.report_render.labels import DEFAULT_LANGUAGE, LANGUAGES
from controller.report_render.markdown import render_markdown

FORMATS = ("html", "md", "json")
__all__ = ["DEFAULT_LANGUAGE", "FORMATS", "LANGUAGES", "render"]


def render(data: dict[str, Any], fmt: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The report in `fmt`; JSON is the data itself (its texts carry both languages already)."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return render_markdown(data, lang)
    if fmt == "html":
        return render_html(data, lang)
    raise ValueError(f"unknown report format {fmt!r} (one of {', '.join(FORMATS)})")
