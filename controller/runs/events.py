"""What the store and the screen take from ansible-runner's events."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# ansible-runner's per-host result events and the status each records. Loop items
# (runner_item_on_*) are left out: the task's own event after the loop carries the outcome.
RESULT_EVENTS = {
    "runner_on_ok": "ok",
    "runner_on_failed": "failed",
    "runner_on_unreachable": "unreachable",
    "runner_on_skipped": "skipped",
}


def result_status(kind: str, data: Mapping[str, Any]) -> str | None:
    """ok, failed, ignored, unreachable or skipped; None for an event that is no host result."""
    status = RESULT_EVENTS.get(kind)
    if status == "failed" and data.get("ignore_errors"):
        return "ignored"
    return status


def failure_message(result: Mapping[str, Any]) -> str:
    """One line for a failed or unreachable result."""
    text = str(result.get("msg") or result.get("stderr") or result.get("reason") or "").strip()
    if text:
        return text.splitlines()[0][:300]
    if result.get("failed_when_result"):
        return "failed_when condition met" + (f" (rc {result['rc']})" if "rc" in result else "")
    return "(no message)"
