"""`mergectl decommission record|status`: the controller's mirror of the decommissioning journal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from controller import decommission
from controller.cli import main

SEAL = "a" * 64


def record(ws: Path, *extra: str) -> int:
    return main(["decommission", "record", str(ws), *extra])


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "group_vars" / "merger_records").mkdir(parents=True)
    (tmp_path / "group_vars" / "merger_records" / "old_units.yml").write_text(
        "---\nold_districts:\n"
        "  - {name: Huyện Hàm Thuận Bắc, code: '594', host: old-binhthuan-hamthuanbac}\n"
        "  - {name: Huyện Bắc Bình, code: '595', host: old-binhthuan-bacbinh}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_status_lists_every_old_district_even_without_steps(workspace: Path, capsys) -> None:
    assert main(["decommission", "status", str(workspace), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["host"] for r in rows] == ["old-binhthuan-bacbinh", "old-binhthuan-hamthuanbac"]
    assert all(r["next_step"] == "inventory" and r["steps"] == {} for r in rows)


def test_record_then_status_shows_archive_and_seal(workspace: Path, capsys) -> None:
    host = "old-binhthuan-hamthuanbac"
    for step in ("inventory", "backup", "verify"):
        assert record(workspace, "--host", host, "--step", step, "--archive", "20250625", "--sha256", SEAL,
                      "--at", "2025-06-25T08:00:00Z", "--details", '{"files": 12}') == 0
    capsys.readouterr()
    assert main(["decommission", "status", str(workspace)]) == 0
    out = capsys.readouterr().out
    assert "old-binhthuan-hamthuanbac  Huyện Hàm Thuận Bắc (594)  next: lockdown" in out
    assert f"verify     done     2025-06-25T08:00:00Z archive 20250625 sha256 {SEAL}" in out
    assert "lockdown   pending" in out


def test_status_says_why_verification_failed_and_what_the_directory_did(workspace: Path, capsys) -> None:
    host = "old-binhthuan-hamthuanbac"
    differences = [f"sha256 differs: /srv/district/documents/{n}.txt" for n in range(7)]
    assert record(workspace, "--host", host, "--step", "verify", "--status", "failed",
                  "--archive", "20250625", "--sha256", SEAL, "--at", "2025-06-25T08:00:00Z",
                  "--details", json.dumps({"differences": differences})) == 0
    directory = {"branch": "ou=bacbinh-binhthuan,ou=retired,dc=lamdong,dc=gov,dc=vn", "branch_exists": True,
                 "accounts": 3, "disabled_now": 1, "disabled_before": 2}
    assert record(workspace, "--host", "old-binhthuan-bacbinh", "--step", "revoke",
                  "--at", "2025-06-25T09:00:00Z",
                  "--details", json.dumps({"skipped": [], "directory": directory})) == 0
    capsys.readouterr()
    assert main(["decommission", "status", str(workspace)]) == 0
    out = capsys.readouterr().out
    assert "verify     failed" in out
    assert "difference: sha256 differs: /srv/district/documents/4.txt" in out
    assert "documents/5.txt" not in out and "... and 2 more difference(s) (--json)" in out
    assert ("directory: 3 account(s) under ou=bacbinh-binhthuan,ou=retired,dc=lamdong,dc=gov,dc=vn disabled "
            "(1 by this step, 2 before)") in out


def test_recording_the_same_outcome_changes_nothing(workspace: Path, capsys) -> None:
    args = ["--host", "old-a", "--step", "backup", "--archive", "x", "--sha256", SEAL]
    assert record(workspace, *args, "--at", "2025-06-25T08:00:00Z") == 0
    state = (workspace / decommission.STATE_FILE).read_text(encoding="utf-8")
    assert record(workspace, *args, "--at", "2025-06-26T09:00:00Z") == 0
    assert "unchanged" in capsys.readouterr().out.splitlines()[-1]
    assert (workspace / decommission.STATE_FILE).read_text(encoding="utf-8") == state


def test_bad_input_is_reported_together_and_nothing_written(workspace: Path, capsys) -> None:
    rc = record(workspace, "--host", "old-a", "--step", "backup", "--sha256", "XYZ", "--at", "yesterday",
                "--details", "[1]")
    err = capsys.readouterr().err
    assert rc == 3
    assert "--details" in err
    assert not (workspace / decommission.STATE_FILE).exists()
    rc = record(workspace, "--host", "old-a", "--step", "backup", "--sha256", "XYZ", "--at", "yesterday")
    err = capsys.readouterr().err
    assert rc == 3 and "--sha256" in err and "--at" in err
    assert not (workspace / decommission.STATE_FILE).exists()


def test_corrupt_state_file_is_a_diagnostic_with_a_line(workspace: Path, capsys) -> None:
    path = workspace / decommission.STATE_FILE
    path.parent.mkdir(parents=True)
    path.write_text("---\nhosts:\n  old-a:\n    steps:\n      explode: {status: done}\n", encoding="utf-8")
    assert main(["decommission", "status", str(workspace)]) == 3
    err = capsys.readouterr().err
    assert "decommission.yml:5" in err and "unknown step 'explode'" in err


def test_missing_workspace_is_a_user_error(tmp_path: Path, capsys) -> None:
    assert main(["decommission", "status", str(tmp_path / "nope")]) == 3
    assert "not a workspace folder" in capsys.readouterr().err


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(decommission.STEPS), min_size=0, max_size=6, unique=True))
def test_next_step_is_the_first_not_done(done: list[str]) -> None:
    row = decommission.HostStatus(host="h", steps={s: {"status": "done"} for s in done})
    expected = next((s for s in decommission.STEPS if s not in done), "-")
    assert row.next_step == expected
