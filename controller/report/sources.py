"""Reading the workspace's state files for the report: a missing or unreadable file is recorded
in `sources` and counts as unknown, never as zero."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from controller.yamlio import parse_yaml


def read_state(path: Path, sources: dict[str, str], name: str) -> dict[str, Any] | None:
    if not path.exists():
        sources[name] = "absent"
        return None
    data, _, diagnostics = parse_yaml(path)
    if diagnostics or not isinstance(data, dict):
        first = next(iter(diagnostics), None)
        sources[name] = f"unreadable ({first.message if first else 'not a mapping'})"
        return None
    sources[name] = "present"
    return data


def count(data: dict[str, Any] | None, key: str) -> int | None:
    if data is None:
        return None
    value = data.get(key)
    return len(value) if isinstance(value, dict | list) else 0


def staff_rows(staff_dir: Path, sources: dict[str, str]) -> int | None:
    files = sorted(staff_dir.glob("*.csv")) if staff_dir.is_dir() else []
    if not files:
        sources["staff/*.csv"] = "absent"
        return None
    rows = 0
    for path in files:
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows += max(0, sum(1 for row in csv.reader(handle) if any(cell.strip() for cell in row)) - 1)
        except (OSError, UnicodeDecodeError, csv.Error):
            sources["staff/*.csv"] = f"unreadable ({path.name})"
            return None
    sources["staff/*.csv"] = f"present ({len(files)} file(s))"
    return rows
