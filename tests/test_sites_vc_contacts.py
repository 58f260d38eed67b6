"""`mergectl export vc-contacts`: who the video-conference provider calls about each meeting room."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import edit_text

from controller.cli import main
from controller.errors import EXIT_OK
from controller.exports import vc_contacts

SHEET = Path(__file__).parent / "fixtures" / "sites" / "hq-sites-phanthiet.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_each_room_at_its_committees_hq_with_its_contact(bt_workspace: Path) -> None:
    edit_text(bt_workspace / "province.yml", "shared_hq: []\n", 'shared_hq: ["22945"]\n')
    assert main(["inventory", "-q", str(bt_workspace)]) == EXIT_OK
    sheet = bt_workspace / "sheet.csv"
    # Phan Thiết shares one building: its party row goes, its hq row stands for both
    sheet.write_text("".join(line for line in SHEET.read_text(encoding="utf-8").splitlines(keepends=True)
                             if not line.startswith("22945,Phường Phan Thiết,party")), encoding="utf-8")
    assert main(["sites", "import", str(bt_workspace), str(sheet)]) == EXIT_OK
    [path] = vc_contacts.export(bt_workspace, bt_workspace / "reports")
    rows = _rows(path)
    assert len(rows) == 2 * 45
    assert list(rows[0]) == ["Mã xã", "Tên xã", "Phòng họp", "Trụ sở", "Địa chỉ", "Người liên hệ",
                             "Điện thoại", "Thư điện tử", "Ghi chú"]
    by_room = {(row["Mã xã"], row["Phòng họp"]): row for row in rows}
    gov, party = "Phòng họp trực tuyến khối chính quyền", "Phòng họp trực tuyến khối Đảng"
    assert by_room[("22918", gov)] == {
        "Mã xã": "22918", "Tên xã": "Phường Mũi Né", "Phòng họp": gov, "Trụ sở": "Trụ sở Ủy ban nhân dân",
        "Địa chỉ": "Số 10 Nguyễn Đình Chiểu, khu phố 5, phường Mũi Né", "Người liên hệ": "Trần Văn Hùng",
        "Điện thoại": "0252 3847 101", "Thư điện tử": "hungtv@muine.lamdong.gov.vn", "Ghi chú": "",
    }
    muine_party = by_room[("22918", party)]
    assert (muine_party["Trụ sở"], muine_party["Người liên hệ"], muine_party["Thư điện tử"]) == (
        "Trụ sở Đảng ủy", "Lê Thị Mai", "(chưa có)")
    # one building: both rooms there, with its one contact
    for room in (gov, party):
        row = by_room[("22945", room)]
        assert (row["Trụ sở"], row["Người liên hệ"]) == (
            "Trụ sở chung Đảng ủy và Ủy ban nhân dân", "Võ Thị Thu Hà")
    # nobody has sent Hàm Thắng's Party committee anything
    assert [by_room[("22933", party)][column] for column in ("Địa chỉ", "Người liên hệ", "Điện thoại")] == [
        "(chưa có)"] * 3
    missing = sum(1 for row in rows if row["Người liên hệ"] == "(chưa có)")
    assert missing == 90 - 6


def test_english_and_a_commune_without_a_party_committee_site(bt_workspace: Path) -> None:
    edit_text(bt_workspace / "province.yml", "sites: {}\n", 'sites:\n  "22918":\n    - {name: hq}\n')
    assert main(["inventory", "-q", str(bt_workspace)]) == EXIT_OK
    [path] = vc_contacts.export(bt_workspace, bt_workspace / "reports", lang="en")
    rows = [row for row in _rows(path) if row["Commune code"] == "22918"]
    assert [(row["Meeting room"], row["HQ"], row["Postal address"]) for row in rows] == [
        ("government block meeting room", "People's Committee HQ", "(missing)"),
        ("Party block meeting room", "(no such HQ in province.yml sites)", "(missing)"),
    ]
