"""The capacity plan end to end on the Bình Thuận workspace: 45 iDesk + 45 TTHC VMs placed,
recorded by `inventory` only, stable, and a clear refusal when the hosts are too small."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from controller.cli import main


@pytest.fixture(scope="module")
def bt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ic") / "bt"
    assert main(["import", "--province", "Lâm Đồng", "--only-old-province", "Bình Thuận",
                 "-o", str(root)]) == 0
    return root


@pytest.fixture
def workspace(bt: Path, tmp_path: Path) -> Path:
    shutil.copytree(bt, tmp_path / "bt")
    return tmp_path / "bt"


def placement(workspace: Path) -> dict:
    return yaml.safe_load((workspace / "state" / "placement.yml").read_text(encoding="utf-8"))


def test_bình_thuận_places_45_idesk_and_45_tthc_apart(workspace: Path, capsys) -> None:
    main(["plan", str(workspace)])
    assert not (workspace / "state" / "placement.yml").exists()
    assert main(["inventory", "-q", str(workspace)]) == 0
    placed = placement(workspace)["placements"]
    assert sum(vm["system"] == "idesk" for vm in placed.values()) == 45
    assert sum(vm["system"] == "tthc" for vm in placed.values()) == 45
    by_commune: dict[str, set[str]] = {}
    for vm in placed.values():
        by_commune.setdefault(vm["commune"], set()).add(vm["host"])
    assert all(len(hosts) == 2 for hosts in by_commune.values())
    assert len({vm["address"] for vm in placed.values()}) == 90
    hosts = yaml.safe_load((workspace / "hosts.yml").read_text(encoding="utf-8"))
    ic_vms = hosts["all"]["children"]["ic_vms"]["children"]
    assert len(ic_vms["idesk_vms"]["hosts"]) == 45 and len(ic_vms["tthc_vms"]["hosts"]) == 45
    muine = yaml.safe_load((workspace / "host_vars" / "idesk-muine.yml").read_text(encoding="utf-8"))
    assert muine["vm_hypervisor"] in ("hv1", "hv2") and muine["vm_gateway"] == "10.241.0.1"
    assert muine["ansible_host"] == muine["vm_address"] == placed["idesk-muine"]["address"]
    capsys.readouterr()
    assert main(["capacity", str(workspace)]) == 0
    out = capsys.readouterr().out
    assert "90 VMs on 2 hypervisors" in out and "same host: 0" in out
    assert main(["capacity", "--json", str(workspace)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert sum(host["vms"] for host in report["hosts"]) == 90
    assert all(host[f"used_{r}"] <= host[f"capacity_{r}"] for host in report["hosts"]
               for r in ("vcpu", "memory_gib", "disk_gib"))


def test_placement_is_stable_when_a_hypervisor_is_added(workspace: Path) -> None:
    assert main(["inventory", "-q", str(workspace)]) == 0
    before = placement(workspace)
    province = workspace / "province.yml"
    text = province.read_text(encoding="utf-8")
    hv2 = re.search(r"^    - \{name: hv2, address: 10\.240\.0\.102,.*\n", text, re.MULTILINE)
    assert hv2 is not None
    hv3 = hv2.group(0).replace("hv2", "hv3").replace(".102", ".199")
    province.write_text(text.replace(hv2.group(0), hv2.group(0) + hv3), "utf-8")
    assert main(["inventory", "-q", str(workspace)]) == 0
    assert placement(workspace) == before


def test_plan_that_does_not_fit_is_refused_and_nothing_is_written(workspace: Path, capsys) -> None:
    province = workspace / "province.yml"
    text = re.sub(r"memory_gb: \d+", "memory_gb: 128", province.read_text(encoding="utf-8"))
    province.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["inventory", "-q", str(workspace)]) == 3
    err = capsys.readouterr().err
    assert "the VMs of 45 communes (iDesk + TTHC) need 540 GiB memory, 256 GiB available on 2 hosts" in err
    assert "province.yml:" in err
    assert not (workspace / "state" / "placement.yml").exists()
    assert not (workspace / "hosts.yml").exists()
    assert main(["capacity", str(workspace)]) == 3


def test_recorded_vms_that_no_longer_fit_are_refused(workspace: Path, capsys) -> None:
    assert main(["inventory", "-q", str(workspace)]) == 0
    before = placement(workspace)
    province = workspace / "province.yml"
    # Enough in total for validate, but hv1 shrinks below what is already placed on it.
    text = province.read_text(encoding="utf-8")
    text = re.sub(r"(name: hv1, [^}]*memory_gb: )\d+", r"\g<1>100", text)
    text = re.sub(r"(name: hv2, [^}]*memory_gb: )\d+", r"\g<1>1000", text)
    province.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["inventory", "-q", str(workspace)]) == 3
    err = capsys.readouterr().err
    assert "hv1 already holds 272 GiB memory of placed VMs but offers only 100 GiB memory" in err
    assert placement(workspace) == before


def test_bad_ic_vms_values_are_reported_with_their_line(workspace: Path, capsys) -> None:
    province = workspace / "province.yml"
    text = province.read_text(encoding="utf-8")
    text = text.replace("idesk: {vcpu: 4,", "idesk: {vcpu: four,")
    text = text.replace("overcommit: {cpu: 4.0,", "overcommit: {cpu: 0,")
    province.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    vcpu_line = next(n for n, line in enumerate(lines, 1) if "vcpu: four" in line)
    capsys.readouterr()
    assert main(["validate", str(workspace)]) == 3
    err = capsys.readouterr().err
    assert f"province.yml:{vcpu_line}: [ic_vms.profiles.idesk.vcpu] expected a whole number" in err
    assert "[ic_vms.overcommit.cpu] 0 is outside" in err
