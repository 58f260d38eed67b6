"""The decommissioning playbooks reach exactly the hosts the inventory contract renders, without
Ansible warnings, and an engineer's own old commune hosts when declared as the README says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PLAYBOOKS = ("decommission.yml", "poweroff.yml")


def list_hosts(workspace: Path, playbook: str) -> tuple[list[str], str]:
    """Hosts `ansible-playbook --list-hosts` names for the playbook, and its whole output."""
    ansible_playbook = Path(sys.executable).parent / "ansible-playbook"
    done = subprocess.run(
        [str(ansible_playbook), "-i", str(workspace), str(REPO / "playbooks" / playbook), "--list-hosts"],
        cwd=REPO, capture_output=True, text=True, check=False,
        env={**os.environ, "ANSIBLE_FORCE_COLOR": "false", "ANSIBLE_NOCOLOR": "true"},
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    # The play on retiring_districts: its host lines follow "hosts (N):" up to the next play.
    play = output.split("pattern: ['retiring_districts']", 1)[1].split("play #", 1)[0]
    hosts_block = play.split("hosts (", 1)[1].split("\n", 1)[1]
    return sorted(line.strip() for line in hosts_block.splitlines() if line.strip()), output


def old_district_hosts(workspace: Path) -> list[str]:
    return sorted(path.stem for path in (workspace / "host_vars").glob("old-*.yml"))


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_playbook_reaches_every_old_district_host_without_warnings(rendered_binh_thuan: Path,
                                                                   playbook: str) -> None:
    hosts, output = list_hosts(rendered_binh_thuan, playbook)
    assert "WARNING" not in output, output
    assert len(old_district_hosts(rendered_binh_thuan)) == 10
    assert hosts == old_district_hosts(rendered_binh_thuan)


def test_playbooks_name_only_groups_the_contract_renders() -> None:
    contract = (REPO / "docs" / "inventory-contract.md").read_text(encoding="utf-8")
    for playbook in PLAYBOOKS:
        text = (REPO / "playbooks" / playbook).read_text(encoding="utf-8")
        for pattern in re.findall(r"^\s*hosts:\s*(\S+)", text, flags=re.MULTILINE):
            for group in re.split(r"[:,&!]+", pattern):
                assert group and f"`{group}`" in contract, f"{playbook}: group {group!r} not in the contract"


def test_an_old_commune_host_declared_by_the_engineer_is_reached(rendered_binh_thuan: Path,
                                                                  tmp_path: Path) -> None:
    workspace = tmp_path / "bt"
    shutil.copytree(rendered_binh_thuan, workspace)
    # The engineer's own file (no generated header): the renderer never touches it.
    (workspace / "old-commune-hosts.yml").write_text(
        "---\nretiring_districts:\n  children:\n    retiring_communes:\n      hosts:\n"
        "        old-binhthuan-phanthiet-muine:\n"
        "          ansible_host: 192.0.2.10\n"
        "          old_district_code: '22915'\n"
        "          old_district_domain: muine.phanthiet.binhthuan.gov.vn\n",
        encoding="utf-8",
    )
    hosts, output = list_hosts(workspace, "decommission.yml")
    assert hosts == sorted([*old_district_hosts(rendered_binh_thuan), "old-binhthuan-phanthiet-muine"])
    assert "WARNING" not in output, output
