"""Writes one run into the store as ansible-runner's events arrive.

One commit per event: a run on 168 communes yields a few thousand events, cheap in WAL
mode, and whatever happened before a Ctrl-C or a kill is on disk.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from controller.runs.events import failure_message, result_status
from controller.runs.workstreams import workstream_of

# playbook_on_stats counters -> host_results columns.
STATS_COLUMNS = {
    "ok": "ok",
    "changed": "changed",
    "failures": "failed",
    "dark": "unreachable",
    "skipped": "skipped",
}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class RunRecorder:
    """The event handler that records; `finish` closes the run row."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        *,
        playbook: str,
        limit: str | None,
        tags: str | None,
        check: bool,
        lab: bool,
        run_dir: str,
    ) -> None:
        self.connection = connection
        with connection:
            cursor = connection.execute(
                "INSERT INTO runs (playbook, host_limit, tags, check_mode, lab, started, status, pid,"
                " run_dir) VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                (playbook, limit, tags, int(check), int(lab), now(), os.getpid(), run_dir),
            )
        self.run_id = int(cursor.lastrowid or 0)

    def __call__(self, event: Mapping[str, Any]) -> bool:
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        status = result_status(kind, data)
        if status:
            self._record_result(status, data)
        elif kind == "playbook_on_stats":
            self._record_stats(data)
        return True  # ansible-runner keeps the event's file too

    def _record_result(self, status: str, data: Mapping[str, Any]) -> None:
        result = data.get("res") or {}
        changed = bool(result.get("changed")) if isinstance(result, Mapping) else False
        message = failure_message(result) if status in ("failed", "unreachable") else None
        host = str(data.get("host", ""))
        column = status if status in ("ok", "failed", "unreachable", "skipped") else None
        with self.connection:
            self.connection.execute(
                "INSERT INTO task_results (run_id, host, task, role, action, workstream, status, changed,"
                " message, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.run_id,
                    host,
                    str(data.get("task", "")),
                    data.get("role") or None,
                    data.get("task_action") or None,
                    workstream_of(data.get("role")),
                    status,
                    int(changed),
                    message,
                    now(),
                ),
            )
            self.connection.execute(
                "INSERT OR IGNORE INTO host_results (run_id, host) VALUES (?, ?)", (self.run_id, host)
            )
            increments = [name for name in (column, "changed" if changed else None) if name]
            if increments:
                assignments = ", ".join(f"{name} = {name} + 1" for name in increments)
                self.connection.execute(
                    f"UPDATE host_results SET {assignments} WHERE run_id = ? AND host = ?",
                    (self.run_id, host),
                )

    def _record_stats(self, data: Mapping[str, Any]) -> None:
        """Ansible's own totals replace the counts kept so far (they know of rescued tasks and
        of hosts that had nothing to do)."""
        hosts: dict[str, dict[str, int]] = {}
        for counter, column in STATS_COLUMNS.items():
            for host, count in (data.get(counter) or {}).items():
                hosts.setdefault(host, dict.fromkeys(STATS_COLUMNS.values(), 0))[column] = int(count)
        for host in data.get("processed") or {}:
            hosts.setdefault(host, dict.fromkeys(STATS_COLUMNS.values(), 0))
        with self.connection:
            for host, counts in hosts.items():
                self.connection.execute(
                    "INSERT OR REPLACE INTO host_results"
                    " (run_id, host, ok, changed, failed, unreachable, skipped) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        self.run_id,
                        host,
                        counts["ok"],
                        counts["changed"],
                        counts["failed"],
                        counts["unreachable"],
                        counts["skipped"],
                    ),
                )
            self.connection.execute("UPDATE runs SET stats_seen = 1 WHERE id = ?", (self.run_id,))

    def finish(self, status: str, rc: int | None) -> None:
        with self.connection:
            self.connection.execute(
                "UPDATE runs SET finished = ?, status = ?, rc = ? WHERE id = ?",
                (now(), status, rc, self.run_id),
            )
