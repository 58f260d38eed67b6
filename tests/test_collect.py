"""`mergectl collect` and `mergectl apply`: what a run reported reaches the workspace without the
playbooks calling the controller (controller/collect.py; the roles decommission and
dataline_terminate hand journals to the run's artefacts with set_stats)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from controller import decommission
from controller.allocate.allocations_state import load_state
from controller.cli import main
from controller.collect import TERMINATED_REPORT
from controller.errors import EXIT_INVALID, EXIT_OK

SEAL = "b" * 64
HOST = "old-binhthuan-hamthuanbac"
ENDPOINT_22916 = {
    "link_prefix": "10.199.249.8/31",
    "core_address": "10.199.249.8",
    "local_address": "10.199.249.9",
    "loopback": "10.199.249.130",
    "operator_assigned": False,
}
ENDPOINT_593 = {
    "link_prefix": "10.199.249.10/31",
    "core_address": "10.199.249.10",
    "local_address": "10.199.249.11",
    "loopback": "10.199.249.131",
    "operator_assigned": True,
}


def steps(revoke_status: str = "done") -> dict[str, Any]:
    """An old host's journal steps as the archive host holds them (module decommission_journal)."""
    entry = {"archive": "20261123", "sha256": SEAL, "details": {}}
    return {
        "backup": {**entry, "status": "done", "at": "2026-11-23T04:10:41Z", "details": {"files": "12"}},
        "verify": {**entry, "status": "done", "at": "2026-11-23T04:11:02Z"},
        "revoke": {
            **entry,
            "status": revoke_status,
            "at": "2026-11-24T08:00:00Z",
            "details": {
                "owner": "district:594",
                "skipped": [],
                "quarantined": [
                    {"kind": "line", "value": "10.249.0.8/31"},
                    {"kind": "address", "value": "10.249.0.9"},
                    {"kind": "address", "value": "10.249.128.9"},
                ],
            },
        },
    }


def core_releases() -> list[dict[str, Any]]:
    """The core's release journal (module release_journal, role dataline_terminate)."""
    found = []
    for key, code, kind, name, owner, endpoint in (
        ("old-22916", "22916", "commune", "Phường Đức Long", "old:22916", ENDPOINT_22916),
        ("district-binhthuan-phanthiet", "593", "district", "Thành phố Phan Thiết", "old:593", ENDPOINT_593),
    ):
        for value in (endpoint["link_prefix"], f"{endpoint['loopback']}/32"):
            found.append(
                {
                    "kind": "prefix",
                    "value": value,
                    "owner": owner,
                    "reason": "dataline-terminated",
                    "at": "2026-11-25T10:00:00Z",
                    "details": {"key": key, "code": code, "kind": kind, "name": name, "endpoint": endpoint},
                }
            )
    return found


def artifacts() -> dict[str, Any]:
    """set_stats data as a run aggregates it: lists concatenated, the last journal per host wins."""
    older = steps()
    del older["revoke"]
    return {
        "mergectl_decommission": [{"host": HOST, "steps": older}, {"host": HOST, "steps": steps()}],
        "mergectl_releases": core_releases(),
    }


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "mapping.yml").write_text(
        "---\n# collect needs a workspace, not its mapping's content\n", encoding="utf-8"
    )
    return ws


def run_folder(tmp_path: Path, data: dict[str, Any]) -> Path:
    """ansible-runner's artefacts of one run, as `mergectl apply` keeps them."""
    events = tmp_path / "run" / "artifacts" / "0f0e" / "job_events"
    events.mkdir(parents=True)
    (events / "1-a.json").write_text(
        json.dumps({"event": "playbook_on_start", "counter": 1}), encoding="utf-8"
    )
    (events / "12-b.json").write_text(
        json.dumps(
            {"event": "runner_on_ok", "counter": 12, "event_data": {"res": {"msg": "playbook_on_stats"}}}
        ),
        encoding="utf-8",
    )
    (events / "40-c.json").write_text(
        # the recap of a province-wide run is long: the event's type comes after it
        json.dumps(
            {
                "stdout": "PLAY RECAP " + "x" * 20000,
                "event": "playbook_on_stats",
                "counter": 40,
                "event_data": {"artifact_data": data},
            }
        ),
        encoding="utf-8",
    )
    return tmp_path / "run"


def quarantine(ws: Path) -> dict[str, tuple[str, str, str]]:
    state, problems = load_state(ws / "state")
    assert not problems
    return {item.value: (item.owner, item.reason, item.date) for item in state.quarantine}


def check_everything_recorded(ws: Path) -> None:
    rows = {row.host: row for row in decommission.status(ws)}
    assert rows[HOST].steps["verify"]["sha256"] == SEAL and rows[HOST].steps["revoke"]["status"] == "done"
    assert rows[HOST].next_step == "inventory"  # the journal had no inventory step: shown as pending
    held = quarantine(ws)
    assert held["10.249.0.8/31"] == ("district:594", "decommissioned", "2026-11-24")
    assert held["10.249.128.9"] == ("district:594", "decommissioned", "2026-11-24")
    assert held["10.199.249.130/32"] == ("old:22916", "dataline-terminated", "2026-11-25")
    assert held["10.199.249.10/31"] == ("old:593", "dataline-terminated", "2026-11-25")
    assert len(held) == 7
    with open(ws / TERMINATED_REPORT, encoding="utf-8-sig", newline="") as handle:
        report = list(csv.DictReader(handle))
    assert [
        (row["kind"], row["code"], row["link_prefix"], row["loopback"], row["operator_assigned"])
        for row in report
    ] == [
        ("district", "593", "10.199.249.10/31", "10.199.249.131", "true"),
        ("commune", "22916", "10.199.249.8/31", "10.199.249.130", "false"),
    ]


def test_a_run_folder_brings_journal_releases_and_the_terminated_lines(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["collect", str(workspace), str(run_folder(tmp_path, artifacts()))]) == EXIT_OK
    out = capsys.readouterr().out
    assert "decommission: 3 step(s) recorded, 0 unchanged, 1 host(s)" in out
    assert "quarantine: 7 item(s) quarantined, 0 already held" in out
    check_everything_recorded(workspace)


def test_collecting_again_changes_nothing(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = run_folder(tmp_path, artifacts())
    assert main(["collect", str(workspace), str(source)]) == EXIT_OK
    before = {p: p.read_bytes() for p in (workspace / "state").glob("*.yml")}
    capsys.readouterr()
    assert main(["collect", str(workspace), str(source)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "0 step(s) recorded, 3 unchanged" in out and "0 item(s) quarantined, 7 already held" in out
    assert {p: p.read_bytes() for p in (workspace / "state").glob("*.yml")} == before


def test_an_awx_job_and_copies_of_the_hosts_journals_say_the_same(workspace: Path, tmp_path: Path) -> None:
    job = tmp_path / "job-4711.json"
    job.write_text(
        json.dumps({"id": 4711, "status": "successful", "artifacts": artifacts()}), encoding="utf-8"
    )
    assert main(["collect", str(workspace), str(job)]) == EXIT_OK
    check_everything_recorded(workspace)

    other = tmp_path / "ws2"
    other.mkdir()
    (other / "mapping.yml").write_text("---\n", encoding="utf-8")
    journal = tmp_path / "journal.json"
    journal.write_text(json.dumps({"host": HOST, "steps": steps(), "history": []}), encoding="utf-8")
    releases = tmp_path / "releases.json"
    releases.write_text(json.dumps({"host": "core1", "releases": core_releases()}), encoding="utf-8")
    assert main(["collect", str(other), str(journal), str(releases)]) == EXIT_OK
    check_everything_recorded(other)


def test_a_partial_revoke_releases_too_and_nothing_else_is_taken_from_unfinished_steps(
    workspace: Path, tmp_path: Path
) -> None:
    data = {"mergectl_decommission": [{"host": HOST, "steps": steps("partial")}]}
    assert main(["collect", str(workspace), str(run_folder(tmp_path, data))]) == EXIT_OK
    assert set(quarantine(workspace)) == {"10.249.0.8/31", "10.249.0.9", "10.249.128.9"}
    failed = steps("failed")["revoke"]
    failed["details"] = {
        "owner": "district:777",
        "quarantined": [{"kind": "line", "value": "10.249.0.20/31"}],
    }
    data = {"mergectl_decommission": [{"host": "old-x", "steps": {"revoke": failed}}]}
    assert main(["collect", str(workspace), str(run_folder(tmp_path / "again", data))]) == EXIT_OK
    assert "10.249.0.20/31" not in quarantine(workspace)
    assert {row.host: row for row in decommission.status(workspace)}["old-x"].steps["revoke"][
        "status"
    ] == "failed"
    assert not (workspace / TERMINATED_REPORT).exists()


def test_a_bad_source_is_reported_and_nothing_written(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = artifacts()
    data["mergectl_releases"][0]["value"] = "10.199.249.9/31"  # host bits set
    bad = run_folder(tmp_path, data)
    unknown = tmp_path / "notes.json"
    unknown.write_text('{"hello": 1}', encoding="utf-8")
    assert (
        main(["collect", str(workspace), str(bad), str(unknown), str(tmp_path / "missing.json")])
        == EXIT_INVALID
    )
    err = capsys.readouterr().err
    assert "has host bits set" in err and "neither a run's artefacts" in err and "no such file" in err
    assert not (workspace / "state").exists() and not (workspace / TERMINATED_REPORT).exists()


def test_a_run_that_reports_nothing_is_no_error_for_apply_but_is_for_collect(
    workspace: Path, tmp_path: Path
) -> None:
    from controller.collect import collect

    empty = run_folder(tmp_path, {})
    assert collect(workspace, [empty], require_any=False).empty
    stray = tmp_path / "stray.json"
    stray.write_text("{}", encoding="utf-8")
    assert collect(workspace, [stray], require_any=False).empty
    assert main(["collect", str(workspace), str(stray)]) == EXIT_INVALID


def test_check_mode_results_are_never_handed_over() -> None:
    """The roles publish a journal only when it is what the host stores (module result `stored`)."""
    roles = Path(__file__).resolve().parent.parent / "roles"
    record = (roles / "decommission" / "tasks" / "record.yml").read_text(encoding="utf-8")
    terminate = (roles / "dataline_terminate" / "tasks" / "main.yml").read_text(encoding="utf-8")
    assert "decommission_recorded.stored | default(true) | bool and not ansible_check_mode" in record
    assert "dataline_terminate_released.stored | default(true) | bool and not ansible_check_mode" in terminate
    for text in (record, terminate):
        assert "mergectl_bin" not in text and "delegate_to: localhost" not in text


def test_apply_collects_after_the_run_but_not_after_check(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import controller.commands.apply as apply
    import controller.secrets
    from controller.errors import Diagnostics
    from controller.run import RunResult

    runs: list[Any] = []

    def fake_run(request: Any) -> RunResult:
        runs.append(request)
        folder = run_folder(tmp_path / f"run{len(runs)}", artifacts())
        summary = {"hosts": {}, "failed_hosts": [], "totals": {}}
        return RunResult(0, "successful", folder, summary)

    monkeypatch.setattr(apply, "run_playbook", fake_run)
    monkeypatch.setattr(controller.secrets, "check_secrets", lambda *args, **kwargs: Diagnostics())
    assert main(["apply", str(workspace), "--playbook", "decommission", "--check"]) == EXIT_OK
    assert not (workspace / "state").exists()
    assert main(["apply", str(workspace), "--playbook", "decommission", "--yes"]) == EXIT_OK
    assert "quarantine: 7 item(s) quarantined" in capsys.readouterr().out
    check_everything_recorded(workspace)


def run_module(tmp_path: Path, name: str, args: dict[str, Any], check: bool = False) -> dict[str, Any]:
    import subprocess
    import sys

    path = tmp_path / "args.json"
    path.write_text(
        json.dumps({"ANSIBLE_MODULE_ARGS": {**args, "_ansible_check_mode": check}}), encoding="utf-8"
    )
    root = Path(__file__).resolve().parent.parent
    # What AnsiballZ does for a checkout (ansible.cfg's module_utils = ./module_utils): the
    # repository's module_utils answer as ansible.module_utils.<name>, then the module runs.
    bootstrap = (
        "import importlib.util, pathlib, runpy, sys\n"
        "for source in pathlib.Path(sys.argv[1]).glob('*.py'):\n"
        "    name = 'ansible.module_utils.' + source.stem\n"
        "    spec = importlib.util.spec_from_file_location(name, source)\n"
        "    sys.modules[name] = importlib.util.module_from_spec(spec)\n"
        "    spec.loader.exec_module(sys.modules[name])\n"
        "sys.argv = sys.argv[2:]\n"
        "runpy.run_path(sys.argv[0], run_name='__main__')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", bootstrap, str(root / "module_utils"), str(root / "library" / f"{name}.py"),
         str(path)],
        capture_output=True, text=True, timeout=60,
    )
    return json.loads(done.stdout)


def test_the_release_journal_keeps_the_first_release_and_writes_nothing_in_check_mode(tmp_path: Path) -> None:
    path = tmp_path / "var" / "releases.json"
    one = {
        "kind": "prefix",
        "value": "10.199.249.8/31",
        "owner": "old:22916",
        "reason": "dataline-terminated",
    }
    args = {"path": str(path), "host": "core1", "releases": [one]}
    preview = run_module(tmp_path, "release_journal", args, check=True)
    assert preview["changed"] and not preview["stored"] and not path.exists()
    first = run_module(tmp_path, "release_journal", args)
    assert first["changed"] and first["stored"] and len(first["journal"]["releases"]) == 1
    again = run_module(tmp_path, "release_journal", {**args, "releases": [{**one, "owner": "someone else"}]})
    assert not again["changed"] and again["journal"] == json.loads(path.read_text(encoding="utf-8"))
    assert again["journal"]["releases"][0]["owner"] == "old:22916"
    read = run_module(tmp_path, "release_journal", {"path": str(path), "host": "core1"}, check=True)
    assert (
        not read["changed"] and read["stored"] and read["journal"]["releases"] == first["journal"]["releases"]
    )
    bad = run_module(tmp_path, "release_journal", {**args, "releases": [{**one, "kind": "vlan"}]})
    assert bad["failed"] and "vlan" in bad["msg"]


def test_the_decommission_journal_says_a_check_mode_record_is_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "journal.json"
    args = {
        "path": str(path),
        "host": HOST,
        "state": "record",
        "step": "backup",
        "archive": "x",
        "sha256": SEAL,
    }
    assert not run_module(tmp_path, "decommission_journal", args, check=True)["stored"]
    assert not path.exists()
    assert run_module(tmp_path, "decommission_journal", args)["stored"]
    assert run_module(tmp_path, "decommission_journal", {"path": str(path), "host": HOST})["stored"]
