"""`mergectl plan`: diff of the last render against an in-memory allocation; writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_alloc_support import small_mapping, write_workspace

from controller.change_plan import diff, to_markdown, to_text
from controller.cli import main


def _snapshot(communes: dict, old_units: dict | None = None, hosts: list | None = None) -> dict:
    return {"communes": communes, "old_units": old_units or {}, "old_districts": {}, "hosts": hosts or []}


def _commune(label: str, name: str = "Xã A", lan: str = "10.64.0.0/23") -> dict:
    return {
        "name": name,
        "label": label,
        "domain": f"{label}.lamdong.gov.vn",
        "mail_domain": f"{label}.lamdong.gov.vn",
        "lan_prefix": lan,
        "vc_prefix": "10.252.0.0/28",
        "vc_rooms": {"gov": "10.252.0.2", "party": "10.252.0.3"},
        "edoc_code": "H36.001",
        "sites": {
            "hq": {
                "link_prefix": "10.250.0.0/31",
                "loopback": "10.251.0.0",
                "operator_assigned": False,
                "reuses_old_endpoint": None,
            }
        },
    }


def test_no_previous_render_creates_everything() -> None:
    plan = diff(None, _snapshot({"1": _commune("a")}, hosts=["a-gw"]))
    assert plan.first_render and plan.has_changes
    summary = plan.summary()
    assert summary["dns"] == {"create": 1} and summary["inventory"] == {"create": 1}
    assert set(summary) >= {"dns", "mail", "lan", "video_conference", "data_network", "edoc"}


def test_identical_snapshots_have_no_changes() -> None:
    snapshot = _snapshot({"1": _commune("a")}, hosts=["a-gw"])
    plan = diff(snapshot, snapshot)
    assert not plan.has_changes and "No changes" in to_text(plan)


def test_rename_update_and_retire_are_told_apart() -> None:
    before = _snapshot(
        {"1": _commune("a"), "2": _commune("b"), "3": _commune("c")}, hosts=["a-gw", "b-gw", "c-gw"]
    )
    after = _snapshot(
        {"1": _commune("z", name="Xã Z"), "2": _commune("b", lan="10.64.2.0/23")}, hosts=["z-gw", "b-gw"]
    )
    plan = diff(before, after)
    actions = {(c.workstream, c.action, c.commune) for c in plan.changes}
    assert ("dns", "rename", "z") in actions and ("mail", "rename", "z") in actions
    assert ("lan", "update", "b") in actions
    assert ("dns", "retire", "c") in actions and ("edoc", "retire", "c") in actions
    assert ("inventory", "retire", None) in actions
    text = to_text(plan)
    assert "a.lamdong.gov.vn -> z.lamdong.gov.vn" in text
    assert "| dns |" in to_markdown(plan, "test")
    assert json.loads(plan.to_json())["summary"]["lan"] == {"update": 1, "retire": 1}


def test_old_units_are_kept_for_lookup_and_lines_terminated_or_reused() -> None:
    old = {
        "10": {
            "name": "Xã Cũ",
            "fate": "merged",
            "successors": ["1"],
            "lookup_fqdn": "cu.x.y.gov.vn",
            "endpoint": "10.249.0.0/31",
            "endpoint_reused_by": None,
        },
        "11": {
            "name": "Xã Cũ 2",
            "fate": "merged",
            "successors": ["1"],
            "lookup_fqdn": "cu2.x.y.gov.vn",
            "endpoint": "10.249.0.2/31",
            "endpoint_reused_by": "a-gw",
        },
    }
    plan = diff(None, _snapshot({}, old))
    details = [(c.workstream, c.action, c.detail) for c in plan.changes]
    assert ("dns", "keep_for_lookup", "cu.x.y.gov.vn (merged -> 1)") in details
    assert ("data_network", "retire", "terminate line 10.249.0.0/31") in details
    assert any(w == "data_network" and a == "update" and "a-gw" in d for w, a, d in details)


def test_plan_cli_writes_nothing_and_reports_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = write_workspace(tmp_path / "ws", small_mapping(3))
    assert main(["plan", str(directory), "--detailed-exitcode"]) == 2
    assert not (directory / "state" / "allocations.yml").exists() and not (directory / "hosts.yml").exists()
    capsys.readouterr()
    assert main(["inventory", str(directory), "-q"]) == 0
    assert main(["plan", str(directory), "--detailed-exitcode"]) == 0
    assert "No changes" in capsys.readouterr().out

    mapping = small_mapping(3)
    mapping.new_units["90010"].name = "Phường Đổi Tên"
    write_workspace(directory, mapping, (directory / "province.yml").read_text(encoding="utf-8"))
    state_before = (directory / "state" / "allocations.yml").read_bytes()
    assert main(["plan", str(directory), "--json", "--detailed-exitcode", "-o"]) == 2
    plan = json.loads(capsys.readouterr().out)
    renames = [c for c in plan["changes"] if c["action"] == "rename" and c["workstream"] == "dns"]
    assert renames and "thunghiemb.lamdong.gov.vn -> doiten.lamdong.gov.vn" in renames[0]["detail"]
    assert any("would quarantine domain thunghiemb" in note for note in plan["notes"])
    assert (directory / "state" / "allocations.yml").read_bytes() == state_before
    assert (directory / "reports" / "plan.md").read_text(encoding="utf-8").startswith("# Plan")
