"""Reading the store: the runs, one run's hosts and failures per workstream, what to resume."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from typing import Any

NOT_FINISHED = "not finished"


@dataclass(frozen=True)
class RecordedRun:
    id: int
    playbook: str
    limit: str | None
    tags: str | None
    check: bool
    lab: bool
    started: str
    finished: str | None
    status: str  # running, ok, failed, interrupted
    rc: int | None
    run_dir: str
    complete: bool  # Ansible's closing stats arrived

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _run(row: sqlite3.Row) -> RecordedRun:
    status = row["status"]
    # A killed mergectl never closed its row: once its process is gone the run is over.
    if status == "running" and not _alive(row["pid"]):
        status = "interrupted"
    return RecordedRun(
        id=row["id"],
        playbook=row["playbook"],
        limit=row["host_limit"],
        tags=row["tags"],
        check=bool(row["check_mode"]),
        lab=bool(row["lab"]),
        started=row["started"],
        finished=row["finished"],
        status=status,
        rc=row["rc"],
        run_dir=row["run_dir"],
        complete=bool(row["stats_seen"]),
    )


def list_runs(connection: sqlite3.Connection) -> list[RecordedRun]:
    return [_run(row) for row in connection.execute("SELECT * FROM runs ORDER BY id")]


def get_run(connection: sqlite3.Connection, run_id: int) -> RecordedRun | None:
    row = connection.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    return _run(row) if row else None


def last_run(
    connection: sqlite3.Connection, playbook: str, *, lab: bool | None = None, check: bool | None = None
) -> RecordedRun | None:
    query, parameters = "SELECT * FROM runs WHERE playbook = ?", [playbook]
    for column, wanted in (("lab", lab), ("check_mode", check)):
        if wanted is not None:
            query, parameters = query + f" AND {column} = ?", [*parameters, "1" if wanted else "0"]
    row = connection.execute(query + " ORDER BY id DESC LIMIT 1", parameters).fetchone()
    return _run(row) if row else None


def host_outcomes(connection: sqlite3.Connection, run: RecordedRun) -> dict[str, str]:
    """host -> ok, failed, unreachable, or "not finished" (a run that stopped before Ansible's
    closing stats: a host without a failure may still have had plays to go)."""
    outcomes: dict[str, str] = {}
    for row in connection.execute("SELECT * FROM host_results WHERE run_id = ? ORDER BY host", (run.id,)):
        if row["unreachable"]:
            outcomes[row["host"]] = "unreachable"
        elif row["failed"]:
            outcomes[row["host"]] = "failed"
        else:
            outcomes[row["host"]] = "ok" if run.complete else NOT_FINISHED
    return outcomes


@dataclass(frozen=True)
class ResumePlan:
    """What `apply --resume` re-runs: the named hosts, or, when the run stopped before Ansible
    knew every host's outcome, everything the run aimed at (its limit; None: all hosts)."""

    hosts: tuple[str, ...]
    whole_run: bool
    limit: str | None


def resume_plan(connection: sqlite3.Connection, run: RecordedRun) -> ResumePlan:
    outcomes = host_outcomes(connection, run)
    if not run.complete:
        return ResumePlan((), True, run.limit)
    return ResumePlan(tuple(host for host, outcome in outcomes.items() if outcome != "ok"), False, run.limit)


def workstream_hosts(
    connection: sqlite3.Connection, run: RecordedRun
) -> dict[str, dict[str, dict[str, int]]]:
    """workstream -> host -> task counts per status (ok, changed, failed, unreachable, skipped, ignored)."""
    result: dict[str, dict[str, dict[str, int]]] = {}
    rows = connection.execute(
        "SELECT workstream, host, status, SUM(changed) AS changed, COUNT(*) AS n FROM task_results"
        " WHERE run_id = ? GROUP BY workstream, host, status ORDER BY workstream, host",
        (run.id,),
    )
    for row in rows:
        counts = result.setdefault(row["workstream"], {}).setdefault(
            row["host"], dict.fromkeys(("ok", "changed", "failed", "unreachable", "skipped", "ignored"), 0)
        )
        counts[row["status"]] += row["n"]
        counts["changed"] += row["changed"] or 0
    return result


def failures(connection: sqlite3.Connection, run: RecordedRun) -> list[dict[str, Any]]:
    rows = connection.execute(
        "SELECT host, workstream, task, role, action, status, message, time FROM task_results"
        " WHERE run_id = ? AND status IN ('failed', 'unreachable') ORDER BY id",
        (run.id,),
    )
    return [dict(row) for row in rows]
