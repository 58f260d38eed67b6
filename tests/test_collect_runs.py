"""`mergectl apply` end to end on this machine (connection local, through Mitogen unless
MERGECTL_MITOGEN=0), from the checkout and from the installed collection: the real roles record on
the "hosts", hand their journals to the run's artefacts with set_stats, and the controller collects
them from ansible-runner's events.

Harmless here by construction: the core's drop-in folder and journals are temporary folders, the
transport interface is `lo` (the terminated addresses are not on it, so nothing is deleted), and
`networkctl` is a stand-in on PATH.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

import pytest
import yaml

from controller import decommission
from controller.allocate.allocations_state import load_state
from controller.cli import main
from controller.collect import TERMINATED_REPORT
from controller.errors import EXIT_OK

SEAL = "c" * 64


@pytest.fixture
def local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import controller.secrets
    from controller.errors import Diagnostics

    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "networkctl").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    (stub / "networkctl").chmod(0o755)
    monkeypatch.setenv("PATH", f"{stub}{os.pathsep}{os.environ['PATH']}")
    # These runs need no secret; the check of a real workspace's vault is tests/test_validate_secrets.py's.
    monkeypatch.setattr(controller.secrets, "check_secrets", lambda *args, **kwargs: Diagnostics())
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "mapping.yml").write_text("---\n", encoding="utf-8")
    return workspace


def inventory(workspace: Path, hosts: dict) -> None:
    local_vars = {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        "ansible_become": False,
    }
    (workspace / "hosts.yml").write_text(
        yaml.safe_dump({"all": {"vars": local_vars, "children": hosts}}), encoding="utf-8"
    )


def endpoint(key: str, code: str, kind: str, owner: str, last: int, reused_by: str | None) -> dict:
    return {
        "key": key,
        "code": code,
        "kind": kind,
        "name": f"Đơn vị {code}",
        "owner": owner,
        "reused_by": reused_by,
        "endpoint": {
            "link_prefix": f"10.199.249.{last}/31",
            "core_address": f"10.199.249.{last}",
            "local_address": f"10.199.249.{last + 1}",
            "loopback": f"10.199.249.{128 + last}",
            "operator_assigned": False,
        },
    }


def test_terminated_lines_reach_the_quarantine_and_the_report(local: Path, tmp_path: Path) -> None:
    peers = tmp_path / "peers"
    peers.mkdir()
    for name in ("peer-old-22916.conf", "peer-old-22915.conf", "active-peers.conf"):
        (peers / name).write_text("[Network]\n", encoding="utf-8")
    journal = tmp_path / "core" / "releases.json"
    inventory(
        local,
        {
            "dataline_core": {
                "hosts": {
                    "core1": {
                        "dataline_terminate_peer_dir": str(peers),
                        "dataline_terminate_transport_interface": "lo",
                        "dataline_terminate_journal_path": str(journal),
                        "core_active_addresses": ["10.199.250.0/31"],
                        "core_old_endpoints": [
                            endpoint("old-22915", "22915", "commune", "old:22915", 6, "muine-gw"),
                            endpoint("old-22916", "22916", "commune", "old:22916", 8, None),
                        ],
                    }
                }
            }
        },
    )
    assert main(["apply", str(local), "--playbook", "dataline_terminate", "--yes"]) == EXIT_OK
    assert sorted(p.name for p in peers.iterdir()) == ["active-peers.conf", "peer-old-22915.conf"]
    assert [r["value"] for r in json.loads(journal.read_text(encoding="utf-8"))["releases"]] == [
        "10.199.249.8/31",
        "10.199.249.136/32",
    ]
    state, _ = load_state(local / "state")
    assert {(i.value, i.owner, i.reason) for i in state.quarantine} == {
        ("10.199.249.8/31", "old:22916", "dataline-terminated"),
        ("10.199.249.136/32", "old:22916", "dataline-terminated"),
    }
    with open(local / TERMINATED_REPORT, encoding="utf-8", newline="") as handle:
        assert [(r["code"], r["link_prefix"]) for r in csv.DictReader(handle)] == [
            ("22916", "10.199.249.8/31")
        ]
    # A second run terminates nothing and finds the quarantine as it was.
    before = (local / "state" / "allocations.yml").read_bytes()
    assert main(["apply", str(local), "--playbook", "dataline_terminate", "--yes"]) == EXIT_OK
    assert (local / "state" / "allocations.yml").read_bytes() == before


def test_the_decommission_journal_reaches_the_controllers_mirror(local: Path, tmp_path: Path) -> None:
    """The role's own record and read tasks (tasks_from), against a journal in a temporary folder."""
    archive = tmp_path / "archive"
    inventory(
        local,
        {
            "retiring_districts": {
                "hosts": {
                    "old-binhthuan-hamthuanbac": {
                        "decommission_archive_host": "old-binhthuan-hamthuanbac-archive"
                    }
                }
            },
            "archive_servers": {"hosts": {"old-binhthuan-hamthuanbac-archive": {}}},
        },
    )
    playbook = tmp_path / "journal.yml"
    playbook.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Record and read a step as the role does",
                    "hosts": "retiring_districts",
                    "gather_facts": False,
                    "vars": {"decommission_journal_path": str(archive / "journal.json")},
                    "tasks": [
                        {
                            "name": "Record the backup",
                            "ansible.builtin.include_role": {"name": "decommission", "tasks_from": "record"},
                            "vars": {
                                "decommission_record_step": "backup",
                                "decommission_record_archive": "20261123",
                                "decommission_record_sha256": SEAL,
                                "decommission_record_details": {"files": 12},
                            },
                        },
                        {
                            "name": "Read the journal",
                            "ansible.builtin.include_role": {
                                "name": "decommission",
                                "tasks_from": "journal_read",
                            },
                        },
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    assert main(["apply", str(local), "--playbook", str(playbook), "--yes"]) == EXIT_OK
    (row,) = decommission.status(local)
    assert row.host == "old-binhthuan-hamthuanbac" and row.steps["backup"]["sha256"] == SEAL
    assert (
        row.steps["backup"]["at"]
        == json.loads((archive / "journal.json").read_text())["steps"]["backup"]["at"]
    )


def test_the_same_run_from_the_installed_collection(
    local: Path, tmp_path: Path, installed_collection: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a `pipx install` of mergectl does beside an installed vngov.mergectl: the playbook by its
    FQCN, the repository's settings written into the run folder, the collection's modules (by FQCN,
    which Mitogen needs) and module_utils."""
    from controller.run import ansible_content

    collection = installed_collection / "ansible_collections" / "vngov" / "mergectl"
    monkeypatch.setenv("MERGECTL_ANSIBLE_DIR", str(collection))
    assert ansible_content().collection
    peers = tmp_path / "peers"
    peers.mkdir()
    (peers / "peer-old-22916.conf").write_text("[Network]\n", encoding="utf-8")
    inventory(
        local,
        {
            "dataline_core": {
                "hosts": {
                    "core1": {
                        "dataline_terminate_peer_dir": str(peers),
                        "dataline_terminate_transport_interface": "lo",
                        "dataline_terminate_journal_path": str(tmp_path / "core" / "releases.json"),
                        "core_active_addresses": [],
                        "core_old_endpoints": [
                            endpoint("old-22916", "22916", "commune", "old:22916", 8, None)
                        ],
                    }
                }
            }
        },
    )
    assert main(["apply", str(local), "--playbook", "dataline_terminate", "--yes"]) == EXIT_OK
    (run,) = (local / "reports" / "runs").iterdir()
    assert "strategy = vngov.mergectl.mergectl_linear" in (run / "ansible.cfg").read_text(encoding="utf-8")
    (command,) = run.glob("artifacts/*/command")
    assert (
        json.loads(command.read_text(encoding="utf-8"))["command"][-1] == "vngov.mergectl.dataline_terminate"
    )
    assert not list(peers.iterdir())
    state, _ = load_state(local / "state")
    assert {i.value for i in state.quarantine} == {"10.199.249.8/31", "10.199.249.136/32"}
