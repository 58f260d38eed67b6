"""`mergectl inventory` end to end: Bình Thuận's real data -> an inventory Ansible loads without warnings."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_alloc_support import small_mapping, write_workspace

from controller.cli import main
from controller.render.writer import GENERATED_MARKER

REPO = Path(__file__).resolve().parent.parent
ANSIBLE_INVENTORY = Path(sys.executable).parent / "ansible-inventory"


@pytest.fixture(scope="module")
def binh_thuan(rendered_binh_thuan: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # this module adds a user file and re-renders: work on a copy
    directory = tmp_path_factory.mktemp("bt") / "bt"
    shutil.copytree(rendered_binh_thuan, directory)
    return directory


def test_ansible_inventory_loads_45_communes_without_warnings(binh_thuan: Path) -> None:
    result = subprocess.run(
        [str(ANSIBLE_INVENTORY), "-i", str(binh_thuan), "--list"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ANSIBLE_CONFIG": str(REPO / "ansible.cfg")},
    )
    assert "WARNING" not in result.stderr, result.stderr
    data = json.loads(result.stdout)
    assert len(data["communes"]["hosts"]) == 45
    assert len(data["commune_clients"]["hosts"]) == 45
    assert len(data["retiring_districts"]["hosts"]) == 10
    assert "old-binhthuan-phanthiet" in data["district_binhthuan_phanthiet"]["hosts"]
    assert "muine-gw" in data["from_binhthuan_phanthiet"]["hosts"]
    assert set(data["dns_servers"]["children"]) == {"dns_primary", "dns_secondary"}
    assert {
        "hypervisors",
        "dns_servers",
        "mail_servers",
        "directory_servers",
        "portals",
        "archive_servers",
    } <= set(data["integration_centre"]["children"])
    muine = data["_meta"]["hostvars"]["muine-gw"]
    assert muine["commune_name"] == "Phường Mũi Né" and muine["commune_code"] == "22918"
    assert muine["commune_domain"] == "muine.lamdong.gov.vn"
    assert muine["province_domain"] == "lamdong.gov.vn"  # group_vars/all/province.yml
    assert {old["code"] for old in muine["commune_formed_from"]} == {"22915", "22918", "22957"}
    assert set(muine["commune_formed_from"][0]) >= {"code", "name", "district", "province", "primary"}
    assert muine["commune_sites"][0]["link_prefix"].endswith("/31")
    # two HQs by default: the People's Committee's (main line) and the Party committee's
    assert [(site["name"], site["role"], site["hq_of"]) for site in muine["commune_sites"]] == [
        ("hq", "main", "people_committee"), ("party", "secondary", "party_committee")]
    assert [room["room"] for room in muine["commune_vc_rooms"]] == ["gov", "party"]
    assert muine["commune_edoc_code"].startswith("H36.")
    # old units' records reach the hosts that read them, not every gateway
    ns1 = data["_meta"]["hostvars"]["ns1"]
    assert any(unit["code"] == "22915" for unit in ns1["old_units"])
    assert "old_units" in data["_meta"]["hostvars"]["old-binhthuan-phanthiet"]
    assert "old_units" not in muine
    # the core's lists (group_vars/dataline_core) reach the core only
    core1 = data["_meta"]["hostvars"]["core1"]
    assert len(core1["core_peers"]) == 90 and len(core1["core_old_endpoints"]) == 131
    assert {peer["key"] for peer in core1["core_peers"]} >= {"muine-hq", "muine-party"}
    assert "core_peers" not in muine and "core_peers" not in ns1
    assert muine["province_data_line"]["metrics"] == {"main": 100, "secondary": 200}
    # nothing of the workspace's inputs or state is read as inventory
    assert not any(host.endswith((".yml", ".csv")) for host in data["_meta"]["hostvars"])


def test_rerun_rewrites_nothing(binh_thuan: Path) -> None:
    files = sorted(p for p in binh_thuan.rglob("*.yml") if "lab" not in p.parts)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files}
    assert main(["inventory", str(binh_thuan), "-q"]) == 0
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in files}
    assert before == after


def test_generated_files_say_so_and_user_files_are_kept(binh_thuan: Path) -> None:
    assert (binh_thuan / "hosts.yml").read_text(encoding="utf-8").startswith(GENERATED_MARKER)
    assert (
        (binh_thuan / "host_vars" / "muine-gw.yml").read_text(encoding="utf-8").startswith(GENERATED_MARKER)
    )
    assert not (binh_thuan / "province.yml").read_text(encoding="utf-8").startswith(GENERATED_MARKER)
    own = binh_thuan / "group_vars" / "all" / "local.yml"
    own.write_text("my_setting: 1\n", encoding="utf-8")
    assert main(["inventory", str(binh_thuan), "-q"]) == 0
    assert own.read_text(encoding="utf-8") == "my_setting: 1\n"
    own.unlink()


def test_stale_generated_files_are_removed_and_clashes_refused(tmp_path: Path) -> None:
    mapping = small_mapping(3)
    directory = write_workspace(tmp_path / "ws", mapping)
    assert main(["inventory", str(directory), "-q"]) == 0
    assert (directory / "host_vars" / "thunghiemc-gw.yml").exists()
    # the user claims a host_vars file the renderer would write: refused, nothing written
    clash = directory / "host_vars" / "thunghiemb-gw.yml"
    clash.write_text("ansible_user: me\n", encoding="utf-8")
    state_before = (directory / "state" / "allocations.yml").read_bytes()
    smaller = small_mapping(2)
    write_workspace(directory, smaller, (directory / "province.yml").read_text(encoding="utf-8"))
    assert main(["inventory", str(directory), "-q"]) == 3
    assert clash.read_text(encoding="utf-8") == "ansible_user: me\n"
    assert (directory / "host_vars" / "thunghiemc-gw.yml").exists()  # nothing was removed either
    assert (directory / "state" / "allocations.yml").read_bytes() == state_before
    clash.unlink()
    assert main(["inventory", str(directory), "-q"]) == 0
    assert not (directory / "host_vars" / "thunghiemc-gw.yml").exists()  # its commune left the mapping
    state = yaml.safe_load((directory / "state" / "allocations.yml").read_text(encoding="utf-8"))
    assert "90020" not in state["communes"] and state["quarantine"]


def test_invalid_input_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = small_mapping(2)
    directory = write_workspace(tmp_path / "ws", mapping)
    text = (directory / "province.yml").read_text(encoding="utf-8").replace("10.64.0.0/14", "10.64.0.0/99")
    (directory / "province.yml").write_text(text, encoding="utf-8")
    assert main(["inventory", str(directory)]) == 3
    assert "province.yml:" in capsys.readouterr().err
    assert not (directory / "hosts.yml").exists() and not (directory / "state" / "allocations.yml").exists()
