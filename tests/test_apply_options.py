"""`mergectl apply`'s options: pass-through to ansible-playbook, --diff, --resume, confirmation,
and the workspace's ansible.cfg."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from controller.ansible_config import merged_config_text, workspace_settings
from controller.cli import main
from controller.commands.apply import confirm_all_hosts, resume_limit
from controller.errors import EXIT_FAILED, EXIT_INVALID, EXIT_OK, EXIT_REFUSED, Refused, UserError
from controller.run import RunRequest, run_playbook
from controller.runs.progress import ProgressPrinter
from controller.runs.recorder import RunRecorder
from controller.runs.store import open_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "runs" / "dns-one-failure"
HOSTS = """\
all:
  children:
    communes:
      hosts:
        xa-mui-ne: {}
        xa-phu-quy: {}
  vars:
    ansible_connection: local
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
"""
# Fails on a host while DIR/broken-<host> exists: the injected failure.
PLAYBOOK = """\
- name: Commune gateways
  hosts: communes
  gather_facts: false
  tasks:
    - name: Look for an injected failure
      ansible.builtin.stat:
        path: "{{ marker_dir }}/broken-{{ inventory_hostname }}"
      register: marker
    - name: Configure the gateway
      ansible.builtin.copy:
        dest: "{{ marker_dir }}/{{ inventory_hostname }}.conf"
        content: "gateway {{ inventory_hostname }}\\n"
        mode: "0644"
      failed_when: marker.stat.exists
"""


@dataclass
class FakeResult:
    rc: int = 0
    status: str = "successful"
    stats: dict[str, Any] | None = None


def make_workspace(tmp_path: Path) -> tuple[Path, Path]:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "hosts.yml").write_text(HOSTS, encoding="utf-8")
    playbook = workspace / "play.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    return workspace, playbook


def recorded_events() -> list[dict[str, Any]]:
    events = [json.loads(path.read_text(encoding="utf-8")) for path in FIXTURE.glob("*.json")]
    return sorted(events, key=lambda event: event["counter"])


def test_pass_through_flags_reach_ansible_playbooks_command_line(tmp_path: Path) -> None:
    from ansible_runner.interface import init_runner

    workspace, playbook = make_workspace(tmp_path)
    variables = tmp_path / "vars.yml"
    variables.write_text("a: 1\n", encoding="utf-8")
    commands: list[list[str]] = []

    def runner(**kwargs: Any) -> FakeResult:
        kwargs.pop("event_handler")
        commands.append(init_runner(**kwargs).config.command)
        return FakeResult()

    request = RunRequest(
        workspace=workspace,
        playbook=playbook,
        limit="communes",
        check=True,
        extra_vars=("release=2025-07-01", f"@{variables}", '{"quoted": "a b"}'),
        tags="dns,mail",
        skip_tags="slow",
        forks=7,
        verbosity=3,
    )
    run_playbook(request, out=lambda _: None, runner=runner)
    (command,) = commands
    assert command[0] == "ansible-playbook"
    joined = " ".join(command)
    for expected in (
        "-e release=2025-07-01",
        f"-e @{variables}",
        '-e {"quoted": "a b"}',
        "--tags dns,mail",
        "--skip-tags slow",
        "--forks 7",
        "-vvv",
        "--limit communes",
        "--check",
    ):
        assert expected in joined, expected


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--forks", "0"], "between 1 and 200"),
        (["--forks", "201"], "between 1 and 200"),
        (["--forks", "many"], "not a number"),
        (["-e", "@no-such-file.yml"], "no such file"),
        (["-e", " "], "empty -e value"),
        (["--tags", "dns,,mail"], "an empty tag"),
    ],
)
def test_pass_through_values_are_checked_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    workspace, _ = make_workspace(tmp_path)
    with pytest.raises(SystemExit) as exit:
        main(["apply", str(workspace), "--lab", *arguments])
    assert exit.value.code == EXIT_INVALID
    assert message in capsys.readouterr().err
    assert not (workspace / "reports").exists()


def test_an_extra_vars_file_is_passed_by_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from controller.cli import build_parser

    (tmp_path / "v.yml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(["apply", "ws", "-e", "@v.yml", "-e", "x=1", "-vv"])
    assert args.extra_vars == [f"@{tmp_path / 'v.yml'}", "x=1"] and args.verbose == 2


def test_diffs_are_shown_under_their_host_and_task_only_with_diff() -> None:
    shown: list[str] = []
    printer = ProgressPrinter(shown.append, diff=True)
    for event in recorded_events():
        printer(event)
    start = shown.index("    --- diff ns-good: Write the zone file")
    assert shown[start + 1 : start + 6] == [
        "      --- before: /tmp/fx/zones/ns-good.zone",
        "      +++ after: /tmp/fx/zones/ns-good.zone",
        "      @@ -1 +1 @@",
        "      -old",
        "      +example.vn. 300 IN SOA ns1 admin 2 3600 600 86400 300",
    ]
    assert "    --- diff ns-broken: Write the zone file" in shown
    assert "  dns: 1/2 all done, 1 failed" in shown
    quiet: list[str] = []
    printer = ProgressPrinter(quiet.append)
    for event in recorded_events():
        printer(event)
    assert not [line for line in quiet if "diff" in line or line.strip().startswith(("+", "-"))]


def record_fixture(
    workspace: Path, playbook: str, *, events: int | None = None, limit: str | None = None
) -> None:
    recorder = RunRecorder(
        open_store(workspace), playbook=playbook, limit=limit, tags=None, check=False, lab=False, run_dir="r"
    )
    for event in recorded_events()[:events]:
        recorder(event)
    recorder.finish("failed" if events is None else "interrupted", 2 if events is None else None)


def test_resume_picks_the_failed_hosts_of_the_last_run_and_intersects_with_limit(tmp_path: Path) -> None:
    workspace, playbook = make_workspace(tmp_path)
    request = RunRequest(workspace=workspace, playbook=playbook)
    with pytest.raises(UserError, match="no runs recorded"):
        resume_limit(request, print)
    record_fixture(workspace, "dns")
    with pytest.raises(UserError, match=f"no previous run of {playbook}"):
        resume_limit(request, print)
    record_fixture(workspace, str(playbook))
    with pytest.raises(UserError, match="with --check"):
        resume_limit(RunRequest(workspace=workspace, playbook=playbook, check=True), print)
    said: list[str] = []
    assert resume_limit(request, said.append) == "ns-broken"
    assert "ns-broken" in said[0] and "ns-good" not in said[0]
    # ns-broken is not among the inventory's communes: nothing to do within that limit.
    limited = RunRequest(workspace=workspace, playbook=playbook, limit="communes")
    assert resume_limit(limited, said.append) is None
    assert said[-1].startswith("nothing to resume within --limit communes")


def test_resume_after_an_interruption_reruns_everything_the_run_aimed_at(tmp_path: Path) -> None:
    workspace, playbook = make_workspace(tmp_path)
    record_fixture(workspace, str(playbook), events=8, limit="communes")
    request = RunRequest(workspace=workspace, playbook=playbook)
    assert resume_limit(request, lambda _: None) == "communes"
    limited = RunRequest(workspace=workspace, playbook=playbook, limit="xa-phu-quy,elsewhere")
    assert resume_limit(limited, lambda _: None) == "xa-phu-quy"


def test_a_failed_commune_does_not_stop_the_other_and_resume_finishes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace, playbook = make_workspace(tmp_path)
    (workspace / "broken-xa-phu-quy").touch()
    apply = ["apply", str(workspace), "--playbook", str(playbook), "-e", f"marker_dir={workspace}", "--yes"]
    assert main(apply) == EXIT_FAILED
    assert (workspace / "xa-mui-ne.conf").is_file()
    assert "network" not in capsys.readouterr().out  # a playbook without roles: no workstream
    (workspace / "broken-xa-phu-quy").unlink()
    (workspace / "xa-phu-quy.conf").unlink()
    (workspace / "xa-mui-ne.conf").unlink()
    assert main([*apply, "--resume"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "running play.yml (limit: xa-phu-quy)" in out
    assert (workspace / "xa-phu-quy.conf").is_file() and not (workspace / "xa-mui-ne.conf").exists()
    assert main([*apply, "--resume"]) == EXIT_OK
    assert "nothing to resume" in capsys.readouterr().out


def test_a_run_on_every_real_host_is_confirmed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace, playbook = make_workspace(tmp_path)
    request = RunRequest(workspace=workspace, playbook=playbook)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(Refused, match="on all 2 hosts of ws"):
        confirm_all_hosts(request, assume_yes=False)
    confirm_all_hosts(request, assume_yes=True)
    for narrower in ({"limit": "xa-mui-ne"}, {"check": True}):
        confirm_all_hosts(RunRequest(workspace=workspace, playbook=playbook, **narrower), assume_yes=False)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    asked: list[str] = []
    for answer, accepted in (("n\n", False), ("\n", False), ("y\n", True)):
        monkeypatch.setattr(sys, "stdin", Terminal(answer))

        def answering(prompt: str, given: str = answer) -> str:
            asked.append(prompt)
            return given.strip()

        monkeypatch.setattr("builtins.input", answering)
        if accepted:
            confirm_all_hosts(request, assume_yes=False)
        else:
            with pytest.raises(Refused):
                confirm_all_hosts(request, assume_yes=False)
    assert asked[0] == f"run {playbook} on all 2 hosts of ws? [y/N] "


def test_without_a_terminal_nor_yes_nothing_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workspace, playbook = make_workspace(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["apply", str(workspace), "--playbook", str(playbook)]) == EXIT_REFUSED
    assert not (workspace / "reports").exists()


def test_the_workspaces_ansible_cfg_is_laid_over_the_products(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "ansible.cfg").write_text(
        "[defaults]\nforks = 5\nremote_user = admin\nprivate_key_file = ./keys/id_ed25519\n\n"
        "[ssh_connection]\nssh_args = -o ProxyJump=bastion.lamdong.gov.vn\n\n"
        "[privilege_escalation]\nbecome = true\n",
        encoding="utf-8",
    )
    text = merged_config_text((ROOT / "ansible.cfg").read_text(encoding="utf-8"), ROOT, workspace)
    import configparser

    merged = configparser.ConfigParser(interpolation=None)
    merged.read_string(text)
    assert merged["defaults"]["forks"] == "5" and merged["defaults"]["remote_user"] == "admin"
    assert merged["defaults"]["strategy"] == "mergectl_linear"  # the product's, kept
    assert merged["defaults"]["roles_path"] == str(ROOT / "roles")  # read from the run folder now
    assert merged["defaults"]["private_key_file"] == str(workspace / "keys" / "id_ed25519")
    assert merged["ssh_connection"]["ssh_args"] == "-o ProxyJump=bastion.lamdong.gov.vn"
    assert merged["ssh_connection"]["pipelining"] == "true"
    assert merged["privilege_escalation"]["become"] == "true"


@pytest.mark.parametrize(("section", "key"), [("defaults", "strategy"), ("defaults", "callbacks_enabled")])
def test_keys_mergectl_relies_on_are_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], section: str, key: str
) -> None:
    workspace, playbook = make_workspace(tmp_path)
    config = workspace / "ansible.cfg"
    config.write_text(f"[{section}]\n{key} = free\n", encoding="utf-8")
    with pytest.raises(UserError, match=rf"{config}: \[{section}\] {key} is set by mergectl"):
        workspace_settings(workspace)
    assert main(["apply", str(workspace), "--playbook", str(playbook), "--yes"]) == EXIT_INVALID
    assert f"[{section}] {key}" in capsys.readouterr().err
    assert not (workspace / "reports").exists()


def test_an_unreadable_workspace_ansible_cfg_is_named(tmp_path: Path) -> None:
    (tmp_path / "ansible.cfg").write_text("remote_user = admin\n", encoding="utf-8")
    with pytest.raises(UserError, match=str(tmp_path / "ansible.cfg")):
        workspace_settings(tmp_path)


def test_the_run_uses_the_merged_config_from_its_folder(tmp_path: Path) -> None:
    workspace, playbook = make_workspace(tmp_path)
    (workspace / "ansible.cfg").write_text("[defaults]\nremote_user = admin\n", encoding="utf-8")
    seen: dict[str, Any] = {}

    def runner(**kwargs: Any) -> FakeResult:
        seen.update(kwargs)
        return FakeResult()

    result = run_playbook(
        RunRequest(workspace=workspace, playbook=playbook), out=lambda _: None, runner=runner
    )
    config = Path(seen["envvars"]["ANSIBLE_CONFIG"])
    assert config == result.run_dir / "ansible.cfg"
    assert "remote_user = admin" in config.read_text(encoding="utf-8")


@pytest.mark.parametrize("stop", ["cancelled by ansible-runner", "KeyboardInterrupt"])
def test_a_run_stopped_by_ctrl_c_is_recorded_as_interrupted(tmp_path: Path, stop: str) -> None:
    from controller.runs.history import list_runs

    workspace, playbook = make_workspace(tmp_path)
    events = recorded_events()[:9]

    def runner(**kwargs: Any) -> FakeResult:
        for event in events:
            kwargs["event_handler"](event)
        if stop == "KeyboardInterrupt":
            raise KeyboardInterrupt
        return FakeResult(rc=254, status="canceled", stats=None)

    request = RunRequest(workspace=workspace, playbook=playbook)
    if stop == "KeyboardInterrupt":
        with pytest.raises(KeyboardInterrupt):
            run_playbook(request, out=lambda _: None, runner=runner)
    else:
        assert not run_playbook(request, out=lambda _: None, runner=runner).ok
    (run,) = list_runs(open_store(workspace))
    assert (run.status, run.playbook, run.complete) == ("interrupted", str(playbook), False)
    assert run.finished is not None
