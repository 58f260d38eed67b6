"""What `accounts import` would do, for people to read before a username is fixed for good.

`table`: aligned text, one line per account the list touches (issued, kept, re-enabled,
disabled), sorted by unit and username; `document`: the same as JSON for scripts. Names are
shown: this is the operator's own staff list, printed on their terminal.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from controller.accounts.reconcile import Change, Summary

COLUMNS = ("commune", "commune_name", "full_name", "username", "action", "how", "note")


def _width(text: str) -> int:
    """Terminal columns of `text` (combining marks take none)."""
    return sum(0 if unicodedata.combining(char) else 1 for char in text)


def _cells(change: Change, unit_names: Mapping[str, str]) -> list[str]:
    return [
        change.unit.split("|")[-1],
        unit_names.get(change.unit, ""),
        change.full_name,
        change.username,
        change.action,
        change.rule,
        change.note,
    ]


def table(changes: list[Change], unit_names: Mapping[str, str]) -> str:
    rows = [list(COLUMNS), *(_cells(change, unit_names) for change in changes)]
    widths = [max(_width(row[column]) for row in rows) for column in range(len(COLUMNS))]
    lines = []
    for row in rows:
        padded = [cell + " " * (widths[index] - _width(cell)) for index, cell in enumerate(row[:-1])]
        lines.append("  ".join([*padded, row[-1]]).rstrip())
    return "\n".join(lines)


def document(
    changes: list[Change],
    unit_names: Mapping[str, str],
    summary: Summary,
    *,
    dry_run: bool,
    notes: list[str],
    refused: list[str],
) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "written": not dry_run and not refused,
        "summary": {
            "units": summary.units,
            "issued": summary.issued,
            "kept": summary.kept,
            "reenabled": summary.reenabled,
            "disabled": summary.disabled,
        },
        "refused": refused,
        "notes": notes,
        "accounts": [
            {**dict(zip(COLUMNS, _cells(change, unit_names), strict=True)), "line": change.line}
            for change in changes
        ],
    }
