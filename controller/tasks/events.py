"""The plan's tasks recorded done, in the run store's `task_events` table (schema version 2).

One row per task and commune (commune NULL: the whole province). A relative deadline counts
from the day its anchor task was recorded; for "IT officers' list" that is the day a staff list
first named the commune's IT officer (`mergectl accounts import` records it), and a later
import never moves it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from controller.runs.recorder import now

BY_HAND = "mergectl tasks done"
STAFF_LIST = "mergectl accounts import"


@dataclass(frozen=True)
class TaskEvent:
    task: str
    commune: str | None
    day: dt.date
    recorded: str
    source: str


_COLUMNS = "SELECT task, commune, day, recorded, source FROM task_events"


def _event(row: sqlite3.Row) -> TaskEvent:
    return TaskEvent(
        row["task"], row["commune"], dt.date.fromisoformat(row["day"]), row["recorded"], row["source"]
    )


def read_events(connection: sqlite3.Connection) -> list[TaskEvent]:
    return [_event(row) for row in connection.execute(f"{_COLUMNS} ORDER BY id")]


def find(connection: sqlite3.Connection, task: str, commune: str | None) -> TaskEvent | None:
    query = f"{_COLUMNS} WHERE task = ? AND IFNULL(commune, '') = ?"
    row = connection.execute(query, (task, commune or "")).fetchone()
    return _event(row) if row is not None else None


def record(
    connection: sqlite3.Connection,
    task: str,
    commune: str | None,
    day: dt.date,
    source: str,
    *,
    replace: bool = False,
) -> bool:
    """Record the task done on `day`; False (nothing changed) when it is recorded already and
    `replace` is not given."""
    with connection:
        if replace:
            connection.execute(
                "DELETE FROM task_events WHERE task = ? AND IFNULL(commune, '') = ?", (task, commune or "")
            )
        cursor = connection.execute(
            "INSERT OR IGNORE INTO task_events (task, commune, day, recorded, source) VALUES (?, ?, ?, ?, ?)",
            (task, commune, day.isoformat(), now(), source),
        )
    return cursor.rowcount == 1


def remove(connection: sqlite3.Connection, task: str, commune: str | None) -> bool:
    with connection:
        cursor = connection.execute(
            "DELETE FROM task_events WHERE task = ? AND IFNULL(commune, '') = ?", (task, commune or "")
        )
    return cursor.rowcount > 0
