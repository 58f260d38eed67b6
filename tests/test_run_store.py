"""The status store: a recorded ansible-runner run written event by event and read back."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from controller.errors import UserError
from controller.runs.history import (
    NOT_FINISHED,
    failures,
    host_outcomes,
    last_run,
    list_runs,
    resume_plan,
    workstream_hosts,
)
from controller.runs.recorder import RunRecorder
from controller.runs.store import SCHEMA_VERSION, open_store, store_path
from controller.runs.workstreams import NO_WORKSTREAM, ROLE_WORKSTREAMS, workstream_of

FIXTURE = Path(__file__).parent / "fixtures" / "runs" / "dns-one-failure"
ROLES = Path(__file__).resolve().parents[1] / "roles"


def recorded_events() -> list[dict[str, Any]]:
    events = [json.loads(path.read_text(encoding="utf-8")) for path in FIXTURE.glob("*.json")]
    return sorted(events, key=lambda event: event["counter"])


def recorder(workspace: Path, playbook: str = "dns", limit: str | None = None) -> RunRecorder:
    return RunRecorder(
        open_store(workspace), playbook=playbook, limit=limit, tags=None, check=False, lab=False, run_dir="r"
    )


def test_every_role_has_a_workstream() -> None:
    roles = {path.name for path in ROLES.iterdir() if path.is_dir()}
    assert set(ROLE_WORKSTREAMS) == roles  # and no entry for a role that does not exist
    assert workstream_of("vngov.mergectl.bind_primary") == "dns"
    assert workstream_of(None) == NO_WORKSTREAM


def test_a_run_is_written_event_by_event_and_read_back(tmp_path: Path) -> None:
    record = recorder(tmp_path)
    reader = open_store(tmp_path)
    for event in recorded_events():
        assert record(event) is True
        if event["event"] == "runner_on_failed":
            # Already on disk, seen from another connection, while the run goes on.
            assert [f["host"] for f in failures(reader, list_runs(reader)[0])] == ["ns-broken"]
    record.finish("failed", 2)
    (run,) = list_runs(reader)
    assert (run.playbook, run.status, run.rc, run.complete) == ("dns", "failed", 2, True)
    assert host_outcomes(reader, run) == {"ns-broken": "failed", "ns-good": "ok"}
    counts = dict(reader.execute("SELECT host, ok FROM host_results WHERE run_id = ?", (run.id,)).fetchall())
    assert counts == {"ns-broken": 1, "ns-good": 3}
    (failure,) = failures(reader, run)
    assert failure["task"] == "Check the zone loads" and failure["workstream"] == "dns"
    assert failure["role"] == "bind_primary" and failure["action"] == "ansible.builtin.command"
    assert failure["message"] == "failed_when condition met (rc 0)"
    per_workstream = workstream_hosts(reader, run)
    assert per_workstream["dns"]["ns-good"]["changed"] == 1
    assert per_workstream["dns"]["ns-broken"]["failed"] == 1
    assert per_workstream[NO_WORKSTREAM] == {"ns-good": per_workstream[NO_WORKSTREAM]["ns-good"]}
    assert resume_plan(reader, run).hosts == ("ns-broken",)
    assert store_path(tmp_path).is_file()
    assert reader.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_interrupted_run_is_recorded_up_to_where_it_stopped(tmp_path: Path) -> None:
    record = recorder(tmp_path, limit="ns-*")
    events = recorded_events()
    stop = next(i for i, event in enumerate(events) if event["event"] == "runner_on_failed") + 1
    for event in events[:stop]:
        record(event)
    record.finish("interrupted", None)
    reader = open_store(tmp_path)
    run = last_run(reader, "dns")
    assert run is not None and run.status == "interrupted" and not run.complete
    assert host_outcomes(reader, run) == {"ns-broken": "failed", "ns-good": NOT_FINISHED}
    # Hosts Ansible had not reached yet are unknown: the whole run is resumed.
    plan = resume_plan(reader, run)
    assert plan.whole_run and plan.limit == "ns-*"


def test_a_run_left_running_by_a_killed_process_reads_as_interrupted(tmp_path: Path) -> None:
    record = recorder(tmp_path)
    for event in recorded_events()[:5]:
        record(event)
    reader = open_store(tmp_path)
    assert list_runs(reader)[0].status == "running"  # this process is alive
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    reader.execute("UPDATE runs SET pid = ?", (int(dead.stdout),))
    reader.commit()
    assert list_runs(reader)[0].status == "interrupted"


def test_a_killed_writer_leaves_a_readable_store(tmp_path: Path) -> None:
    script = (
        "import json, os, sys\n"
        "from pathlib import Path\n"
        "from controller.runs.recorder import RunRecorder\n"
        "from controller.runs.store import open_store\n"
        "r = RunRecorder(open_store(Path(sys.argv[1])), playbook='dns', limit=None, tags=None,"
        " check=False, lab=False, run_dir='r')\n"
        "for line in sys.stdin:\n"
        "    r(json.loads(line))\n"
        "    if json.loads(line)['event'] == 'runner_on_failed':\n"
        "        os.kill(os.getpid(), 9)\n"
    )
    feed = "".join(json.dumps(event) + "\n" for event in recorded_events())
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], input=feed, text=True, env=environment, check=False
    )
    assert done.returncode == -9
    reader = open_store(tmp_path)
    (run,) = list_runs(reader)
    assert run.status == "interrupted"
    assert [f["host"] for f in failures(reader, run)] == ["ns-broken"]


def test_a_foreign_or_newer_file_is_refused_by_name(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    path.parent.mkdir()
    path.write_text("not a database at all, just some text that is long enough" * 20, encoding="utf-8")
    with pytest.raises(UserError, match=str(path)):
        open_store(tmp_path)
    path.unlink()
    foreign = sqlite3.connect(path)
    foreign.execute("CREATE TABLE something (x)")
    foreign.commit()
    foreign.close()
    with pytest.raises(UserError, match="schema version"):
        open_store(tmp_path)
    path.unlink()
    open_store(tmp_path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(UserError, match=f"found version {SCHEMA_VERSION + 1}"):
        open_store(tmp_path)


def test_reading_a_workspace_without_runs_says_so(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no runs recorded"):
        open_store(tmp_path, create=False)
    assert not store_path(tmp_path).exists()
