"""The e-ID codes survey feeds the allocation: a code in use is never planned, an old unit's code
is closed by code, and the survey never silently disagrees with province.yml or the plan."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import edit_text

from controller.cli import main

SHEETS = Path(__file__).parent / "fixtures" / "survey"


def write_sheet(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "edoc_codes.csv"
    path.write_text("edoc_code,old_code,holder,note\n" + rows, encoding="utf-8")
    return path


def planned(workspace: Path) -> dict[str, str]:
    state = yaml.safe_load((workspace / "state" / "allocations.yml").read_text(encoding="utf-8"))
    return {code: entry["edoc_code"] for code, entry in state["communes"].items()}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_planned_code_moves_past_a_surveyed_code_in_use(bt_workspace: Path, tmp_path: Path) -> None:
    assert planned(bt_workspace)["22918"] == "H36.001"
    shutil.rmtree(bt_workspace / "state")
    # The Department already issued H36.001 and H36.002 to provincial agencies.
    sheet = write_sheet(tmp_path, "H36.001,,Sở Khoa học và Công nghệ,\nH36.002,,Văn phòng Tỉnh ủy,\n"
                                  "H11.20.05,22915,,\n")
    assert main(["survey", "import", str(bt_workspace), "--kind", "edoc_codes", str(sheet)]) == 0
    assert main(["inventory", "-q", "--allow-mass-change", str(bt_workspace)]) == 0
    codes = planned(bt_workspace)
    assert codes["22918"] == "H36.003"
    assert not {"H36.001", "H36.002"} & set(codes.values())
    assert len(set(codes.values())) == 45


def test_the_closure_list_knows_surveyed_old_codes(bt_workspace: Path) -> None:
    assert main(["export", "edoc-codes", str(bt_workspace)]) == 0
    before = {row["old_code"]: row for row in read(bt_workspace / "reports" / "edoc-closure.csv")}
    assert before["22915"]["edoc_code"] == "" and before["22915"]["note"].startswith("code not known")
    assert main(["survey", "import", str(bt_workspace), "--kind", "edoc_codes",
                 str(SHEETS / "edoc_codes.csv")]) == 0
    # Old units' codes change no plan: the recorded allocation stays current, no inventory needed.
    assert main(["export", "edoc-codes", str(bt_workspace)]) == 0
    closure = {row["old_code"]: row for row in read(bt_workspace / "reports" / "edoc-closure.csv")}
    assert (closure["22915"]["edoc_code"], closure["22915"]["note"]) == ("H11.20.05", "")
    assert closure["22957"]["edoc_code"] == "000.05.20.H11"
    assert (closure["593"]["level"], closure["593"]["edoc_code"]) == ("district", "H11.20")
    assert closure["22933"]["note"] == (
        "code not known: add it to the edoc_codes survey or province.yml edoc.old_codes")


def test_a_surveyed_code_that_is_a_planned_one_is_refused(
    bt_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_sheet(tmp_path, "H36.24,,Sở Nội vụ,\nH36.002,,Văn phòng Tỉnh ủy,\n")
    assert main(["survey", "import", str(bt_workspace), "--kind", "edoc_codes", str(sheet)]) == 3
    state = bt_workspace / "state" / "allocations.yml"
    line = state.read_text(encoding="utf-8").splitlines().index("    edoc_code: H36.002") + 1
    assert (f"error: {sheet}:3: [edoc_code] H36.002 is in use, yet it is the code planned for new commune "
            f"22924 ({state}:{line}) (fix: if the code really is in use, empty edoc_code of commune 22924 "
            "in state/allocations.yml, import this sheet again, then run `mergectl inventory`: it plans the "
            "next free code)") in capsys.readouterr().err
    assert not (bt_workspace / "registers" / "survey" / "edoc_codes.yml").exists()


def test_validate_catches_province_yml_disagreeing_with_the_stored_survey(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["survey", "import", str(bt_workspace), "--kind", "edoc_codes",
                 str(SHEETS / "edoc_codes.csv")]) == 0
    line = edit_text(bt_workspace / "province.yml", "  old_codes: {}", '  old_codes: {"22915": "H11.20.50"}')
    capsys.readouterr()
    assert main(["validate", str(bt_workspace)]) == 3
    register = bt_workspace / "registers" / "survey" / "edoc_codes.yml"
    record_line = register.read_text(encoding="utf-8").splitlines().index("  - edoc_code: H11.20.05") + 1
    province = bt_workspace / "province.yml"
    assert (f"error: {register}:{record_line}: [records[2].edoc_code] 22915 has e-ID code H11.20.05 here "
            f"but H11.20.50 in {province}:{line} (edoc.old_codes)") in capsys.readouterr().err
