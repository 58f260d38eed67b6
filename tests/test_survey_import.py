"""`mergectl survey import`: sheets checked whole with FILE:LINE messages, nothing written on any
error, records merged by key (or replaced), stored registers checked again when read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import edit_text, write_input

from controller.cli import main
from controller.survey.kinds import KINDS

SHEETS = Path(__file__).parent / "fixtures" / "survey"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def survey_import(capsys: pytest.CaptureFixture[str], workspace: Path, kind: str, path: Path,
                  *extra: str) -> tuple[int, str]:
    return run(capsys, "survey", "import", str(workspace), "--kind", kind, str(path), *extra)


def sheet(tmp_path: Path, text: str | bytes, name: str = "sheet.csv") -> Path:
    return write_input(tmp_path, text, name)


def imported(workspace: Path, kind: str, path: Path | None = None) -> bool:
    sheet_path = path or SHEETS / f"{kind}.csv"
    return main(["survey", "import", str(workspace), "--kind", kind, str(sheet_path)]) == 0


def register(workspace: Path, kind: str) -> Path:
    return workspace / "registers" / "survey" / f"{kind}.yml"


def records(workspace: Path, kind: str) -> list[dict[str, object]]:
    return yaml.safe_load(register(workspace, kind).read_text(encoding="utf-8"))["records"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_fixture_sheet_imports_and_is_stored_sorted_with_its_source(
    bt_workspace: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = survey_import(capsys, bt_workspace, kind, SHEETS / f"{kind}.csv")
    assert code == 0, output
    stored = records(bt_workspace, kind)
    rows = (SHEETS / f"{kind}.csv").read_text(encoding="utf-8").count("\n") - 1
    assert len(stored) == rows
    keys = [tuple(str(record[name]) for name in KINDS[kind].key) for record in stored]
    assert keys == sorted(keys)
    assert {record["source_file"] for record in stored} == {f"{kind}.csv"}
    assert all(str(record["imported_at"]).startswith("20") for record in stored)
    assert f"{rows} record(s) from {kind}.csv ({rows} new, 0 replaced, 0 kept)" in output


def test_values_are_stored_in_their_checked_form(bt_workspace: Path) -> None:
    assert imported(bt_workspace, "data_lines")
    by_line = {record["line_id"]: record for record in records(bt_workspace, "data_lines")}
    # A district named "<old province>/<district name>" is stored under its code, as the template writes it.
    assert by_line["TSL-BTN-0001"]["old_code"] == "593"
    assert by_line["TSL-BTN-0231"]["bandwidth_mbps"] == 40
    assert by_line["TSL-BTN-0231"]["postal_address"] == "12 Huỳnh Thúc Kháng, phường Mũi Né"
    assert by_line["TSL-BTN-0231"]["source_line"] == 2
    assert "old_name" not in by_line["TSL-BTN-0231"]


HEADERS = {kind: ",".join(KINDS[kind].template_columns) + "\n" for kind in KINDS}


@pytest.mark.parametrize(
    ("kind", "body", "line", "message"),
    [
        ("portals", "99999,,,https://abc.binhthuan.gov.vn,,,,,\n", 2,
         "[old_code] no old unit or district with code 99999 in mapping.yml (fix: an old commune's code, "
         "an old district's code, or \"<old province>/<district>\")"),
        ("portals", "22915,,,https://muine.phanthiet.binhthuan.gov.vn,,,2025-06-31,,\n", 2,
         "[last_updated] invalid date '2025-06-31': June 2025 has 30 days"),
        ("portals", "22915,,,ftp://muine.binhthuan.gov.vn,,,,,\n", 2,
         "[url] URL 'ftp://muine.binhthuan.gov.vn' has ftp:; only http and https are allowed"),
        ("portals", '22915,,,"=HYPERLINK(""http://x.vn"")",,,,,\n', 2, "[url] URL '=HYPERLINK(\"http://x.vn\")'"),
        ("portals", "22915,Phường Phú Hài,,https://muine.phanthiet.binhthuan.gov.vn,,,,,\n", 2,
         "[old_name] 'Phường Phú Hài' is not the old name of 22915 (Phường Mũi Né) (fix: check the code: "
         "the names are only read to catch a mistyped one)"),
        ("vc_endpoints", "22915,,,gov,btn.ubnd.muine,10.170.12.2,,,ok,\n", 2,
         "[status] unknown value 'ok' (fix: one of working, broken, missing)"),
        ("vc_endpoints", "22915,,,chinh quyen,btn.ubnd.muine,,,,,\n", 2,
         "[room] unknown value 'chinh quyen' (fix: one of gov, party)"),
        ("vc_endpoints", "22915,,,gov,btn.ubnd.muine,10.170.12.300,,,,\n", 2,
         "[address] invalid IPv4 address '10.170.12.300'"),
        ("vc_endpoints", "22915,,,gov,a1,10.170.12.2,,,,\n22918,,,gov,a2,10.170.12.2,,,,\n", 3,
         "[address] 10.170.12.2 is also the address of the endpoint at line 2 "
         "(fix: one of the two is wrong)"),
        ("data_lines", "22915,,,TSL-1,VNPT,40,,,active,\n22918,,,TSL-1,VNPT,40,,,active,\n", 3,
         "[line_id] the same line_id as line 2: one row per line_id (fix: remove one of them)"),
        ("data_lines", "22915,,,TSL-1,VNPT,bốn mươi,,,,\n", 2,
         "[bandwidth_mbps] 'bốn mươi' is not a whole number (fix: write digits only, e.g. 40)"),
        ("data_lines", "22915,,,TSL-1,VNPT,,,10.249.0.0/29,,\n", 2,
         "[link_prefix] 10.249.0.0/29 must be a /30 or /31 data-line link"),
        ("mail_domains", "22915,,,muine_phanthiet.binhthuan.gov.vn,,,\n", 2,
         "[domain] invalid domain name 'muine_phanthiet.binhthuan.gov.vn' (fix: ASCII labels separated by "
         "dots, e.g. muine.binhthuan.gov.vn)"),
        ("edoc_codes", "22915,,,H11.20.05,Sở Nội vụ,\n", 2,
         "[old_code] both old_code and holder given; a code has one holder"),
        ("edoc_codes", ",,,H11-20-05,Sở Nội vụ,\n", 2,
         "[edoc_code] 'H11-20-05' may only hold A-Z, 0-9 and '.' in non-empty dot-separated groups"),
        ("edoc_codes", "22915,,,H11.20.05,,\n22915,,,H11.20.07,,\n", 3,
         "[old_code] 22915 already has e-ID code H11.20.05 at line 2 (fix: one of the two is wrong)"),
        ("equipment", "22915,,,PLC-1,Polycom,22918,gov,2025-06-20,,\n", 2,
         "[handover_record] required when handover_date is given (fix: the number of the handover minutes "
         "(biên bản bàn giao))"),
        ("equipment", "22915,,,PLC-1,Polycom,,party,,,\n", 2,
         "[to_room] needs to_commune_code: the commune the item goes to"),
        ("equipment", "22915,,,PLC-1,Polycom,99999,gov,,,\n", 2,
         "[to_commune_code] no new unit with code 99999 in mapping.yml "
         "(fix: the new commune's code (mã ĐVHC))"),
        ("equipment", "22915,,,,Polycom,,,,,\n", 2, "[serial] required value missing"),
    ],
)
def test_bad_rows_are_reported_at_their_line_and_nothing_is_written(
    bt_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    kind: str, body: str, line: int, message: str,
) -> None:
    path = sheet(tmp_path, HEADERS[kind] + body)
    code, output = survey_import(capsys, bt_workspace, kind, path)
    assert code == 3
    assert f"error: {path}:{line}: {message}" in output
    assert "nothing was written" in output
    assert not register(bt_workspace, kind).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("old_code;url\n22915;https://muine.binhthuan.gov.vn\n",
         ":1: the file is separated by semicolons; mergectl reads commas"),
        ("old_code,url,website\n22915,https://muine.binhthuan.gov.vn,x\n",
         ":1: unknown column(s): 'website' (fix: allowed: old_code, url, host, cms, last_updated, contact, "
         "note, old_name, old_district)"),
        ("old_code,cms\n22915,WordPress\n",
         ":1: missing column(s): url (fix: the header needs old_code, url)"),
        ("old_code,url\n", ":1: no rows after the header: the portals survey is empty"),
        (b"old_code,url,note\n22915,https://muine.binhthuan.gov.vn,\n"
         + "22918,https://hamtien.binhthuan.gov.vn,Hàm Tiến\n".encode("cp1258", errors="replace"),
         ":3: not UTF-8 (byte 0xe0) (fix: save the sheet as 'CSV UTF-8' (Excel) or convert it"),
    ],
)
def test_sheets_that_are_not_readable_say_why(
    bt_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | bytes, message: str
) -> None:
    path = sheet(tmp_path, text)
    code, output = survey_import(capsys, bt_workspace, "portals", path)
    assert code == 3
    assert f"error: {path}{message}" in output
    assert not register(bt_workspace, "portals").exists()


def test_one_bad_row_keeps_the_good_ones_out_too(bt_workspace: Path, tmp_path: Path) -> None:
    good = (SHEETS / "portals.csv").read_text(encoding="utf-8")
    path = sheet(tmp_path, good + "22936,Phường Thanh Hải,,https://thanhhai.binhthuan.gov.vn,,,2025-02-30,,\n")
    assert main(["survey", "import", str(bt_workspace), "--kind", "portals", str(path)]) == 3
    assert not register(bt_workspace, "portals").exists()


def test_a_formula_looking_note_is_kept_as_text(bt_workspace: Path, tmp_path: Path) -> None:
    path = sheet(tmp_path, HEADERS["portals"]
                 + '22915,,,https://muine.phanthiet.binhthuan.gov.vn,,,,,"=HYPERLINK(""http://x.vn"",""bấm"")"\n')
    assert main(["survey", "import", str(bt_workspace), "--kind", "portals", str(path)]) == 0
    assert records(bt_workspace, "portals")[0]["note"] == '=HYPERLINK("http://x.vn","bấm")'


def test_a_district_sends_its_own_sheet_and_a_later_row_replaces_an_earlier_one(
    bt_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert imported(bt_workspace, "data_lines")
    capsys.readouterr()
    bac_binh = sheet(tmp_path, HEADERS["data_lines"]
                     + "23005,Thị trấn Chợ Lầu,Huyện Bắc Bình,TSL-BTN-0410,VNPT,100,,,active,nâng cấp 2025\n"
                     + "23008,Xã Phan Sơn,Huyện Bắc Bình,TSL-BTN-0415,Viettel,20,,,active,\n",
                     "bac-binh.csv")
    code, output = survey_import(capsys, bt_workspace, "data_lines", bac_binh)
    assert code == 0
    assert "2 record(s) from bac-binh.csv (1 new, 1 replaced, 3 kept)" in output
    by_line = {record["line_id"]: record for record in records(bt_workspace, "data_lines")}
    assert len(by_line) == 5
    assert by_line["TSL-BTN-0410"]["bandwidth_mbps"] == 100
    assert by_line["TSL-BTN-0410"]["source_file"] == "bac-binh.csv"
    assert by_line["TSL-BTN-0231"]["source_file"] == "data_lines.csv"
    code, output = survey_import(capsys, bt_workspace, "data_lines", bac_binh,
                       "--replace")
    assert code == 0 and "(5 earlier record(s) dropped)" in output
    assert sorted(record["line_id"] for record in records(bt_workspace, "data_lines")) == [
        "TSL-BTN-0410", "TSL-BTN-0415"]


def test_a_sheet_row_clashing_with_a_stored_record_names_the_stored_one(
    bt_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert imported(bt_workspace, "vc_endpoints")
    before = register(bt_workspace, "vc_endpoints").read_bytes()
    path = sheet(tmp_path, HEADERS["vc_endpoints"] + "22924,,,gov,btn.ubnd.phuthuy,10.170.12.2,,,,\n")
    code, output = survey_import(capsys, bt_workspace, "vc_endpoints", path)
    assert code == 3
    stored = register(bt_workspace, "vc_endpoints")
    assert (f"error: {path}:2: [address] 10.170.12.2 is also the address of the endpoint at {stored}:"
            in output)
    assert stored.read_bytes() == before


def test_template_filled_in_imports_and_unfilled_rows_are_skipped(
    bt_workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = run(capsys, "survey", "template", str(bt_workspace))
    assert code == 0
    templates = bt_workspace / "registers" / "templates"
    assert sorted(path.name for path in templates.iterdir()) == sorted(f"{kind}.csv" for kind in KINDS)
    text = (templates / "mail_domains.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeffold_code,old_name,old_district,domain,mail_host,mailboxes,note\n")
    assert text.count("\n") == 1 + 121 + 10  # header, old units, old districts
    assert "\n22915,Phường Mũi Né,Thành phố Phan Thiết,,,,\n" in text
    assert "\n593,Thành phố Phan Thiết,,,,,\n" in text
    edit_text(templates / "mail_domains.csv", "22915,Phường Mũi Né,Thành phố Phan Thiết,,,,",
              "22915,Phường Mũi Né,Thành phố Phan Thiết,muine.phanthiet.binhthuan.gov.vn,"
              "mail.binhthuan.gov.vn,24,")
    edit_text(templates / "mail_domains.csv", "593,Thành phố Phan Thiết,,,,,",
              "593,Thành phố Phan Thiết,,phanthiet.binhthuan.gov.vn,,,")
    code, output = survey_import(capsys, bt_workspace, "mail_domains", templates / "mail_domains.csv")
    assert code == 0, output
    assert ("2 record(s) from mail_domains.csv (2 new, 0 replaced, 0 kept); "
            "129 unfilled template row(s) skipped") in output
    assert [record["domain"] for record in records(bt_workspace, "mail_domains")] == [
        "muine.phanthiet.binhthuan.gov.vn", "phanthiet.binhthuan.gov.vn"]
    # An untouched template is a mistake, not an empty survey.
    code, output = survey_import(capsys, bt_workspace, "portals", templates / "portals.csv")
    assert code == 3
    assert "the portals survey: no row is filled in beyond the unit's code and names" in output


def test_only_the_kinds_asked_for_go_where_asked(bt_workspace: Path, tmp_path: Path) -> None:
    assert main(["survey", "template", str(bt_workspace), "--kind", "equipment", "--kind", "edoc_codes",
                 "-o", str(tmp_path / "out")]) == 0
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["edoc_codes.csv", "equipment.csv"]
    # Equipment is counted item by item: the sheet has a header only.
    assert (tmp_path / "out" / "equipment.csv").read_text(encoding="utf-8").count("\n") == 1


def test_a_hand_edited_register_is_checked_when_read(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert imported(bt_workspace, "portals")
    path = register(bt_workspace, "portals")
    date_line = edit_text(path, "last_updated: '2025-05-20'", "last_updated: 2025-05-32")
    key_line = edit_text(path, "cms: WordPress", "cmss: WordPress")
    capsys.readouterr()
    code, output = run(capsys, "survey", "report", str(bt_workspace))
    assert code == 3
    assert (f"error: {path}:{date_line}: [records[0].last_updated] invalid date '2025-05-32': "
            "May 2025 has 31 days") in output
    assert (f"error: {path}:{key_line}: [records[2].cmss] unknown key 'cmss' "
            "(fix: did you mean cms?)") in output
    # A new sheet is refused too while the stored register is wrong: it would be merged into it.
    code, output = survey_import(capsys, bt_workspace, "portals", SHEETS / "portals.csv")
    assert code == 3 and f"{path}:{date_line}:" in output


def test_lines_and_codes_must_agree_with_province_yml(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    province = bt_workspace / "province.yml"
    legacy = edit_text(province, "legacy_endpoints: {}",
                       'legacy_endpoints: {"22915": {line_id: "TSL-BTN-0999"}}')
    codes = edit_text(province, "  old_codes: {}",
                      '  old_codes: {"22918": "H11.20.99", "22924": "H11.20.05"}')
    code, output = survey_import(capsys, bt_workspace, "data_lines", SHEETS / "data_lines.csv")
    assert code == 3
    assert (f"error: {SHEETS / 'data_lines.csv'}:2: [line_id] 22915 has line(s) TSL-BTN-0231 here but "
            f"TSL-BTN-0999 in {province}:{legacy} (legacy_endpoints) (fix: correct the wrong one)") in output
    code, output = survey_import(capsys, bt_workspace, "edoc_codes", SHEETS / "edoc_codes.csv")
    assert code == 3
    sheet_path = SHEETS / "edoc_codes.csv"
    assert (f"error: {sheet_path}:3: [edoc_code] H11.20.05 is the e-ID code of 22924 in "
            f"{province}:{codes} (edoc.old_codes)") in output
    assert (f"error: {sheet_path}:4: [edoc_code] 22918 has e-ID code H11.20.06 here but H11.20.99 in "
            f"{province}:{codes} (edoc.old_codes)") in output
    assert not (bt_workspace / "registers" / "survey").exists()


def test_the_survey_needs_a_valid_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run(capsys, "survey", "import", str(tmp_path / "nowhere"), "--kind", "portals",
                       str(SHEETS / "portals.csv"))
    assert code == 3 and "no such workspace" in output


def test_the_fixture_workspace_is_not_changed_by_reading(rendered_binh_thuan: Path, tmp_path: Path) -> None:
    copy = tmp_path / "bt"
    shutil.copytree(rendered_binh_thuan, copy)
    assert main(["survey", "report", str(copy)]) == 0
    assert not (copy / "registers").exists()
