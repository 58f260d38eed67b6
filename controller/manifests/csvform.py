"""A lossless CSV form of a JSON document: one row per leaf, `path,value`.

`path` uses dots for keys and [i] for list positions (`users[0].roles[1]`); `value` is
the JSON text of the leaf, so strings, numbers, booleans, null, and empty lists or
objects all come back exactly. Keys with '.', '[' or ']' are refused (manifests never
have them). Spreadsheet users see every field on its own line. Written by the shared
`controller.csvwrite` (BOM, formulas neutralised); `from_csv` undoes both.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from controller.csvwrite import csv_text, restore, strip_bom

COLUMNS = ("path", "value")
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def flatten(document: Any, prefix: str = "") -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if isinstance(document, dict) and document:
        for key, value in document.items():
            if any(char in key for char in ".[]") or not key:
                raise ValueError(f"key {key!r} cannot be written in the CSV form")
            rows.extend(flatten(value, f"{prefix}.{key}" if prefix else key))
    elif isinstance(document, list) and document:
        for position, value in enumerate(document):
            rows.extend(flatten(value, f"{prefix}[{position}]"))
    else:
        rows.append((prefix, json.dumps(document, ensure_ascii=False)))
    return rows


def to_csv(document: dict[str, Any]) -> str:
    return csv_text(COLUMNS, flatten(document))


def _parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    position = 0
    for match in _PART.finditer(path):
        if match.start() != position and path[position:match.start()] != ".":
            raise ValueError(f"bad path {path!r}")
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    if position != len(path) or not parts:
        raise ValueError(f"bad path {path!r}")
    return parts


def from_csv(text: str) -> dict[str, Any]:
    reader = csv.reader(io.StringIO(strip_bom(text)))
    header = next(reader, None)
    if tuple(header or ()) != COLUMNS:
        raise ValueError(f"expected the header {','.join(COLUMNS)}")
    root: dict[str, Any] = {}
    for row_number, row in enumerate(reader, start=2):
        if len(row) != 2:
            raise ValueError(f"row {row_number}: expected 2 fields")
        path, raw = (restore(cell) for cell in row)
        value = json.loads(raw)
        if path == "":  # the whole document is an empty object
            if value != {} or root:
                raise ValueError(f"row {row_number}: an empty path stands only for an empty document")
            continue
        parts = _parts(path)
        node: Any = root
        for part, following in zip(parts, [*parts[1:], None], strict=True):
            if following is None:
                _put(node, part, value, row_number)
                break
            child: Any = [] if isinstance(following, int) else {}
            node = _put(node, part, child, row_number, keep=True)
    return root


def _put(node: Any, part: str | int, value: Any, row_number: int, keep: bool = False) -> Any:
    if isinstance(part, int):
        if not isinstance(node, list):
            raise ValueError(f"row {row_number}: a list position under an object")
        if part == len(node):
            node.append(value)
        elif not (keep and part < len(node)):
            raise ValueError(f"row {row_number}: list positions must come in order")
        return node[part]
    if not isinstance(node, dict):
        raise ValueError(f"row {row_number}: a key under a list")
    if keep:
        return node.setdefault(part, value)
    if part in node:
        raise ValueError(f"row {row_number}: {part!r} given twice")
    node[part] = value
    return value
