"""Opening DIR/state/runs.sqlite: the schema, its version, and a clear error for a foreign file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from controller.errors import UserError

STORE_FILE = Path("state") / "runs.sqlite"
# PRAGMA user_version of the schema below. An older store is migrated in place (MIGRATIONS);
# a newer or foreign one is refused rather than misread.
SCHEMA_VERSION = 2
# Version 2: the plan's tasks recorded done (`mergectl tasks done`, an IT officer's name
# arriving with a staff list), one row per task and commune (NULL: the whole province).
TASK_EVENTS = """
CREATE TABLE task_events (
    id INTEGER PRIMARY KEY,
    task TEXT NOT NULL,
    commune TEXT,
    day TEXT NOT NULL,
    recorded TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE UNIQUE INDEX task_events_once ON task_events(task, IFNULL(commune, ''));
"""
SCHEMA_V1 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    playbook TEXT NOT NULL,
    host_limit TEXT,
    tags TEXT,
    check_mode INTEGER NOT NULL,
    lab INTEGER NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    rc INTEGER,
    -- 1 once Ansible's closing stats arrived: every host's outcome is then final
    stats_seen INTEGER NOT NULL DEFAULT 0,
    pid INTEGER NOT NULL,
    run_dir TEXT NOT NULL
);
CREATE TABLE host_results (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    host TEXT NOT NULL,
    ok INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    unreachable INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, host)
);
CREATE TABLE task_results (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    host TEXT NOT NULL,
    task TEXT NOT NULL,
    role TEXT,
    action TEXT,
    workstream TEXT NOT NULL,
    status TEXT NOT NULL,
    changed INTEGER NOT NULL,
    message TEXT,
    time TEXT NOT NULL
);
CREATE INDEX task_results_run ON task_results(run_id, host);
"""
SCHEMA = SCHEMA_V1 + TASK_EVENTS
# from version -> the script that brings a store of that version to the next.
MIGRATIONS = {1: TASK_EVENTS}
V1_TABLES = {"runs", "host_results", "task_results"}
EXPECTED_TABLES = V1_TABLES | {"task_events"}


def _tables(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _migrate(connection: sqlite3.Connection) -> None:
    """Bring the store to SCHEMA_VERSION one step at a time, each step with its version number
    in one transaction: an interrupted migration leaves the older version whole, and a second
    mergectl opening the store meanwhile waits, then finds the work done."""
    while True:
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version not in MIGRATIONS:
                connection.commit()
                return
            for statement in MIGRATIONS[version].split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise


def store_path(workspace: Path) -> Path:
    return workspace / STORE_FILE


def open_store(workspace: Path, *, create: bool = True) -> sqlite3.Connection:
    """The workspace's store, created on first use; UserError (exit 3) naming the file when it
    is not a store of this version."""
    path = store_path(workspace)
    if not path.exists() and not create:
        raise UserError(f"{path}: no runs recorded yet (run 'mergectl apply {workspace}' first)")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = sqlite3.connect(path, timeout=10)
        connection.row_factory = sqlite3.Row
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        tables = _tables(connection)
        if not tables and version == 0:
            connection.executescript(SCHEMA)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.commit()
            version, tables = SCHEMA_VERSION, _tables(connection)
        elif version in MIGRATIONS and tables >= V1_TABLES:
            _migrate(connection)
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = _tables(connection)
        if version != SCHEMA_VERSION or not tables >= EXPECTED_TABLES:
            connection.close()
            raise UserError(
                f"{path}: not a mergectl run store of schema version {SCHEMA_VERSION} (found version "
                f"{version}, tables {', '.join(sorted(tables)) or 'none'}); move it away to start a new one"
            )
        # WAL: each event is one small commit, and readers (`mergectl runs`) never block the writer.
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as error:
        raise UserError(
            f"{path}: not a readable SQLite run store ({error}); move it away to start a new one"
        ) from None
    return connection
