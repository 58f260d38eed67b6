"""`export vc-equipment` and `export vc-accounts-to-reclaim`: Vietnamese by default, English on
request, JSON for machines, the plan's video-conference deadlines, what is missing visible."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import set_task_dates

from controller.cli import main

SHEETS = Path(__file__).parent / "fixtures" / "survey"


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


@pytest.fixture
def surveyed(bt_workspace: Path) -> Path:
    for kind in ("equipment", "vc_endpoints"):
        assert main(["survey", "import", str(bt_workspace), "--kind", kind, str(SHEETS / f"{kind}.csv")]) == 0
    return bt_workspace


def test_equipment_register_in_vietnamese_shows_what_is_not_handed_over_first(surveyed: Path) -> None:
    assert main(["export", "vc-equipment", str(surveyed)]) == 0
    header, rows = read(surveyed / "reports" / "vc-equipment.csv")
    assert header == ["Tình trạng", "Thời hạn", "Mã xã mới", "Xã mới (nơi nhận)", "Phòng họp", "Thiết bị",
                      "Số sê-ri", "Mã đơn vị cũ", "Đơn vị cũ (nơi đi)", "Ngày bàn giao",
                      "Số biên bản bàn giao", "Ghi chú"]
    statuses = [row[0] for row in rows]
    # 90 rooms, 4 of them with an item; then the 5 items, furthest from done first.
    assert statuses == (["chưa có thiết bị"] * 86 + ["chưa phân bổ", "đã phân bổ, chưa bàn giao"]
                        + ["đã bàn giao"] * 3)
    assert rows[0] == ["chưa có thiết bị", "2025-06-09", "22924", "Phường Phú Thủy", "khối chính quyền",
                       "", "", "", "", "", "", ""]
    assert ["đã phân bổ, chưa bàn giao", "2025-06-25", "22918", "Phường Mũi Né", "khối Đảng",
            "Polycom RealPresence Group 310", "PLC-G310-8813", "22918", "Phường Hàm Tiến", "", "",
            "chờ Sở Tài chính hướng dẫn"] in rows
    assert ["đã bàn giao", "", "22945", "Phường Phan Thiết", "khối chính quyền", "Cisco TelePresence SX80",
            "CISCO-SX80-0456", "593", "Thành phố Phan Thiết", "2025-06-24", "15/BB-STC", ""] in rows
    assert ["chưa phân bổ", "2025-06-09", "", "", "", "Màn hình LG 55 inch", "LG-55UR-0091", "593",
            "Thành phố Phan Thiết", "", "", "chưa phân bổ"] in rows


def test_equipment_register_in_english_and_as_json(
    surveyed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "vc-equipment", str(surveyed), "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"wrote {surveyed / 'reports' / 'vc-equipment.csv'}",
                                                    f"wrote {surveyed / 'reports' / 'vc-equipment.json'}"]
    header, rows = read(surveyed / "reports" / "vc-equipment.csv")
    assert header == ["status", "deadline", "to_commune_code", "to_commune_name", "to_room", "item", "serial",
                      "from_old_code", "from_old_name", "handover_date", "handover_record", "note"]
    assert rows[87][:5] == ["allocated, not handed over", "2025-06-25", "22918", "Phường Mũi Né",
                            "Party room"]
    data = json.loads((surveyed / "reports" / "vc-equipment.json").read_text(encoding="utf-8"))
    assert data["deadlines"] == {"vc_equipment_reviewed": "2025-06-09",
                                 "vc_equipment_handed_over": "2025-06-25"}
    assert data["rows"][87]["status"] == "allocated" and data["rows"][87]["to_room"] == "party"
    assert {row["status"] for row in data["rows"]} == {"none", "unallocated", "allocated", "handed_over"}


def test_deadlines_come_from_province_yml(surveyed: Path) -> None:
    set_task_dates(surveyed / "province.yml", vc_equipment_handed_over="2025-06-27")
    assert main(["export", "vc-equipment", str(surveyed)]) == 0
    _, rows = read(surveyed / "reports" / "vc-equipment.csv")
    assert next(row for row in rows if row[6] == "PLC-G310-8813")[1] == "2025-06-27"


def test_accounts_to_reclaim_with_their_old_unit_district_successor_and_room(surveyed: Path) -> None:
    assert main(["export", "vc-accounts-to-reclaim", str(surveyed)]) == 0
    header, rows = read(surveyed / "reports" / "vc-accounts-to-reclaim.csv")
    assert header == ["Tài khoản kết nối", "Nhà cung cấp", "Mã đơn vị cũ", "Đơn vị cũ", "Huyện cũ",
                      "Mã xã mới kế thừa", "Xã mới kế thừa", "Phòng họp", "Địa chỉ IP", "Tình trạng điểm cầu",
                      "Số sê-ri thiết bị", "Thời hạn", "Ghi chú"]
    assert [row[0] for row in rows] == ["btn.ubnd.cholau", "btn.ubnd.muine", "btn.du.muine",
                                        "btn.ubnd.hamtien", "btn.ubnd.phanthiet"]
    assert rows[2] == ["btn.du.muine", "VNPT Bình Thuận", "22915", "Phường Mũi Né", "Thành phố Phan Thiết",
                       "22918", "Phường Mũi Né", "khối Đảng", "10.170.12.3", "hỏng", "", "2025-06-25",
                       "màn hình hỏng từ tháng 3/2025"]
    # An old district's account: every commune formed from its units succeeds it.
    district = rows[4]
    assert district[2:5] == ["593", "Thành phố Phan Thiết", "Thành phố Phan Thiết"]
    assert district[5] == "22918; 22924; 22933; 22945; 22954; 22960; 22963"
    assert main(["export", "vc-accounts-to-reclaim", str(surveyed), "--lang", "en"]) == 0
    header, rows = read(surveyed / "reports" / "vc-accounts-to-reclaim.csv")
    assert header[:3] == ["account", "provider", "old_code"]
    assert rows[2][7:10] == ["Party room", "10.170.12.3", "broken"]
    data = json.loads((surveyed / "reports" / "vc-accounts-to-reclaim.json").read_text(encoding="utf-8"))
    assert data["rows"][2]["room"] == "party" and data["rows"][2]["endpoint_status"] == "broken"


def test_a_formula_looking_cell_is_neutralised_in_the_list(bt_workspace: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "vc.csv"
    sheet.write_text("old_code,room,account,note\n22915,gov,btn.ubnd.muine,=HYPERLINK(\"http://x.vn\")\n",
                     encoding="utf-8")
    assert main(["survey", "import", str(bt_workspace), "--kind", "vc_endpoints", str(sheet)]) == 0
    assert main(["export", "vc-accounts-to-reclaim", str(bt_workspace)]) == 0
    text = (bt_workspace / "reports" / "vc-accounts-to-reclaim.csv").read_text(encoding="utf-8")
    assert ",\"'=HYPERLINK(\"\"http://x.vn\"\")\"\n" in text


def test_a_list_without_its_register_says_how_to_make_it(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "vc-equipment", str(bt_workspace)]) == 3
    assert (f"mergectl: {bt_workspace}: nothing imported for the video-conference equipment register yet; "
            f"fill in the sheet `mergectl survey template {bt_workspace} --kind equipment` writes") \
        in capsys.readouterr().err
    assert not (bt_workspace / "reports" / "vc-equipment.csv").exists()
