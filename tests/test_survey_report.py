"""`mergectl survey report` and the progress report's survey section: per new commune, what its
predecessors had and what it still lacks; an unsurveyed kind is unknown, never "none"."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import edit_text

from controller.cli import main
from controller.survey.kinds import KINDS

SHEETS = Path(__file__).parent / "fixtures" / "survey"


def import_sheets(workspace: Path, *kinds: str) -> None:
    for kind in kinds or KINDS:
        assert main(["survey", "import", str(workspace), "--kind", kind, str(SHEETS / f"{kind}.csv")]) == 0


def output_of(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


@pytest.fixture
def surveyed(bt_workspace: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    import_sheets(bt_workspace)
    capsys.readouterr()
    return bt_workspace


def communes(capsys: pytest.CaptureFixture[str], workspace: Path) -> dict[str, dict]:
    data = json.loads(output_of(capsys, "survey", "report", str(workspace), "--json"))
    return {commune["code"]: commune for commune in data["communes"]}


def test_predecessors_assets_and_gaps_per_commune(surveyed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    found = communes(capsys, surveyed)
    assert len(found) == 45
    mui_ne = found["22918"]
    assert mui_ne["inherits_from"] == ["22915", "22918", "22957"]
    assert [line["line_id"] for line in mui_ne["had"]["data_lines"]] == ["TSL-BTN-0231", "TSL-BTN-0232"]
    assert sorted(endpoint["account"] for endpoint in mui_ne["had"]["vc_endpoints"]) == [
        "btn.du.muine", "btn.ubnd.hamtien", "btn.ubnd.muine"]
    assert len(mui_ne["had"]["portals"]) == 2
    assert mui_ne["edoc_codes_known"] == {"22915": "H11.20.05", "22918": "H11.20.06",
                                          "22957": "000.05.20.H11"}
    assert mui_ne["rooms"] == {"gov": {"status": "handed_over", "serials": ["PLC-G310-8812"]},
                               "party": {"status": "allocated", "serials": ["PLC-G310-8813"]}}
    assert [(gap["gap"], gap["items"], gap["status"]) for gap in mui_ne["gaps"]] == [
        ("vc_room", ["party"], "allocated"),
        ("mail_redirect", ["muine.phanthiet.binhthuan.gov.vn"], ""),
        ("edoc_not_issued", [mui_ne["edoc_code"]], ""),
    ]
    ham_thang = found["22933"]  # nothing surveyed for its predecessors
    assert {gap["gap"] for gap in ham_thang["gaps"]} == {"vc_room", "new_portal", "edoc_not_issued",
                                                         "edoc_unknown"}
    assert next(gap for gap in ham_thang["gaps"] if gap["gap"] == "edoc_unknown")["items"] == [
        "22933", "23062", "23104"]
    # 23005 keeps Chợ Lầu's portal: no new portal, the government room's equipment handed over.
    bac_binh = found["23005"]
    assert "new_portal" not in {gap["gap"] for gap in bac_binh["gaps"]}
    assert bac_binh["rooms"]["gov"]["status"] == "handed_over"
    assert bac_binh["rooms"]["party"]["status"] == "none"


def test_a_split_old_unit_counts_for_the_commune_that_inherits_it(
    surveyed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = communes(capsys, surveyed)
    # Xã Phong Phú (22978) is divided between 22972 (primary) and 22978.
    assert found["22978"]["predecessors"] == ["22975", "22978"]
    assert found["22978"]["inherits_from"] == ["22975"]
    assert "22978" in found["22972"]["inherits_from"]


def test_old_districts_assets_are_listed_apart(surveyed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(output_of(capsys, "survey", "report", str(surveyed), "--json"))
    (phan_thiet,) = data["districts"]
    assert phan_thiet["code"] == "593" and phan_thiet["name"] == "Thành phố Phan Thiết"
    assert [line["line_id"] for line in phan_thiet["had"]["data_lines"]] == ["TSL-BTN-0001"]
    assert phan_thiet["had"]["mail_domains"] == []
    assert data["deadlines"] == {"vc_equipment_reviewed": "2025-06-09",
                                 "vc_equipment_handed_over": "2025-06-25"}
    assert data["registers"] == {"portals": 5, "vc_endpoints": 5, "data_lines": 4, "mail_domains": 3,
                                 "edoc_codes": 5, "equipment": 5}


def test_a_kind_nobody_imported_is_unknown_and_raises_no_gap(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_sheets(bt_workspace, "edoc_codes")
    capsys.readouterr()
    ham_thang = communes(capsys, bt_workspace)["22933"]
    assert ham_thang["had"] == dict.fromkeys(("data_lines", "vc_endpoints", "portals", "mail_domains"))
    assert ham_thang["rooms"] is None
    assert {gap["gap"] for gap in ham_thang["gaps"]} == {"edoc_not_issued", "edoc_unknown"}
    table = output_of(capsys, "survey", "report", str(bt_workspace))
    assert "Chưa nhập (chưa biết): portals, vc_endpoints, data_lines, mail_domains, equipment" in table
    row = next(line for line in table.splitlines() if line.startswith("22933"))
    assert row.split() == ["22933", "Phường", "Hàm", "Thắng", "3", "?", "?", "?", "?", "0/3", "2"]


def test_the_table_is_vietnamese_by_default_and_english_on_request(
    surveyed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    vi = output_of(capsys, "survey", "report", str(surveyed))
    assert vi.startswith("Khảo sát hiện trạng: Lâm Đồng (45 xã, phường, đặc khu mới)\n"
                         "Thời hạn: rà soát, phân bổ thiết bị hội nghị truyền hình 2025-06-09; "
                         "bàn giao thiết bị 2025-06-25\n")
    header = next(line for line in vi.splitlines() if line.startswith("Mã "))
    assert re.split(r"\s{2,}", header) == ["Mã", "Xã, phường mới", "Kế thừa từ", "Đường truyền", "Điểm cầu",
                                         "Cổng TTĐT", "Tên miền thư", "Mã định danh cũ đã biết", "Còn thiếu"]
    assert "22918 Phường Mũi Né\n  - phòng họp trực tuyến khối Đảng: đã phân bổ thiết bị, chưa bàn giao\n" \
           "  - chuyển hướng tên miền thư cũ: muine.phanthiet.binhthuan.gov.vn\n" in vi
    assert "  - chưa biết mã định danh của đơn vị cũ (để thu hồi): 22933 Phường Xuân An, " \
           "23062 Thị trấn Phú Long, 23104 Xã Hàm Thắng\n" in vi
    en = output_of(capsys, "survey", "report", str(surveyed), "--lang", "en")
    assert "22918 Phường Mũi Né\n  - Party room: equipment allocated, not handed over\n" in en
    assert "  - a new portal is needed (no predecessor has one to keep)\n" in en
    row = next(line for line in en.splitlines() if line.startswith("22918"))
    assert row.split() == ["22918", "Phường", "Mũi", "Né", "3", "2", "3", "2", "1", "3/3", "3"]
    gaps = json.loads(output_of(capsys, "survey", "report", str(surveyed), "--json", "--lang", "en"))
    assert gaps["communes"][0]["gaps"][0]["text"] == "Party room: equipment allocated, not handed over"


def test_the_progress_report_counts_what_the_communes_lack(
    surveyed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = output_of(capsys, "report", str(surveyed), "--lang", "en")
    section = markdown[markdown.index("## Survey of what exists"):markdown.index("## Sources")]
    assert "| equipment | 5 |" in section
    # 90 rooms, 3 handed over; 3 communes keep a predecessor's portal; 121 old units, 3 codes known.
    assert "| video-conference rooms without equipment handed over | 87 |" in section
    assert "| new communes needing a new portal (no predecessor's to keep) | 42 |" in section
    assert "| old mail domains to redirect | 3 |" in section
    assert "| new communes whose e-ID code is not issued yet | 45 |" in section
    assert "| old units whose e-ID code is unknown (to close) | 118 |" in section
    data = json.loads(output_of(capsys, "report", str(surveyed), "--format", "json"))
    assert data["survey"]["status"] == "present"
    assert {item["what"]: item["count"] for item in data["survey"]["lacking"]}[
        "old mail domains to redirect"] == 3


def test_the_progress_report_never_fails_on_the_survey(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = output_of(capsys, "report", str(bt_workspace), "--lang", "en")
    assert "No survey (absent): what the communes lack is unknown." in markdown
    import_sheets(bt_workspace, "mail_domains")
    capsys.readouterr()
    markdown = output_of(capsys, "report", str(bt_workspace), "--lang", "en")
    assert "| video-conference rooms without equipment handed over | unknown |" in markdown
    assert "| portals | not imported |" in markdown
    # Sorted by domain: cholau.bacbinh... (31 mailboxes) is the first record.
    edit_text(bt_workspace / "registers" / "survey" / "mail_domains.yml", "mailboxes: 31", "mailboxes: many")
    markdown = output_of(capsys, "report", str(bt_workspace), "--lang", "en")
    assert "No survey (unreadable (" in markdown
    assert "[records[0].mailboxes] 'many' is not a whole number" in markdown


def test_the_progress_report_follows_the_meeting_rooms(
    surveyed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Workstream 3 counts what plan 2495 §2 asks beyond the rendered rooms, from the registers."""
    wanted = ("| 3. Video conferencing | rooms with", "| 3. Video conferencing | old connection")
    rows = [line for line in output_of(capsys, "report", str(surveyed), "--lang", "en").splitlines()
            if line.startswith(wanted)]
    # 3 rooms have their equipment handed over (equipment.csv); no HQ sheet yet: contacts unknown;
    # the provider's answer on the 5 surveyed accounts is not recorded anywhere.
    assert rows == [
        "| 3. Video conferencing | rooms with equipment handed over (plan 2495: by 2025-06-25) | 3 | 90 "
        "| 3 % | handed over | `registers/survey/equipment.yml` |",
        "| 3. Video conferencing | rooms with a contact point for the provider | unknown | 90 | unknown "
        "| known | `registers/hq-sites.yml` |",
        "| 3. Video conferencing | old connection accounts to reclaim | unknown | 5 | unknown | reclaimed "
        "| `registers/survey/vc_endpoints.yml` |",
    ]
    # Mũi Né (both HQs), Phú Thủy, Hàm Thắng (People's Committee only) and Phan Thiết (both) gave
    # a contact: 6 rooms.
    assert main(["sites", "import", str(surveyed), str(Path(__file__).parent / "fixtures" / "sites"
                                                       / "hq-sites-phanthiet.csv")]) == 0
    capsys.readouterr()
    markdown = output_of(capsys, "report", str(surveyed), "--lang", "en")
    assert "| rooms with a contact point for the provider | 6 | 90 | 7 % |" in markdown


def test_without_registers_the_meeting_rooms_progress_is_unknown(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    markdown = output_of(capsys, "report", str(bt_workspace), "--lang", "en")
    assert "| rooms with equipment handed over (plan 2495: by 2025-06-25) | unknown | 90 |" in markdown
    assert "| old connection accounts to reclaim | unknown | unknown |" in markdown
