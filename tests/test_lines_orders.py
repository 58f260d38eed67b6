"""`mergectl export line-orders`: the lines to order for both HQs of every Bình Thuận commune, and
the old lines to end, with their statuses against plan 2495's dates."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import edit_text

from controller.cli import main
from controller.errors import EXIT_INVALID, EXIT_OK
from controller.exports import line_orders

SHEET = Path(__file__).parent / "fixtures" / "sites" / "hq-sites-phanthiet.csv"
BEFORE_ADDRESSES = dt.date(2025, 6, 8)
AFTER_INSTALLATION = dt.date(2025, 6, 16)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture()
def ordered(bt_workspace: Path) -> Path:
    """Bình Thuận with the Phan Thiết sheet imported, the operator's ids of two old lines, and a few
    statuses recorded."""
    edit_text(bt_workspace / "province.yml", "legacy_endpoints: {}\n",
              'legacy_endpoints:\n  "22918": {line_id: BTN-0042}\n  "593": {line_id: BTN-H593}\n')
    assert main(["sites", "import", str(bt_workspace), str(SHEET)]) == EXIT_OK
    assert main(["lines", "set", str(bt_workspace), "22918/hq", "muine/party", "22924/hq",
                 "--status", "ordered", "--date", "2025-06-10"]) == EXIT_OK
    assert main(["lines", "set", str(bt_workspace), "22918/hq", "--status", "installed",
                 "--date", "2025-06-13"]) == EXIT_OK
    return bt_workspace


def test_two_lines_per_commune_with_addresses_in_vietnamese(ordered: Path) -> None:
    written = line_orders.export(ordered, ordered / "reports", today=AFTER_INSTALLATION)
    assert [path.name for path in written] == [
        "line-orders.csv", "lines-to-end.csv", "line-orders-summary.csv", "line-orders.json"]
    rows = _csv(ordered / "reports" / "line-orders.csv")
    assert len(rows) == 90 and {row["Mã xã"] for row in rows} == {row["Mã xã"] for row in rows[::2]}
    muine = {row["Mã đường truyền"]: row for row in rows if row["Mã xã"] == "22918"}
    assert muine["22918/hq"] == {
        "Mã đường truyền": "22918/hq",
        "Mã xã": "22918",
        "Tên xã": "Phường Mũi Né",
        "Trụ sở": "Trụ sở Ủy ban nhân dân",
        "Địa chỉ": "Số 10 Nguyễn Đình Chiểu, khu phố 5, phường Mũi Né",
        "Người liên hệ": "Trần Văn Hùng, 0252 3847 101, hungtv@muine.lamdong.gov.vn",
        "Yêu cầu": "giữ đường truyền cũ",
        "Điểm cũ giữ lại": "22918 Phường Hàm Tiến",
        "Số hiệu đường truyền cũ": "BTN-0042",
        "Dải liên kết /31": "10.250.0.0/31",
        "Địa chỉ loopback": "10.251.0.0",
        "Hạn lắp đặt": "2025-06-15",
        "Trạng thái": "đã lắp đặt",
        "Ngày": "2025-06-13",
        "Quá hạn": "",
    }
    party = muine["22918/party"]
    assert (party["Trụ sở"], party["Địa chỉ"], party["Yêu cầu"], party["Điểm cũ giữ lại"]) == (
        "Trụ sở Đảng ủy", "Số 2 Huỳnh Tấn Phát, khu phố 3, phường Mũi Né", "lắp mới", "")
    assert (party["Dải liên kết /31"], party["Địa chỉ loopback"]) == ("10.250.0.90/31", "10.251.0.45")
    assert (party["Trạng thái"], party["Quá hạn"]) == ("đã đặt", "chưa lắp đặt, hạn 2025-06-15")
    # nobody sent Phú Thủy's Party committee contact, nor Hàm Thắng's Party committee address
    assert muine["22918/party"]["Người liên hệ"] == "Lê Thị Mai, 0913 456 789"
    hamthang = next(row for row in rows if row["Mã đường truyền"] == "22933/party")
    assert (hamthang["Địa chỉ"], hamthang["Người liên hệ"]) == ("(chưa có)", "(chưa có)")
    assert hamthang["Quá hạn"] == "chưa có địa chỉ, hạn 2025-06-09; chưa lắp đặt, hạn 2025-06-15"
    summary = {row["Nội dung"]: (row["Số lượng"], row["Trên tổng số"], row["Hạn (KH 2495)"], row["Quá hạn"])
               for row in _csv(ordered / "reports" / "line-orders-summary.csv")}
    assert summary["Trụ sở đã có địa chỉ"] == ("7", "90", "2025-06-09", "83")
    assert summary["Đường truyền mới chưa đặt"] == ("87", "90", "", "")
    assert summary["Đường truyền mới đã đặt, chưa lắp đặt"] == ("2", "90", "", "")
    assert summary["Đường truyền mới đã lắp đặt (kể cả đã kiểm tra)"] == ("1", "90", "2025-06-15", "89")
    assert summary["Đường truyền cũ chờ giải thể huyện"] == ("86", "86", "", "")


def test_english_columns_and_json(ordered: Path) -> None:
    line_orders.export(ordered, ordered / "reports", lang="en", today=BEFORE_ADDRESSES)
    rows = _csv(ordered / "reports" / "line-orders.csv")
    assert list(rows[0]) == ["Line", "Commune code", "Commune", "HQ", "Postal address", "Contact", "Order",
                             "Old endpoint kept", "Old line id", "Link prefix /31", "Loopback", "Install by",
                             "Status", "Date", "Overdue"]
    party = next(row for row in rows if row["Line"] == "22924/party")
    assert (party["HQ"], party["Contact"], party["Status"], party["Overdue"]) == (
        "Party committee HQ", "(missing)", "not ordered", "")  # nothing is due yet on 8 June
    phanthiet = next(row for row in rows if row["Line"] == "22945/hq")
    assert phanthiet["Contact"] == "Võ Thị Thu Hà, 0252.3822.350, havtt@phanthiet.lamdong.gov.vn"
    data = json.loads((ordered / "reports" / "line-orders.json").read_text(encoding="utf-8"))
    assert data["deadlines"] == {"addresses": "2025-06-09", "installed": "2025-06-15"}
    first = data["new_lines"][0]
    keys = ("line", "site", "role", "hq_of", "status", "status_date", "old_line_id")
    assert {key: first[key] for key in keys} == {
        "line": "22918/hq", "site": "hq", "role": "main", "hq_of": "people_committee", "status": "installed",
        "status_date": "2025-06-13", "old_line_id": "BTN-0042"}
    assert first["contact"] == {"name": "Trần Văn Hùng", "phone": "0252 3847 101",
                                "email": "hungtv@muine.lamdong.gov.vn", "note": ""}
    missing = next(line for line in data["new_lines"] if line["line"] == "22933/party")
    assert missing["postal_address"] is None and missing["contact"] is None
    assert {row["item"]: row["count"] for row in data["summary"]}["addresses"] == 7
    district = data["lines_to_end"][0]
    assert district == {
        "line": "593", "kind": "district", "name": "Thành phố Phan Thiết", "district": "Thành phố Phan Thiết",
        "province": "Bình Thuận", "line_id": "BTN-H593", "link_prefix": district["link_prefix"],
        "loopback": district["loopback"], "district_host": "old-binhthuan-phanthiet",
        "district_decommissioned": False, "state": "end_after_decommissioning", "status_date": None}
    assert district["link_prefix"].startswith("10.249.")


def test_old_lines_end_once_their_district_is_decommissioned(
    ordered: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    to_end = {row["Mã"]: row for row in _csv(_export(ordered) / "lines-to-end.csv")}
    # the old units whose line a site keeps are not there: Hàm Tiến's (22918) is muine's hq line
    assert "22918" not in to_end and len(to_end) == 86
    mui_ne = to_end["22915"]
    assert (mui_ne["Loại"], mui_ne["Tình trạng"]) == ("xã cũ", "kết thúc sau khi giải thể huyện")
    line_id = "Số hiệu đường truyền"
    assert (to_end["593"][line_id], to_end["594"][line_id]) == ("BTN-H593", "(chưa rõ)")
    assert main(["lines", "set", str(ordered), "593", "--status", "ended", "--date", "2025-07-02"]) == 4
    refusal = "refused: 593: its district (old-binhthuan-phanthiet) is not decommissioned"
    assert refusal in capsys.readouterr().err
    assert main(["decommission", "record", str(ordered), "--host", "old-binhthuan-phanthiet",
                 "--step", "revoke", "--at", "2025-07-02T08:00:00Z"]) == EXIT_OK
    assert main(["lines", "set", str(ordered), "593", "--status", "ended", "--date", "2025-07-02",
                 "--note", "VNPT: biên bản thanh lý 31"]) == EXIT_OK
    to_end = {row["Mã"]: row for row in _csv(_export(ordered) / "lines-to-end.csv")}
    assert (to_end["593"]["Tình trạng"], to_end["593"]["Ngày"]) == ("đã kết thúc", "2025-07-02")
    assert to_end["22915"]["Tình trạng"] == "cần kết thúc (huyện đã giải thể)"  # Phan Thiết's old ward
    assert to_end["22996"]["Tình trạng"] == "kết thúc sau khi giải thể huyện"  # another district's


def _export(workspace: Path) -> Path:
    line_orders.export(workspace, workspace / "reports", today=AFTER_INSTALLATION)
    return workspace / "reports"


def test_a_shared_building_has_one_line(bt_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit_text(bt_workspace / "province.yml", "shared_hq: []\n", 'shared_hq: ["23272"]\n')
    # the allocation saved has Phú Quý's party line: the operator must not get what the roles won't configure
    assert main(["export", "line-orders", str(bt_workspace)]) == EXIT_INVALID
    assert capsys.readouterr().err == (
        f"mergectl: {bt_workspace}: state/allocations.yml does not hold the lines of every HQ site "
        f"province.yml plans: run `mergectl inventory {bt_workspace}` first\n")
    assert main(["inventory", "-q", str(bt_workspace)]) == EXIT_OK
    assert main(["export", "line-orders", str(bt_workspace)]) == EXIT_OK
    rows = _csv(bt_workspace / "reports" / "line-orders.csv")
    assert len(rows) == 89
    assert [(row["Mã đường truyền"], row["Trụ sở"]) for row in rows if row["Mã xã"] == "23272"] == [
        ("23272/hq", "Trụ sở chung Đảng ủy và Ủy ban nhân dân")]


def test_the_data_lines_survey_names_the_old_lines(bt_workspace: Path) -> None:
    """Without legacy_endpoints, the operator's ids come from the survey the districts filled in:
    the line a site keeps (Hàm Tiến's, kept by Mũi Né's People's Committee) and the lines to end
    (Mũi Né's old ward, the Phan Thiết city HQ written by its name in the sheet)."""
    survey = Path(__file__).parent / "fixtures" / "survey" / "data_lines.csv"
    assert main(["survey", "import", str(bt_workspace), "--kind", "data_lines", str(survey)]) == EXIT_OK
    reports = _export(bt_workspace)
    orders = {row["Mã đường truyền"]: row for row in _csv(reports / "line-orders.csv")}
    assert orders["22918/hq"]["Số hiệu đường truyền cũ"] == "TSL-BTN-0232"
    assert orders["22918/party"]["Số hiệu đường truyền cũ"] == ""  # a new line keeps none
    to_end = {row["Mã"]: row for row in _csv(reports / "lines-to-end.csv")}
    line_id = "Số hiệu đường truyền"
    assert (to_end["22915"][line_id], to_end["593"][line_id], to_end["594"][line_id]) == (
        "TSL-BTN-0231", "TSL-BTN-0001", "(chưa rõ)")
