"""The network exports: VC declaration list and lines to return, from a rendered workspace."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from controller.errors import InvalidInput
from controller.exports import lines_to_return, vc_declaration

GATEWAY_A = dedent(
    """\
    commune_name: Phường Mũi Né
    commune_code: "22918"
    commune_label: muine
    commune_lan_prefix: 10.64.2.0/23
    commune_sites:
      - name: hq
        role: main
        link_prefix: 10.250.0.4/31
        core_address: 10.250.0.4
        local_address: 10.250.0.5
        loopback: 10.251.0.3
        routing: static
        reuses_old_endpoint: "22915"
    commune_vc_rooms:
      - {room: gov, address: 10.252.0.18, mac: "02:4d:00:00:00:01",
         previous_endpoint: {unit: "22915", address: 10.249.0.7}}
      - {room: party, address: 10.252.0.19, mac: "02:4d:00:00:00:02", previous_endpoint: null}
    """
)
GATEWAY_B = dedent(
    """\
    commune_name: Xã Hàm Thắng
    commune_code: "22930"
    commune_label: hamthang
    commune_sites:
      - {name: hq, link_prefix: 10.250.0.6/31, core_address: 10.250.0.6, local_address: 10.250.0.7,
         loopback: 10.251.0.4}
    commune_vc_rooms:
      - {room: gov, address: 10.252.0.34, mac: "02:4d:00:00:00:03", previous_endpoint: null}
      - {room: party, address: 10.252.0.35, mac: "02:4d:00:00:00:04", previous_endpoint: null}
    """
)
OLD_UNITS = dedent(
    """\
    old_units:
      - code: "22915"
        name: Phường Mũi Né
        district: Thành phố Phan Thiết
        province: Bình Thuận
        endpoint: {link_prefix: 10.249.0.6/31, core_address: 10.249.0.6, local_address: 10.249.0.7,
                   loopback: 10.249.128.5, operator_assigned: false}
        endpoint_reused_by: muine-gw
      - code: "22916"
        name: Phường Đức Long
        district: Thành phố Phan Thiết
        province: Bình Thuận
        endpoint: {link_prefix: 10.249.0.8/31, core_address: 10.249.0.8, local_address: 10.249.0.9,
                   loopback: 10.249.128.6, operator_assigned: true}
        endpoint_reused_by: null
      - code: "22917"
        name: Phường Không Đường
        district: Thành phố Phan Thiết
        province: Bình Thuận
        endpoint: null
        endpoint_reused_by: null
    old_districts:
      - name: Thành phố Phan Thiết
        code: "593"
        province: Bình Thuận
        endpoint: {link_prefix: 10.249.0.10/31, core_address: 10.249.0.10, local_address: 10.249.0.11,
                   loopback: 10.249.128.7, operator_assigned: false}
        endpoint_reused_by: null
    """
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "host_vars").mkdir()
    (tmp_path / "group_vars" / "merger_records").mkdir(parents=True)
    (tmp_path / "host_vars" / "muine-gw.yml").write_text(GATEWAY_A, encoding="utf-8")
    (tmp_path / "host_vars" / "hamthang-gw.yml").write_text(GATEWAY_B, encoding="utf-8")
    (tmp_path / "host_vars" / "ns1.yml").write_text("ansible_host: 10.240.0.11\n", encoding="utf-8")
    (tmp_path / "group_vars" / "merger_records" / "old_units.yml").write_text(OLD_UNITS, encoding="utf-8")
    return tmp_path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_vc_declaration_lists_every_room_with_the_reclaimed_endpoint(workspace: Path) -> None:
    [path] = vc_declaration.export(workspace, workspace / "reports")
    rows = read_csv(path)
    assert [(row["commune_label"], row["room"], row["address"]) for row in rows] == [
        ("hamthang", "gov", "10.252.0.34"),
        ("hamthang", "party", "10.252.0.35"),
        ("muine", "gov", "10.252.0.18"),
        ("muine", "party", "10.252.0.19"),
    ]
    muine_gov = rows[2]
    assert muine_gov["commune"] == "Phường Mũi Né"
    assert (muine_gov["previous_unit"], muine_gov["previous_address"]) == ("22915", "10.249.0.7")
    assert rows[3]["previous_unit"] == rows[3]["previous_address"] == ""


def test_lines_to_return_lists_only_unreused_endpoints(workspace: Path) -> None:
    [path] = lines_to_return.export(workspace, workspace / "reports")
    rows = read_csv(path)
    assert [(row["kind"], row["code"]) for row in rows] == [("district", "593"), ("commune", "22916")]
    duc_long = rows[1]
    assert duc_long["link_prefix"] == "10.249.0.8/31"
    assert duc_long["loopback"] == "10.249.128.6"
    assert duc_long["operator_assigned"] == "yes"
    assert duc_long["district"] == "Thành phố Phan Thiết"


def test_lines_to_return_refuses_an_unused_endpoint_an_active_site_has(workspace: Path) -> None:
    old_units = workspace / "group_vars" / "merger_records" / "old_units.yml"
    old_units.write_text(OLD_UNITS.replace("10.249.0.9,", "10.250.0.5,"), encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        lines_to_return.export(workspace, workspace / "reports")
    [problem] = list(raised.value.diagnostics)
    assert problem.file.endswith("old_units.yml") and problem.line == 13
    assert "22916" in problem.message and "10.250.0.5 (muine site hq)" in problem.message
    assert not (workspace / "reports").exists()


def test_missing_room_address_is_reported_with_file_and_line(workspace: Path) -> None:
    gateway = workspace / "host_vars" / "muine-gw.yml"
    without_address = GATEWAY_A.replace("room: party, address: 10.252.0.19, ", "room: party, ")
    gateway.write_text(without_address, encoding="utf-8")
    with pytest.raises(InvalidInput) as raised:
        vc_declaration.export(workspace, workspace / "reports")
    [problem] = list(raised.value.diagnostics)
    assert problem.file.endswith("muine-gw.yml") and problem.line == 17
    assert "missing 'address'" in problem.message and problem.key == "commune_vc_rooms[1]"
    assert not (workspace / "reports").exists()


def test_not_rendered_workspace_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as raised:
        lines_to_return.export(tmp_path, tmp_path / "reports")
    messages = " ".join(problem.message for problem in raised.value.diagnostics)
    assert "render the inventory first" in messages


def test_cli_writes_into_reports_and_exits_three_on_bad_input(workspace: Path, tmp_path: Path) -> None:
    command = [sys.executable, "-m", "controller.cli", "export"]
    done = subprocess.run([*command, "vc-declaration", str(workspace)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert (workspace / "reports" / "vc-declaration.csv").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    failed = subprocess.run([*command, "lines-to-return", str(empty)],
                            capture_output=True, text=True, check=False)
    assert failed.returncode == 3
    assert "Traceback" not in failed.stderr
