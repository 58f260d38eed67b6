#!/usr/bin/env python3
"""Whether a screenshot shows a drawn page: the one rule for every screenshot test (pytest's and
the portal scenario's). Usage: png_check.py PNG... (exit 1 when one is blank).

A failed load or a TLS error page is one or two flat colours; a page that rendered has text,
borders and pictures: many colours and no colour covering nearly everything. The caller also
checks what was loaded (the page's text), since an error page can be colourful too.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

MIN_COLOURS = 16
MAX_BACKGROUND = 0.97


def blank_reason(path: Path, top: int | None = None) -> str | None:
    """Why the PNG (its first `top` rows when given) looks blank, or None when it is drawn."""
    with Image.open(path) as image:
        picture = image.convert("RGB")
    if top is not None:
        picture = picture.crop((0, 0, picture.width, min(top, picture.height)))
    pixels = picture.width * picture.height
    colours = picture.getcolors(maxcolors=pixels) or []  # [(count, colour)]
    background = max(colours)[0] / pixels
    if len(colours) < MIN_COLOURS:
        return f"{len(colours)} colours only"
    if background > MAX_BACKGROUND:
        return f"one colour covers {background:.0%} of it"
    return None


def main(paths: list[str]) -> int:
    status = 0
    for name in paths:
        with Image.open(name) as image:
            size = image.size
        reason = blank_reason(Path(name))
        print(f"{name}: {size[0]}x{size[1]}: {'blank, ' + reason if reason else 'drawn'}")
        status |= reason is not None
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
