"""`mergectl report`: honest counts from the workspace's files, deadlines, next Thursday."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import set_task_dates

from controller.cli import main
from controller.report import build_report, next_thursday, to_json_data
from controller.report_render import render
from controller.workspace import Workspace


def to_markdown(report) -> str:
    return render(to_json_data(report), "md", "en")

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    return out


def _item(report, number: int, what: str):
    workstream = next(w for w in report.workstreams if w.number == number)
    return next(item for item in workstream.items if item.what.startswith(what))


def test_next_thursday() -> None:
    assert next_thursday(dt.date(2025, 6, 10)) == dt.date(2025, 6, 12)  # Tuesday
    assert next_thursday(dt.date(2025, 6, 12)) == dt.date(2025, 6, 12)  # Thursday: today
    assert next_thursday(dt.date(2025, 6, 13)) == dt.date(2025, 6, 19)  # Friday


def test_fresh_workspace_shows_unknown_not_zero(workspace: Path) -> None:
    report, diagnostics = build_report(Workspace(workspace), dt.date(2025, 6, 10))
    assert report is not None and not diagnostics
    lan = _item(report, 2, "commune LAN supernets")
    assert (lan.planned, lan.done, lan.percent) == (5, None, None)
    assert _item(report, 12, "old districts powered off").done is None
    text = to_markdown(report)
    assert "0 %" not in text
    assert "| 2. Commune LAN | commune LAN supernets | unknown | 5 | unknown | allocated |" in text
    # Each workstream answers to its own task of plan 2495: endpoints at both HQs by 15 June,
    # video-conference equipment handed over by 25 June.
    deadlines = {ws.number: ws.deadline for ws in report.workstreams}
    assert (deadlines[1], deadlines[3]) == ("data_lines_installed", "vc_equipment_handed_over")
    assert "- `state/allocations.yml`: absent" in text
    tasks = {row.task.id: row for row in report.tasks}
    assert tasks["data_lines_requested"].days_left == -1
    assert tasks["data_lines_requested"].state == "overdue"  # not recorded done by its date
    assert tasks["in_service"].days_left == 21
    # No run store, no check: the counts are unknown, not 0, and so is the state.
    installed = tasks["data_lines_installed"]
    figures = (installed.planned, installed.applied, installed.verified, installed.failed)
    assert figures == (5, None, None, None)
    assert installed.state == "unknown"
    assert "| Everything in service | Departments, sectors and District People's Committees | 2025-07-01" in (
        text
    )


def test_counts_from_state_files(workspace: Path) -> None:
    state = workspace / "state"
    (state / "allocations.yml").write_text(
        "communes:\n"
        "  '22918': {edoc_code: H36.01, sites: {hq: {}, hq2: {}}}\n"
        "  '22924': {edoc_code: '', sites: {hq: {}}}\n", encoding="utf-8")
    (state / "rendered.yml").write_text(
        "communes:\n  '22918': {vc_rooms: {gov: a, party: b}, sites: {hq: {}}}\n"
        "old_units: {'22915': {endpoint_reused_by: muine-gw}, '22918': {endpoint_reused_by: null}}\n"
        "old_districts: {}\n"
        "hosts: [muine-gw, idesk-muine, tthc-muine, tthc-phuthuy]\n", encoding="utf-8")
    (state / "decommission.yml").write_text(
        "hosts:\n"
        "  old-binhthuan-phanthiet:\n"
        "    steps: {inventory: {status: done}, backup: {status: done}, verify: {status: done}}\n"
        "  old-binhthuan-phuquy:\n"
        "    steps: {inventory: {status: done}, backup: {status: failed}}\n", encoding="utf-8")
    (workspace / "staff").mkdir()
    staff_csv = "full_name\nNguyễn Văn A\nTrần Thị B\n\n"
    (workspace / "staff" / "muine.csv").write_text(staff_csv, encoding="utf-8")
    report, _ = build_report(Workspace(workspace), dt.date(2025, 6, 26))
    assert report is not None
    lan = _item(report, 2, "commune LAN supernets")
    assert (lan.done, lan.planned) == (2, 5)
    assert _item(report, 6, "codes").done == 1
    endpoints = _item(report, 1, "commune HQ data-line endpoints")
    assert (endpoints.planned, endpoints.done) == (3, 1)
    assert _item(report, 1, "old commune endpoints to terminate").planned == 1
    assert _item(report, 3, "meeting rooms").done == 2
    assert _item(report, 7, "iDesk").done == 1
    assert _item(report, 8, "TTHC").done == 2
    verified = _item(report, 12, "old districts backed up")
    assert (verified.done, verified.planned, verified.percent) == (1, 3, 33)
    assert _item(report, 12, "old districts powered off").done == 0
    staff = _item(report, 5, "staff accounts")
    assert (staff.planned, staff.done) == (2, None)
    assert {row.task.id: row.days_left for row in report.tasks}["commune_portals"] == -1


def test_deadlines_come_from_province_yml(workspace: Path) -> None:
    province = workspace / "province.yml"
    set_task_dates(province, in_service="2025-08-01")
    report, _ = build_report(Workspace(workspace), dt.date(2025, 7, 2))
    assert report is not None
    assert {row.task.id: row.days_left for row in report.tasks}["in_service"] == 30
    province.unlink()
    report, _ = build_report(Workspace(workspace), dt.date(2025, 7, 2))
    assert report is not None and report.tasks == []
    text = to_markdown(report)
    assert "No task list (province.yml, section tasks)." in text and "- `province.yml`: absent" in text


def test_cli_json_and_output_file(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(workspace), "--json", "--today", "2025-06-10"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == 2 and data["next_report"] == "2025-06-12"
    assert data["province"] == {"code": "lamdong", "name": "Lâm Đồng"}
    assert [w["number"] for w in data["workstreams"]] == list(range(1, 13))
    out = workspace / "reports" / "progress.md"
    assert main(["report", str(workspace), "-o", str(out), "--today", "2025-06-10"]) == 0
    # Vietnamese by default (docs/report.md); the renderers' own tests cover the rest.
    assert out.read_text(encoding="utf-8").splitlines()[0].endswith("sau sáp nhập: Lâm Đồng")
    assert main(["report", str(workspace), "--today", "10/06/2025"]) == 3
    assert "is not a date" in capsys.readouterr().err


def test_report_on_broken_mapping_is_exit_2(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "mapping.yml").write_text("format: [\n", encoding="utf-8")
    assert main(["report", str(workspace)]) == 3
    assert f"{workspace / 'mapping.yml'}:" in capsys.readouterr().err
