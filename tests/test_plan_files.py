"""`mergectl plan` sees every change to every rendered file, and `inventory` refuses mass changes.

On a copy of the real Bình Thuận workspace: each edit that the snapshot-only plan called
"No changes" (the government VLAN id, a site's routing, `lookup_until`) is now listed per
kind, and what plan counts is exactly what inventory writes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from controller.change_plan_files import mass_changes
from controller.cli import main
from controller.errors import EXIT_CHANGES, EXIT_INVALID, EXIT_OK, EXIT_REFUSED
from controller.render.writer import FileChanges


@pytest.fixture
def workspace(bt_workspace: Path) -> Path:
    return bt_workspace


def _edit(workspace: Path, old: str, new: str) -> None:
    path = workspace / "province.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _plan(workspace: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["plan", str(workspace), "--detailed-exitcode", *extra])
    return code, capsys.readouterr().out


def test_the_government_vlan_id_shows_per_gateway_and_is_a_refused_mass_change(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(workspace, "{name: gov, id: 10,", "{name: gov, id: 11,")
    code, out = _plan(workspace, capsys)
    assert code == EXIT_CHANGES
    assert "No changes" not in out
    assert "  45 gateways: commune_vlans[gov].id 10 -> 11\n" in out
    assert "  group all (province.yml): province_vlan_plan[gov].id 10 -> 11\n" in out
    assert (
        "REFUSED by `mergectl inventory` unless --allow-mass-change: 45 of 45 gateways (100%) "
        "would be changed or retired" in out
    )
    before = _files(workspace)
    assert main(["inventory", "-q", str(workspace)]) == EXIT_REFUSED
    assert "refused: 45 of 45 gateways (100%)" in capsys.readouterr().err
    assert _files(workspace) == before  # nothing written, not even the state
    assert main(["inventory", "-q", "--allow-mass-change", str(workspace)]) == EXIT_OK
    code, out = _plan(workspace, capsys)
    assert (code, out) == (EXIT_OK, "No changes: the inventory matches the inputs.\n")


def test_a_sites_routing_shows_with_its_diff_and_inventory_writes_what_plan_counted(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the entry lists both HQ sites: it replaces the commune's default list, and only the routing changes
    _edit(workspace, "sites: {}", 'sites:\n  "22918":\n    - {name: hq, routing: bgp}\n    - {name: party}')
    code, out = _plan(workspace, capsys, "--diff")
    assert code == EXIT_CHANGES
    # the gateway's site and the core's peer for it (the core's list is rendered, not derived)
    assert "Files: 2 changed, 0 new, 0 retired" in out
    assert "  1 gateway: commune_sites[hq].routing static -> bgp\n" in out
    assert "  group dataline_core (data_line.yml): core_peers[muine-hq].routing static -> bgp\n" in out
    assert "--- a/host_vars/muine-gw.yml\n+++ b/host_vars/muine-gw.yml\n" in out
    assert "\n-    routing: static\n+    routing: bgp\n" in out
    assert "REFUSED" not in out
    capsys.readouterr()
    assert main(["inventory", str(workspace)]) == EXIT_OK
    assert re.search(r"files written 2, unchanged \d+, removed 0", capsys.readouterr().out)


def test_lookup_until_shows_as_a_group_variable(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit(workspace, "lookup_until: 2030-07-01", "lookup_until: 2030-07-02")
    code, out = _plan(workspace, capsys, "--json")
    assert code == EXIT_CHANGES
    plan = json.loads(out)
    assert plan["has_changes"] and plan["files"]["changed"] == ["group_vars/all/province.yml"]
    assert plan["file_changes"] == [
        {
            "kind": "groups",
            "count": 1,
            "change": "group all (province.yml): province_lookup_until 2030-07-01 -> 2030-07-02",
            "items": ["all"],
        }
    ]


def test_invalid_input_under_detailed_exitcode_is_an_error_not_changes(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(workspace, "{name: gov, id: 10,", "{name: gov, id: 5000,")
    code, out = _plan(workspace, capsys)
    assert code == EXIT_INVALID and out == ""


def test_a_renamed_commune_retires_its_old_hosts_and_adds_new_ones(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = workspace / "mapping.yml"
    text = mapping.read_text(encoding="utf-8")
    old = "  - code: '22918'\n    name: Phường Mũi Né\n"
    assert old in text
    renamed = "  - code: '22918'\n    name: Phường Mũi Né Mới\n"
    mapping.write_text(text.replace(old, renamed), encoding="utf-8")
    code, out = _plan(workspace, capsys)
    assert code == EXIT_CHANGES
    assert "  1 gateway: new (muinemoi-gw)\n" in out and "  1 gateway: retired (muine-gw)\n" in out
    assert "  1 commune client: retired (muine-client)\n" in out
    assert "group communes: +muinemoi-gw; -muine-gw" in out
    assert "REFUSED" not in out


def _changes(existing: int, touched: int) -> tuple[FileChanges, dict[str, str]]:
    hosts = [f"c{number}-gw" for number in range(existing)]
    changes = FileChanges()
    for number, host in enumerate(hosts):
        path = f"host_vars/{host}.yml"
        if number < touched:
            changes.changed[path] = ("a: 1\n", "a: 2\n")
        else:
            changes.unchanged.append(path)
    return changes, dict.fromkeys(hosts, "gateways")


@pytest.mark.parametrize(
    ("existing", "touched", "refused"),
    [(9, 9, False), (10, 3, False), (10, 4, True), (100, 30, False), (100, 31, True)],
)
def test_the_mass_change_rule_is_octodns(existing: int, touched: int, refused: bool) -> None:
    changes, kinds = _changes(existing, touched)
    assert bool(mass_changes(changes, kinds)) is refused
