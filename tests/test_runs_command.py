"""`mergectl runs`: the recorded runs, and one run per workstream and host with its failures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from controller.cli import main
from controller.errors import EXIT_INVALID, EXIT_OK
from controller.runs.recorder import RunRecorder
from controller.runs.store import open_store, store_path

FIXTURE = Path(__file__).parent / "fixtures" / "runs" / "dns-one-failure"


def record(workspace: Path, *, stop_after: int | None = None) -> None:
    events = sorted(
        (json.loads(path.read_text(encoding="utf-8")) for path in FIXTURE.glob("*.json")),
        key=lambda event: event["counter"],
    )
    recorder = RunRecorder(
        open_store(workspace), playbook="dns", limit=None, tags=None, check=False, lab=False, run_dir="r"
    )
    for event in events[:stop_after]:
        recorder(event)
    recorder.finish("failed" if stop_after is None else "interrupted", 2 if stop_after is None else None)


def output(capsys: pytest.CaptureFixture[str], arguments: list[str], code: int = EXIT_OK) -> str:
    """stdout on success, stderr otherwise."""
    assert main(arguments) == code
    captured = capsys.readouterr()
    return captured.out if code == EXIT_OK else captured.err


def test_the_runs_of_a_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "no runs recorded" in output(capsys, ["runs", str(tmp_path)])
    assert not store_path(tmp_path).exists()  # reading writes nothing
    record(tmp_path)
    record(tmp_path, stop_after=10)
    listed: list[dict[str, Any]] = json.loads(output(capsys, ["runs", str(tmp_path), "--json"]))["runs"]
    assert [(run["id"], run["status"], run["hosts"]) for run in listed] == [
        (1, "failed", {"failed": 1, "ok": 1}),
        (2, "interrupted", {"not finished": 2}),
    ]
    table = output(capsys, ["runs", str(tmp_path)]).splitlines()
    assert table[1].split()[:5] == ["1", "dns", table[1].split()[2], "failed", "2"]
    assert "interrupted" in table[2] and "2 not finished" in table[2]


def test_one_run_per_workstream_and_host_with_its_failures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record(tmp_path)
    details = json.loads(output(capsys, ["runs", str(tmp_path), "--last", "dns", "--json"]))
    assert details["run"]["status"] == "failed"
    assert details["hosts"] == {"ns-broken": "failed", "ns-good": "ok"}
    assert details["workstreams"]["dns"]["ns-broken"]["failed"] == 1
    assert [(f["host"], f["workstream"], f["task"]) for f in details["failures"]] == [
        ("ns-broken", "dns", "Check the zone loads")
    ]
    text = output(capsys, ["runs", str(tmp_path), "--run", "1"])
    assert "dns: 1/2 hosts without a failure" in text
    assert "ns-broken [dns] Check the zone loads: failed_when condition met (rc 0)" in text


def test_an_unknown_run_or_a_foreign_store_is_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record(tmp_path)
    assert "no run of mail" in output(capsys, ["runs", str(tmp_path), "--last", "mail"], EXIT_INVALID)
    output(capsys, ["runs", str(tmp_path), "--run", "9"], EXIT_INVALID)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store_path(tmp_path)}{suffix}").unlink(missing_ok=True)
    store_path(tmp_path).write_bytes(b"SQLite format 3\x00" + b"\xff" * 200)
    assert str(store_path(tmp_path)) in output(capsys, ["runs", str(tmp_path)], EXIT_INVALID)
