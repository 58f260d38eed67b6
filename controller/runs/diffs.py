"""A task's diff (`--diff`) as ansible-playbook prints it, from the event's `diff` entries."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any


def _text(value: Any) -> str:
    # Modules report a file's state (owner, mode...) as a mapping; Ansible prints it as JSON.
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=4, sort_keys=True) + "\n"


def diff_lines(diffs: Any) -> list[str]:
    """Unified diff lines of one result; a module's own rendering ("prepared") as it is."""
    if isinstance(diffs, Mapping):
        diffs = [diffs]
    lines: list[str] = []
    for diff in diffs or []:
        if not isinstance(diff, Mapping):
            continue
        if diff.get("prepared"):
            lines += str(diff["prepared"]).splitlines()
            continue
        if "before" not in diff and "after" not in diff:
            continue
        before, after = _text(diff.get("before", "")), _text(diff.get("after", ""))
        if before == after:
            continue
        before_header = "before" + (f": {diff['before_header']}" if diff.get("before_header") else "")
        after_header = "after" + (f": {diff['after_header']}" if diff.get("after_header") else "")
        lines += [
            line.rstrip("\n")
            for line in difflib.unified_diff(
                before.splitlines(keepends=True),
                after.splitlines(keepends=True),
                fromfile=before_header,
                tofile=after_header,
            )
        ]
    return lines
