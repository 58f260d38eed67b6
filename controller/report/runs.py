"""What the run store says per host and workstream: the outcome of the last run that touched it.

A host's workstream is `applied` when, in the last run with results for it, its tasks of that
workstream had no failure and the run either reached Ansible's closing stats or the host failed
later in another workstream (its tasks of this one were over). A run stopped before either is
`planned` for it: what remained is unknown. Check-mode runs change nothing and are left out;
lab runs (`apply --lab`) count only in a workspace that has no run on real hosts.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from controller.errors import UserError
from controller.report.model import APPLIED, FAILED, PLANNED, Failure, RunLine
from controller.runs.history import RecordedRun, list_runs
from controller.runs.store import open_store, store_path
from controller.workspace import Workspace

SOURCE = "state/runs.sqlite"
LAST_RUNS = 10


@dataclass(frozen=True)
class Outcome:
    state: str  # applied | failed | planned
    run: int
    failures: tuple[Failure, ...] = ()


@dataclass
class RunsView:
    outcomes: dict[tuple[str, str], Outcome] = field(default_factory=dict)  # (host, workstream) ->
    last_runs: list[RunLine] = field(default_factory=list)
    counted: int = 0  # runs counted; none: the store holds task records only and tells nothing of hosts


def open_existing(ws: Workspace, sources: dict[str, str]) -> sqlite3.Connection | None:
    """The store when there is one (never created here); None with the reason in `sources`."""
    if not store_path(ws.dir).is_file():
        sources[SOURCE] = "absent"
        return None
    try:
        return open_store(ws.dir, create=False)
    except UserError as error:
        sources[SOURCE] = f"unreadable ({error})"
        return None


def read_runs(connection: sqlite3.Connection, sources: dict[str, str]) -> RunsView:
    runs = [run for run in list_runs(connection) if not run.check]
    real = [run for run in runs if not run.lab]
    counted = real or runs
    sources[SOURCE] = "present" if real or not runs else "present (lab runs only)"
    view = RunsView(counted=len(counted))
    if not counted:
        return view
    by_id = {run.id: run for run in counted}
    marks = ",".join("?" * len(by_id))
    latest = connection.execute(
        f"SELECT host, workstream, MAX(run_id) AS run_id FROM task_results WHERE run_id IN ({marks})"
        " GROUP BY host, workstream",
        tuple(by_id),
    ).fetchall()
    failed_hosts = _failed_hosts(connection, marks, tuple(by_id))
    for row in latest:
        run = by_id[row["run_id"]]
        failures = _failures(connection, run, row["host"], row["workstream"])
        if failures:
            state = FAILED
        elif run.complete or (run.id, row["host"]) in failed_hosts:
            state = APPLIED
        else:
            state = PLANNED
        view.outcomes[(row["host"], row["workstream"])] = Outcome(state, run.id, failures)
    view.last_runs = [_line(connection, run) for run in sorted(counted, key=lambda run: -run.id)[:LAST_RUNS]]
    return view


def _failed_hosts(
    connection: sqlite3.Connection, marks: str, run_ids: tuple[int, ...]
) -> set[tuple[int, str]]:
    rows = connection.execute(
        f"SELECT DISTINCT run_id, host FROM task_results WHERE run_id IN ({marks})"
        " AND status IN ('failed', 'unreachable')",
        run_ids,
    )
    return {(row["run_id"], row["host"]) for row in rows}


def _failures(
    connection: sqlite3.Connection, run: RecordedRun, host: str, workstream: str
) -> tuple[Failure, ...]:
    rows = connection.execute(
        "SELECT task, role, status, message, time FROM task_results WHERE run_id = ? AND host = ?"
        " AND workstream = ? AND status IN ('failed', 'unreachable') ORDER BY id",
        (run.id, host, workstream),
    )
    return tuple(
        Failure(
            host=host,
            task=f"{row['role']} : {row['task']}" if row["role"] else row["task"],
            message=row["message"] or row["status"],
            run=run.id,
            time=row["time"],
            source="run",
        )
        for row in rows
    )


def _line(connection: sqlite3.Connection, run: RecordedRun) -> RunLine:
    row = connection.execute(
        "SELECT COUNT(*) AS hosts, SUM(failed > 0 OR unreachable > 0) AS failed FROM host_results"
        " WHERE run_id = ?",
        (run.id,),
    ).fetchone()
    return RunLine(run.id, run.playbook, run.started, run.status, row["hosts"] or 0, row["failed"] or 0)
