"""The stored registers, DIR/registers/survey/<kind>.yml: what `survey import` accepted, one record
per key, sorted, each with the sheet and the time it came from.

Read back, a register is checked like a sheet (every value, every rule, `FILE:LINE [key]`),
so a hand edit cannot carry what an import would refuse; keys of neither a column nor the
provenance are errors.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path
from typing import Any

from controller.errors import Diagnostics
from controller.survey.holders import Holders
from controller.survey.kinds import Kind
from controller.survey.records import Place, SurveyRecord, check_set, check_values
from controller.workspace import Workspace
from controller.yamlio import atomic_write, dump_yaml, parse_yaml

FORMAT = 1
PROVENANCE = ("source_file", "source_line", "imported_at")
HEADER = (
    "Written by `mergectl survey import` from the sheets departments filled in (source_file).\n"
    "Checked again whenever mergectl reads it: a hand edit must pass the same checks as a sheet."
)


def register_path(ws: Workspace, kind: Kind) -> Path:
    return ws.registers_dir / "survey" / f"{kind.name}.yml"


def save_register(ws: Workspace, kind: Kind, records: list[SurveyRecord]) -> Path:
    """Write the register atomically; the caller holds the workspace lock."""
    ordered = sorted(records, key=lambda record: kind.key_of(record.values))
    entries = []
    for record in ordered:
        entry: dict[str, Any] = {name: record.values[name]
                                 for name in kind.column_names if name in record.values}
        entry["source_file"] = record.source_file
        if record.source_line is not None:
            entry["source_line"] = record.source_line
        entry["imported_at"] = record.imported_at
        entries.append(entry)
    path = register_path(ws, kind)
    atomic_write(path, dump_yaml({"format": FORMAT, "kind": kind.name, "records": entries}, HEADER))
    return path


def load_register(ws: Workspace, kind: Kind, holders: Holders,
                  diagnostics: Diagnostics) -> list[SurveyRecord] | None:
    """The register's records (None when nothing was imported yet); problems go to `diagnostics`."""
    path = register_path(ws, kind)
    if not path.exists():
        return None
    data, lines, found = parse_yaml(path, what=f"the register of {kind.what}")
    if found:
        diagnostics.extend(found)
        return []
    if not isinstance(data, dict):
        diagnostics.add(path, 1, "expected a mapping with format, kind and records")
        return []
    for key in data:
        if key not in ("format", "kind", "records"):
            diagnostics.add(path, lines.line((str(key),)), f"unknown key {key!r}", key=str(key))
    if data.get("format") != FORMAT or data.get("kind") != kind.name:
        diagnostics.add(path, lines.line(("kind",)),
                        f"expected kind: {kind.name} and format: {FORMAT} (the register of {kind.what})")
        return []
    items = data.get("records")
    if not isinstance(items, list):
        diagnostics.add(path, lines.line(("records",)), "records must be a list", key="records")
        return []
    allowed = [*kind.column_names, *PROVENANCE]
    records: list[SurveyRecord] = []
    for position, item in enumerate(items):
        base = ("records", position)
        place = Place(path, lines.line(base), lines, base)
        if not isinstance(item, dict):
            place.add(diagnostics, None, "expected a record (a mapping of column: value)")
            continue
        raw: dict[str, str] = {}
        problems = Diagnostics()
        for key, value in item.items():
            key = str(key)
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                place.add(problems, key, f"unknown key {key!r}",
                          f"did you mean {close[0]}?" if close else f"known: {', '.join(allowed)}")
                continue
            text = _text(value)
            if text is None:
                place.add(problems, key, f"expected a single value, got {type(value).__name__}")
            else:
                raw[key] = text
        values = check_values(kind, raw, holders, place, problems)
        source_line = raw.get("source_line", "")
        if source_line and not source_line.isdigit():
            place.add(problems, "source_line", f"{source_line!r} is not a line number")
        for key in ("source_file", "imported_at"):
            if not raw.get(key):
                place.add(problems, key, "required: where and when the record was imported",
                          "re-import the sheet rather than adding records by hand")
        if raw.get("imported_at") and _timestamp(raw["imported_at"]) is None:
            place.add(problems, "imported_at", f"{raw['imported_at']!r} is not a date and time (ISO 8601)")
        diagnostics.extend(problems)
        if values is not None and not problems:
            records.append(SurveyRecord(values, raw["source_file"], raw["imported_at"],
                                        int(source_line) if source_line else None, place))
    check_set(kind, records, diagnostics)
    return records


def _text(value: Any) -> str | None:
    """A stored value as the text a sheet would have given (YAML may have read a date or a number)."""
    if value is None:
        return ""
    if isinstance(value, bool | dict | list):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _timestamp(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None
