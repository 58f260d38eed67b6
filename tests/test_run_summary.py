"""`mergectl apply`: how a playbook run is set up, summarised and judged (ansible-runner faked)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from controller.errors import UserError
from controller.run import (
    NAMED_PLAYBOOKS,
    ProgressPrinter,
    RunRequest,
    lab_limit,
    resolve_playbook,
    run_playbook,
    summarise,
)

STATS = {
    "ok": {"ns1": 5, "muine-gw": 3},
    "changed": {"ns1": 2},
    "failures": {"muine-gw": 1},
    "dark": {"old-x": 1},
    "skipped": {"ns1": 1},
    "processed": {"ns1": 1, "muine-gw": 1, "old-x": 1, "core1": 1},
}


@dataclass
class FakeResult:
    rc: int
    status: str
    stats: dict[str, Any]


class FakeRunner:
    def __init__(self, result: FakeResult, events: list[dict[str, Any]] | None = None) -> None:
        self.result = result
        self.events = events or []
        self.kwargs: dict[str, Any] = {}

    def __call__(self, **kwargs: Any) -> FakeResult:
        self.kwargs = kwargs
        for event in self.events:
            kwargs["event_handler"](event)
        return self.result


def workspace(tmp_path: Path, lab: bool = False) -> Path:
    (tmp_path / "hosts.yml").write_text("all: {}\n", encoding="utf-8")
    if lab:
        (tmp_path / "lab").mkdir()
        (tmp_path / "lab" / "hosts.yml").write_text("all: {}\n", encoding="utf-8")
    return tmp_path


def playbook(tmp_path: Path) -> Path:
    path = tmp_path / "play.yml"
    path.write_text("- hosts: all\n  tasks: []\n", encoding="utf-8")
    return path


def test_summary_per_host_and_failed_hosts() -> None:
    summary = summarise(STATS, playbook="site.yml", rc=2, status="failed", started="s", finished="f")
    assert summary["hosts"]["ns1"] == {
        "ok": 5,
        "changed": 2,
        "failed": 0,
        "unreachable": 0,
        "skipped": 1,
        "rescued": 0,
        "ignored": 0,
    }
    assert summary["hosts"]["core1"]["ok"] == 0  # processed with nothing to do still appears
    assert summary["failed_hosts"] == ["muine-gw", "old-x"]
    assert summary["totals"]["ok"] == 8 and summary["totals"]["changed"] == 2


def test_summary_of_a_run_that_never_started() -> None:
    summary = summarise(None, playbook="site.yml", rc=4, status="failed", started="s", finished="f")
    assert summary["hosts"] == {} and summary["failed_hosts"] == []


def test_a_lab_run_never_leaves_the_lab() -> None:
    assert lab_limit(None) == "lab"
    assert lab_limit("communes") == "communes:&lab"
    # A comma list must stay inside the lab too (Ansible does not split "b:&lab" after a comma).
    assert lab_limit("old-binhthuan-phanthiet,archive1") == "old-binhthuan-phanthiet:archive1:&lab"
    assert lab_limit("muine-gw, phuthuy-gw,") == "muine-gw:phuthuy-gw:&lab"


def test_a_lab_limit_with_a_comma_list_reaches_only_lab_hosts(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        "all:\n  children:\n    lab: {hosts: {a: {}, archive1: {}}}\n    real: {hosts: {b: {}}}\n",
        encoding="utf-8",
    )
    playbook = tmp_path / "play.yml"
    playbook.write_text("- hosts: all\n  gather_facts: false\n  tasks: []\n", encoding="utf-8")
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-i",
            str(inventory),
            str(playbook),
            "--list-hosts",
            "--limit",
            lab_limit("a,b,archive1"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    listed = done.stdout.split("hosts (", 1)[1].splitlines()[1:]
    assert sorted(line.strip() for line in listed if line.strip()) == ["a", "archive1"]


def test_run_writes_summary_and_passes_inventory_extravars_and_flags(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    ws = workspace(tmp_path / "ws", lab=True)
    fake = FakeRunner(FakeResult(0, "successful", {"ok": {"ns1": 1}, "processed": {"ns1": 1}}))
    lines: list[str] = []
    result = run_playbook(
        RunRequest(
            workspace=ws, playbook=playbook(tmp_path), limit="dns_servers", lab=True, check=True, diff=True
        ),
        out=lines.append,
        runner=fake,
    )
    assert result.ok
    assert fake.kwargs["inventory"] == [str(ws.resolve()), str(ws.resolve() / "lab" / "hosts.yml")]
    assert fake.kwargs["limit"] == "dns_servers:&lab"
    assert fake.kwargs["cmdline"] == "--check --diff"
    # The playbooks never call the controller: nothing tells them where it is.
    assert not {"mergectl_workspace", "mergectl_bin"} & set(fake.kwargs["extravars"])
    assert fake.kwargs["envvars"]["ANSIBLE_CONFIG"].endswith("ansible.cfg")
    assert Path(fake.kwargs["private_data_dir"]).parent == ws.resolve() / "reports" / "runs"
    written = json.loads((result.run_dir / "summary.json").read_text(encoding="utf-8"))
    assert written["hosts"]["ns1"]["ok"] == 1 and written["lab"] is True


def test_a_failed_host_fails_the_run(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    ws = workspace(tmp_path / "ws")
    fake = FakeRunner(FakeResult(2, "failed", STATS))
    result = run_playbook(
        RunRequest(workspace=ws, playbook=playbook(tmp_path)), out=lambda _: None, runner=fake
    )
    assert not result.ok and result.failed_hosts == ["muine-gw", "old-x"]
    assert fake.kwargs["limit"] is None and fake.kwargs["cmdline"] is None


def test_two_runs_in_the_same_second_get_their_own_folders(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    ws = workspace(tmp_path / "ws")
    runs = {
        run_playbook(
            RunRequest(workspace=ws, playbook=playbook(tmp_path)),
            out=lambda _: None,
            runner=FakeRunner(FakeResult(0, "successful", {})),
        ).run_dir
        for _ in range(3)
    }
    assert len(runs) == 3


def test_missing_inventory_overlay_or_playbook_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="mergectl inventory"):
        run_playbook(RunRequest(workspace=tmp_path, playbook=playbook(tmp_path)), runner=FakeRunner(None))  # type: ignore[arg-type]
    workspace(tmp_path)
    with pytest.raises(UserError, match="lab up"):
        run_playbook(
            RunRequest(workspace=tmp_path, playbook=playbook(tmp_path), lab=True),
            runner=FakeRunner(None),  # type: ignore[arg-type]
        )
    with pytest.raises(UserError, match="no such file"):
        resolve_playbook(str(tmp_path / "nope.yml"))


def test_progress_is_one_line_per_change_of_state() -> None:
    lines: list[str] = []
    printer = ProgressPrinter(lines.append)
    task = {"task": "Install bind9", "role": "bind_primary"}
    for event in (
        {"event": "playbook_on_play_start", "event_data": {"play": "DNS", "play_pattern": "dns_servers"}},
        {"event": "playbook_on_task_start", "event_data": {"task": "Install bind9"}},
        {"event": "runner_on_ok", "event_data": {"host": "ns1", "res": {"changed": True}, **task}},
        {"event": "runner_on_ok", "event_data": {"host": "ns2", "res": {"changed": False}, **task}},
        {"event": "runner_on_skipped", "event_data": {"host": "ns3", **task}},
        {"event": "runner_on_failed", "event_data": {"host": "ns4", "res": {"msg": "boom\nmore"}, **task}},
        {"event": "runner_on_unreachable", "event_data": {"host": "ns5", "res": {"msg": "gone"}, **task}},
        {"event": "playbook_on_task_start", "event_data": {"task": "Start bind9"}},
        {"event": "runner_on_ok", "event_data": {"host": "ns1", "res": {"changed": True}, **task}},
        {"event": "playbook_on_play_start", "event_data": {"play": "Gateways", "play_pattern": "communes"}},
        {"event": "runner_on_ok", "event_data": {"host": "muine-gw", "role": "data_line", "task": "t"}},
        {"event": "playbook_on_stats", "event_data": {}},
    ):
        assert printer(event) is True
    assert lines == [
        "PLAY DNS",
        "    FAILED ns4: Install bind9: boom",
        "  dns: 3/4 dns_servers done, 1 failed",
        "    UNREACHABLE ns5: Install bind9: gone",
        "  dns: 3/5 dns_servers done, 2 failed",
        "PLAY Gateways",
        "  network: 1/1 communes done",
    ]


def test_the_batches_of_a_serial_play_count_on() -> None:
    lines: list[str] = []
    printer = ProgressPrinter(lines.append)
    play = {"play": "VMs", "play_pattern": "ic_vms", "play_uuid": "p"}
    start = {"event": "playbook_on_play_start", "event_data": play}
    for host, batch in (("vm1", "p"), ("vm2", "p_2")):
        printer({**start, "event_data": {**play, "play_uuid": batch}})
        printer({"event": "runner_on_ok", "event_data": {"host": host, "role": "vm", "task": "t"}})
    printer({"event": "playbook_on_stats", "event_data": {}})
    assert lines == [
        "PLAY VMs",
        "  integration_centre: 1/1 ic_vms done",
        "  integration_centre: 2/2 ic_vms done",
    ]


def test_progress_with_verbosity_shows_tasks_and_hosts() -> None:
    lines: list[str] = []
    printer = ProgressPrinter(lines.append, verbose=True)
    printer({"event": "playbook_on_task_start", "event_data": {"task": "Install bind9"}})
    printer({"event": "runner_on_ok", "event_data": {"host": "ns1", "res": {"changed": True}}})
    assert lines == ["  TASK Install bind9", "    changed  ns1"]


def test_every_named_playbook_is_a_playbook_and_every_playbook_is_named() -> None:
    root = Path(__file__).resolve().parents[1]
    on_disk = {path.stem for path in (root / "playbooks").glob("*.yml")}
    assert set(NAMED_PLAYBOOKS) == on_disk
    for name in NAMED_PLAYBOOKS:
        assert resolve_playbook(name, root) == root / "playbooks" / f"{name}.yml"
