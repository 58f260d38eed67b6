"""`mergectl lines set|list`: statuses forward only, --force to step back, history, overdue marks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from conftest import edit_text

from controller.cli import main
from controller.errors import EXIT_INVALID, EXIT_OK, EXIT_REFUSED
from controller.report import build_report
from controller.workspace import Workspace


@pytest.fixture(autouse=True)
def _who(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No git identity around: the login name records the change."""
    empty = tmp_path / "gitconfig"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("USER", "tranminh")


def _set(workspace: Path, *args: str) -> int:
    return main(["lines", "set", str(workspace), *args])


def _lines(workspace: Path) -> dict:
    return yaml.safe_load((workspace / "registers" / "lines.yml").read_text(encoding="utf-8"))["lines"]


def test_statuses_move_forward_with_their_history(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _set(bt_workspace, "22918/hq", "muine/party", "--status", "ordered", "--date", "2025-06-10") == 0
    assert capsys.readouterr().out == "22918/hq: ordered (2025-06-10)\n22918/party: ordered (2025-06-10)\n"
    assert _set(bt_workspace, "muine/hq", "--status", "installed", "--date", "2025-06-13",
                "--note", "biên bản nghiệm thu 12/VNPT") == EXIT_OK
    assert _set(bt_workspace, "22918/hq", "--status", "tested", "--date", "2025-06-14") == EXIT_OK
    assert capsys.readouterr().out == ("22918/hq: ordered -> installed (2025-06-13)\n"
                                       "22918/hq: installed -> tested (2025-06-14)\n")
    line = _lines(bt_workspace)["22918/hq"]
    assert (line["status"], line["date"]) == ("tested", "2025-06-14")
    history = [(change["status"], change["date"], change["by"], change.get("note"))
               for change in line["history"]]
    assert history == [
        ("ordered", "2025-06-10", "tranminh", None),
        ("installed", "2025-06-13", "tranminh", "biên bản nghiệm thu 12/VNPT"),
        ("tested", "2025-06-14", "tranminh", None),
    ]
    assert all(change["at"].endswith("Z") and "forced" not in change for change in line["history"])
    # the same again: nothing to write
    before = (bt_workspace / "registers" / "lines.yml").read_bytes()
    assert _set(bt_workspace, "22918/hq", "--status", "tested", "--date", "2025-06-14") == EXIT_OK
    assert capsys.readouterr().out == "22918/hq: tested (2025-06-14), unchanged\n"
    assert (bt_workspace / "registers" / "lines.yml").read_bytes() == before


def test_a_step_back_needs_force(bt_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _set(bt_workspace, "22918/hq", "22924/hq", "--status", "installed", "--date", "2025-06-13") == 0
    before = (bt_workspace / "registers" / "lines.yml").read_bytes()
    capsys.readouterr()
    # one of the two would step back: neither is written
    code = _set(bt_workspace, "22933/hq", "22918/hq", "--status", "ordered", "--date", "2025-06-14")
    assert code == EXIT_REFUSED
    assert capsys.readouterr().err == (
        "refused: 22918/hq is installed since 2025-06-13: ordered would step it back\n"
        "mergectl: refused as unsafe; nothing was written (if it did happen so, repeat with --force to "
        "record it (the history keeps every change))\n")
    assert (bt_workspace / "registers" / "lines.yml").read_bytes() == before
    assert _set(bt_workspace, "22918/hq", "--status", "ordered", "--date", "2025-06-14", "--force",
                "--note", "lắp nhầm trụ sở, làm lại") == EXIT_OK
    assert capsys.readouterr().out == "22918/hq: installed -> ordered (2025-06-14)\n"
    history = _lines(bt_workspace)["22918/hq"]["history"]
    assert [(change["status"], change.get("forced", False)) for change in history] == [
        ("installed", False), ("ordered", True)]


def test_unknown_keys_and_wrong_statuses_write_nothing(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _set(bt_workspace, "22918/hqq", "muine/dang", "22915", "22918", "22918/party",
                "--status", "ordered")
    assert code == EXIT_INVALID
    hint = ("(fix: <commune code or label>/<site> for a new line (22918/hq, muine/party), the old unit's or "
            "district's code for a line to end (mergectl lines list))")
    assert capsys.readouterr().err.splitlines() == [
        f"error: 22918/hqq: no such line in the line orders; did you mean '22918/hq'? {hint}",
        f"error: muine/dang: no such line in the line orders; did you mean 'muine/party'? {hint}",
        "error: 22915: ordered is a new line's status; an old line to end is ended",
        "error: 22918: no line to end: site 22918/hq keeps this old line (fix: its status is that of line "
        "22918/hq)",
        "mergectl: 4 problem(s); nothing was written",
    ]
    assert _set(bt_workspace, "22918/party", "--status", "ended") == EXIT_INVALID
    assert "error: 22918/party: ended is an old line's status; a new line is ordered, installed, tested" in (
        capsys.readouterr().err)
    assert _set(bt_workspace, "22918/party", "--status", "ordered", "--date", "2025-06-31") == EXIT_INVALID
    assert "error: --date: invalid date '2025-06-31': June 2025 has 30 days" in capsys.readouterr().err
    assert _set(bt_workspace, "22918/party", "--status", "ordered", "--date", "2999-01-01") == EXIT_INVALID
    assert "a status records what has happened" in capsys.readouterr().err
    assert not (bt_workspace / "registers").exists()


def test_list_marks_what_is_overdue(bt_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sites", "import", str(bt_workspace),
                 str(Path(__file__).parent / "fixtures" / "sites" / "hq-sites-phanthiet.csv")]) == EXIT_OK
    assert _set(bt_workspace, "22918/hq", "--status", "installed", "--date", "2025-06-13") == EXIT_OK
    assert _set(bt_workspace, "22918/party", "--status", "ordered", "--date", "2025-06-10") == EXIT_OK
    capsys.readouterr()
    assert main(["lines", "list", str(bt_workspace), "--today", "2025-06-08"]) == EXIT_OK
    early = capsys.readouterr().out
    assert "OVERDUE" not in early
    assert main(["lines", "list", str(bt_workspace), "--today", "2025-06-12"]) == EXIT_OK
    rows = capsys.readouterr().out.splitlines()
    between = {line.split()[0]: line for line in rows if line.startswith("  2")}
    assert "OVERDUE" not in between["22918/party"]
    assert between["22933/party"].endswith("OVERDUE: no address by 2025-06-09")
    assert main(["lines", "list", str(bt_workspace), "--today", "2025-06-16"]) == EXIT_OK
    out = capsys.readouterr().out
    late = {line.split()[0]: line for line in out.splitlines() if line.startswith("  2")}
    assert "OVERDUE" not in late["22918/hq"]  # installed on time
    assert late["22918/party"].endswith("ordered      2025-06-10  OVERDUE: not installed by 2025-06-15")
    assert late["23272/party"].endswith("OVERDUE: no address by 2025-06-09; not installed by 2025-06-15")
    assert "  HQ sites with a postal address: 7 of 90 (due 2025-06-09: 83 overdue)\n" in out
    assert "  new lines installed (tested ones included): 1 of 90 (due 2025-06-15: 89 overdue)\n" in out
    assert main(["lines", "list", str(bt_workspace), "--today", "2025-06-16", "--json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    party = next(line for line in data["new_lines"] if line["line"] == "22918/party")
    assert party["overdue"] == [{"what": "not_installed_by", "deadline": "2025-06-15"}]


def test_hand_edits_of_the_status_register_are_checked(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _set(bt_workspace, "22918/hq", "--status", "ordered", "--date", "2025-06-10") == EXIT_OK
    register = bt_workspace / "registers" / "lines.yml"
    status = edit_text(register, "    status: ordered", "    status: delivered")
    date = edit_text(register, "        date: '2025-06-10'", "        date: '2025-06-31'")
    capsys.readouterr()
    assert main(["lines", "list", str(bt_workspace)]) == EXIT_INVALID
    assert capsys.readouterr().err.splitlines() == [
        f"error: {register}:{status}: [lines.22918/hq.status] unknown status 'delivered' "
        "(fix: ordered | installed | tested | ended)",
        f"error: {register}:{date}: [lines.22918/hq.history[0].date] invalid date '2025-06-31': June 2025 "
        "has 30 days",
        "mergectl: 2 problem(s); nothing was written",
    ]


def test_the_weekly_report_counts_the_lines(bt_workspace: Path) -> None:
    assert _set(bt_workspace, "22918/hq", "22918/party", "--status", "ordered", "--date", "2025-06-10") == 0
    assert _set(bt_workspace, "22918/hq", "--status", "tested", "--date", "2025-06-14") == EXIT_OK

    report, _ = build_report(Workspace(bt_workspace), dt.date(2025, 6, 16))
    assert report is not None
    items = {item.what: (item.done, item.planned, item.source) for item in report.workstreams[0].items}
    assert items["HQ addresses received (plan 2495: by 2025-06-09)"] == (0, 90, "registers/hq-sites.yml")
    assert items["new data lines ordered"] == (2, 90, "registers/lines.yml")
    assert items["new data lines installed (plan 2495: by 2025-06-15)"] == (1, 90, "registers/lines.yml")
    assert items["new data lines tested"] == (1, 90, "registers/lines.yml")
    assert items["old lines ended"] == (0, 86, "registers/lines.yml")
    assert report.sources["registers/lines.yml"] == "present"
    # an invalid register makes the figures unknown, never 0
    edit_text(bt_workspace / "registers" / "lines.yml", "version: 1", "version: 2")
    report, _ = build_report(Workspace(bt_workspace), dt.date(2025, 6, 16))
    assert report is not None
    items = {item.what: (item.done, item.planned) for item in report.workstreams[0].items}
    assert items["new data lines ordered"] == (None, None)
    assert report.sources["line orders"].startswith("unknown (")
    assert "unknown version 2" in report.sources["line orders"]
