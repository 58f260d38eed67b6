"""E-doc codes to issue and to close, and the certificate list, from the recorded allocation."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from controller.cli import main

CODE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]+)*$")


@pytest.fixture(scope="module")
def bt(rendered_binh_thuan: Path) -> Path:
    return rendered_binh_thuan


@pytest.fixture
def workspace(bt: Path, tmp_path: Path) -> Path:
    shutil.copytree(bt, tmp_path / "bt")
    return tmp_path / "bt"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_issuance_lists_every_new_commune_once_with_a_valid_code(workspace: Path) -> None:
    assert main(["export", "edoc-codes", str(workspace)]) == 0
    issuance = read(workspace / "reports" / "edoc-issuance.csv")
    assert len(issuance) == 45
    codes = [row["edoc_code"] for row in issuance]
    assert len(set(codes)) == 45
    for row in issuance:
        assert CODE.match(row["edoc_code"]) and len(row["edoc_code"]) <= 35
        assert row["edoc_code"].startswith("H36.") and row["parent_edoc_code"] == "H36"
        assert row["status"] == "to issue"
        assert row["agency_name"].startswith("Ủy ban nhân dân ")
        assert row["agency_name"].endswith(", tỉnh Lâm Đồng")


def test_closure_lists_every_old_unit_and_district(workspace: Path) -> None:
    assert main(["export", "edoc-codes", str(workspace)]) == 0
    closure = read(workspace / "reports" / "edoc-closure.csv")
    assert sum(row["level"] == "district" for row in closure) == 10
    assert sum(row["level"] == "commune" for row in closure) == 121
    assert all(row["note"].startswith("code not known") for row in closure if not row["edoc_code"])
    issued = {row["edoc_code"] for row in read(workspace / "reports" / "edoc-issuance.csv")}
    for row in closure:
        assert set(row["successor_edoc_codes"].split(";")) <= issued


def test_known_old_codes_are_closed_and_never_planned_again(workspace: Path) -> None:
    province = workspace / "province.yml"
    text = province.read_text(encoding="utf-8")
    assert "  old_codes: {}" in text
    # The district of Phan Thiết held H11.20 and the old Mũi Né ward H11.20.05; a code
    # already issued elsewhere (H36.001) must be skipped by the planner.
    text = text.replace("  old_codes: {}", '  old_codes: {"593": "H11.20", "22915": "H11.20.05"}')
    text = text.replace("  issued: []", '  issued: ["H36.001"]')
    province.write_text(text, encoding="utf-8")
    shutil.rmtree(workspace / "state")
    # a new allocation from scratch changes every gateway: a mass change, confirmed
    assert main(["inventory", "-q", "--allow-mass-change", str(workspace)]) == 0
    assert main(["export", "edoc-codes", str(workspace)]) == 0
    closure = {row["old_code"]: row for row in read(workspace / "reports" / "edoc-closure.csv")}
    assert closure["593"]["edoc_code"] == "H11.20" and closure["593"]["note"] == ""
    assert closure["22915"]["edoc_code"] == "H11.20.05"
    issuance = read(workspace / "reports" / "edoc-issuance.csv")
    assert "H36.001" not in {row["edoc_code"] for row in issuance}


def test_export_refuses_an_unrecorded_allocation(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    assert main(["import", "--province", "Lâm Đồng", "--only-old-province", "Bình Thuận",
                 "-o", str(root)]) == 0
    assert main(["export", "edoc-codes", str(root)]) == 3
    assert main(["export", "certificates", str(root)]) == 3
    assert not (root / "reports").exists() or not any((root / "reports").iterdir())


def test_certificates_cover_every_old_agency_and_every_new_one(workspace: Path) -> None:
    assert main(["export", "certificates", str(workspace)]) == 0
    rows = read(workspace / "reports" / "certificates.csv")
    assert {row["action"] for row in rows} <= {"revoke", "renew", "change", "issue"}
    districts = [row for row in rows if row["level"] == "district"]
    assert len(districts) == 10 and all(row["action"] == "revoke" for row in districts)
    old_units = [row for row in rows if row["level"] == "commune" and row["old_code"]]
    assert len({row["old_code"] for row in old_units}) == len(old_units) == 121
    # Every new agency gets exactly one certificate: renewed, changed, or newly issued.
    continuing = [row["new_code"] for row in rows if row["action"] in ("renew", "change", "issue")]
    assert len(continuing) == len(set(continuing)) == 45
    for row in rows:
        if row["action"] != "issue":
            assert "Bình Thuận" in row["old_agency_name"]
        if row["action"] != "revoke":
            assert row["new_agency_name"].endswith("tỉnh Lâm Đồng")
            assert row["new_edoc_code"].startswith("H36.")
        assert row["effective_date"] == "2025-07-01"
    # The new Phường Mũi Né (22918) continues the old Hàm Tiến, whose code and seat it keeps
    # (the first old unit it is the primary successor of); the old Phường Mũi Né (22915) merged into it.
    seat = next(row for row in rows if row["old_code"] == "22918")
    assert seat["action"] == "renew"
    assert seat["old_agency_name"] == "Ủy ban nhân dân Phường Hàm Tiến, Thành phố Phan Thiết, tỉnh Bình Thuận"
    assert seat["new_agency_name"] == "Ủy ban nhân dân Phường Mũi Né, tỉnh Lâm Đồng"
    old_muine = next(row for row in rows if row["old_code"] == "22915")
    assert old_muine["action"] == "revoke" and old_muine["new_code"] == "22918"
