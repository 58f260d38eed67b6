"""`mergectl sites template|import`: the HQ addresses and contacts the districts of Bình Thuận send."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import edit_text

from controller.cli import main
from controller.errors import EXIT_INVALID, EXIT_OK

FIXTURES = Path(__file__).parent / "fixtures" / "sites"
SHEET = FIXTURES / "hq-sites-phanthiet.csv"


def _register(workspace: Path) -> dict:
    return yaml.safe_load((workspace / "registers" / "hq-sites.yml").read_text(encoding="utf-8"))


def _share_hq(workspace: Path, *codes: str) -> int:
    """List communes in shared_hq; the line of the first."""
    listed = "".join(f'  - "{code}"\n' for code in codes)
    return edit_text(workspace / "province.yml", "shared_hq: []\n", f"shared_hq:\n{listed}") + 1


def test_template_has_a_row_per_commune_and_site(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _share_hq(bt_workspace, "23272")  # Đặc khu Phú Quý: one building
    assert main(["sites", "template", str(bt_workspace)]) == EXIT_OK
    target = bt_workspace / "reports" / "hq-sites-template.csv"
    assert capsys.readouterr().out == (
        f"wrote {target}: 89 site(s) of 45 communes, 89 without a postal address\n")
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["commune_code", "commune_name", "site", "hq", "postal_address", "contact_name",
                             "contact_phone", "contact_email", "note"]
    assert [(row["commune_code"], row["commune_name"], row["site"], row["hq"]) for row in rows[:2]] == [
        ("22918", "Phường Mũi Né", "hq", "Trụ sở Ủy ban nhân dân"),
        ("22918", "Phường Mũi Né", "party", "Trụ sở Đảng ủy"),
    ]
    assert [(row["site"], row["hq"]) for row in rows if row["commune_code"] == "23272"] == [
        ("hq", "Trụ sở chung Đảng ủy và Ủy ban nhân dân")]
    # the template, filled in by nobody, imports as nothing
    assert main(["sites", "import", str(bt_workspace), str(target)]) == EXIT_OK
    assert "0 site(s): 0 new, 0 updated, 0 unchanged; 89 row(s) not filled in" in capsys.readouterr().out
    assert not (bt_workspace / "registers" / "hq-sites.yml").exists()


def test_import_merges_by_commune_and_site(bt_workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sites", "import", str(bt_workspace), str(SHEET)]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"{SHEET}: 7 site(s): 7 new, 0 updated, 0 unchanged; 1 row(s) not filled in\n" in out
    assert "hq-sites.yml: written; 7 of 90 sites have a postal address\n" in out
    sites = _register(bt_workspace)["sites"]
    assert sorted(sites) == ["22918", "22924", "22933", "22945"] and sorted(sites["22933"]) == ["hq"]
    assert {key: value for key, value in sites["22918"]["party"].items() if key != "imported"} == {
        "postal_address": "Số 2 Huỳnh Tấn Phát, khu phố 3, phường Mũi Né",
        "contact_name": "Lê Thị Mai",
        "contact_phone": "0913 456 789",
        "note": "chỉ trong giờ hành chính",
        "source": "hq-sites-phanthiet.csv:3",
    }
    # a second sheet: one address corrected, one site added, the rest kept as they were
    second = bt_workspace / "hamthang.csv"
    second.write_text(
        "commune_code,site,postal_address,contact_phone\n"
        '22933,party,"Số 7 Lê Duẩn, phường Hàm Thắng",0252 3862 011\n'
        '22945,hq,"Số 1 Nguyễn Tất Thành, phường Phan Thiết, tỉnh Lâm Đồng",\n'
        '22918,hq,"Số 10 Nguyễn Đình Chiểu, khu phố 5, phường Mũi Né",\n', encoding="utf-8")
    assert main(["sites", "import", str(bt_workspace), str(second)]) == EXIT_OK
    # Mũi Né's People's Committee: the same address, no contact columns: nothing to change
    assert "3 site(s): 1 new, 1 updated, 1 unchanged" in capsys.readouterr().out
    sites = _register(bt_workspace)["sites"]
    assert sites["22933"]["party"]["source"] == "hamthang.csv:2"
    assert sites["22945"]["hq"]["postal_address"].endswith("tỉnh Lâm Đồng")
    assert sites["22945"]["hq"]["source"] == "hamthang.csv:3"
    # a sheet of addresses never erases the contacts an earlier sheet gave (blank or absent columns)
    assert sites["22945"]["hq"]["contact_name"] == "Võ Thị Thu Hà"
    assert sites["22945"]["hq"]["contact_phone"] == "0252.3822.350"
    assert sites["22918"]["hq"]["contact_name"] == "Trần Văn Hùng"
    assert sites["22924"]["hq"]["contact_name"] == "Nguyễn Thanh Phương"  # not in the sheet: kept
    # the same sheet again changes nothing, not even the file
    before = (bt_workspace / "registers" / "hq-sites.yml").read_bytes()
    assert main(["sites", "import", str(bt_workspace), str(second)]) == EXIT_OK
    assert "0 new, 0 updated, 3 unchanged" in capsys.readouterr().out
    assert (bt_workspace / "registers" / "hq-sites.yml").read_bytes() == before
    # the template now carries what is known
    assert main(["sites", "template", str(bt_workspace)]) == EXIT_OK
    template = bt_workspace / "reports" / "hq-sites-template.csv"
    with template.open(encoding="utf-8-sig", newline="") as handle:
        rows = {(row["commune_code"], row["site"]): row for row in csv.DictReader(handle)}
    assert rows[("22924", "hq")]["contact_email"] == "phuongnt@phuthuy.lamdong.gov.vn"
    assert rows[("23272", "party")]["postal_address"] == ""


def test_bad_rows_are_reported_at_their_line_and_nothing_is_written(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared_line = _share_hq(bt_workspace, "22933")
    bad = bt_workspace / "bad.csv"
    shutil.copy(FIXTURES / "hq-sites-bad.csv", bad)
    assert main(["sites", "import", str(bt_workspace), str(bad)]) == EXIT_INVALID
    province = bt_workspace / "province.yml"
    assert capsys.readouterr().err.splitlines() == [
        f"error: {bad}:2: unknown commune code '22919' "
        "(fix: a new commune's code (mã ĐVHC) as in mapping.yml)",
        f"error: {bad}:3: commune_name 'Phường Hàm Tiến' is not the name of commune 22918 (Phường Mũi Né) "
        "(fix: check the commune_code of this row)",
        f"error: {bad}:4: commune 22918 (Phường Mũi Né) has no site 'ubnd' (fix: its sites: hq, party)",
        f"error: {bad}:5: commune 22933 (Phường Hàm Thắng) has one HQ for both committees "
        f"({province}:{shared_line} shared_hq): it has no site party "
        "(fix: put the address on its hq row, or take the commune out of shared_hq)",
        f"error: {bad}:6: contact_phone '0252 38 21 455 ext 3' is not a phone number "
        "(fix: digits with spaces, dots or dashes, e.g. 0252 3822 123 or +84 252 3822 123)",
        f"error: {bad}:6: contact_email 'phuongnt@' is not an e-mail address",
        f"error: {bad}:7: site hq of commune 22924 is also on line 6 "
        "(fix: keep one row per commune and site)",
        f"error: {bad}:8: hq 'Trụ sở Ủy ban nhân dân' does not name site party's HQ (Trụ sở Đảng ủy) "
        "(fix: leave the hq column as the template wrote it, or empty)",
        f"error: {bad}:9: postal_address is empty",
        "mergectl: 9 problem(s); nothing was written",
    ]
    assert not (bt_workspace / "registers").exists()


def test_a_bad_sheet_leaves_the_register_as_it_was(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sites", "import", str(bt_workspace), str(SHEET)]) == EXIT_OK
    before = (bt_workspace / "registers" / "hq-sites.yml").read_bytes()
    bad = bt_workspace / "one-bad-row.csv"
    pasted = "Thôn Lạc Trị, xã Tuyên Quang " * 12  # a cell pasted over and over
    bad.write_text("commune_code,site,postal_address,contact_email\n"
                   '22963,hq,"Thôn Lạc Trị, xã Tuyên Quang",\n'
                   '22969,hq,"Số 4 Nguyễn Huệ, xã Liên Hương",tam.nguyen@@lienhuong\n'
                   f'22963,party,"{pasted}",\n', encoding="utf-8")
    capsys.readouterr()
    assert main(["sites", "import", str(bt_workspace), str(bad)]) == EXIT_INVALID
    assert capsys.readouterr().err.splitlines() == [
        f"error: {bad}:3: contact_email 'tam.nguyen@@lienhuong' is not an e-mail address",
        f"error: {bad}:4: postal_address is 347 characters long (at most 300)",
        "mergectl: 2 problem(s); nothing was written"]
    assert (bt_workspace / "registers" / "hq-sites.yml").read_bytes() == before


def test_an_address_given_twice_differently_names_both_places(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    province = bt_workspace / "province.yml"
    site_line = edit_text(province, "sites: {}\n", 'sites:\n  "22918":\n'
                          '    - {name: hq, postal_address: "Số 12 Nguyễn Đình Chiểu, phường Mũi Né"}\n'
                          '    - {name: party}\n') + 2
    assert main(["sites", "import", str(bt_workspace), str(SHEET)]) == EXIT_INVALID
    assert capsys.readouterr().err.splitlines()[0] == (
        f"error: {SHEET}:2: postal_address 'Số 10 Nguyễn Đình Chiểu, khu phố 5, phường Mũi Né' differs from "
        f"'Số 12 Nguyễn Đình Chiểu, phường Mũi Né' in {province}:{site_line} "
        "[sites.22918[0].postal_address] (fix: keep one of the two: correct this one, or remove the address "
        "from province.yml)")
    # the same address in both (spacing and case aside) is no conflict; province.yml's is the site's
    edit_text(province, "Số 12 Nguyễn Đình Chiểu, phường Mũi Né",
              "số 10  Nguyễn Đình Chiểu, khu phố 5, phường Mũi Né")
    assert main(["sites", "import", str(bt_workspace), str(SHEET)]) == EXIT_OK
    # province.yml changed afterwards: validate names the register's line and province.yml's
    edit_text(province, "số 10  Nguyễn", "Số 14 Nguyễn")
    register = bt_workspace / "registers" / "hq-sites.yml"
    line = register.read_text(encoding="utf-8").splitlines().index("    hq:") + 2
    capsys.readouterr()
    assert main(["inventory", "-q", str(bt_workspace)]) == EXIT_INVALID
    assert capsys.readouterr().err.splitlines()[0] == (
        f"error: {register}:{line}: [sites.22918.hq.postal_address] postal_address 'Số 10 Nguyễn Đình Chiểu, "
        f"khu phố 5, phường Mũi Né' differs from 'Số 14 Nguyễn Đình Chiểu, khu phố 5, phường Mũi Né' in "
        f"{province}:{site_line} [sites.22918[0].postal_address] (fix: keep one of the two: correct this "
        "one, or remove the address from province.yml)")


def test_hand_edits_of_the_register_are_checked(
    bt_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sites", "import", str(bt_workspace), str(SHEET)]) == EXIT_OK
    register = bt_workspace / "registers" / "hq-sites.yml"
    typo = edit_text(register, "      contact_name: Trần Văn Hùng", "      contact_nmae: Trần Văn Hùng")
    phone = edit_text(register, "contact_phone: 0913 456 789", "contact_phone: call Mai")
    edit_text(register, "  '22945':", "  '22946':")
    gone = register.read_text(encoding="utf-8").splitlines().index("  '22946':") + 1
    capsys.readouterr()
    assert main(["sites", "template", str(bt_workspace)]) == EXIT_INVALID
    assert capsys.readouterr().err.splitlines() == [
        f"error: {register}:{typo}: [sites.22918.hq.contact_nmae] unknown key 'contact_nmae'; did you mean "
        "'contact_name'? (fix: rename it to contact_name)",
        f"error: {register}:{phone}: [sites.22918.party.contact_phone] contact_phone 'call Mai' is not a "
        "phone number (fix: digits with spaces, dots or dashes, e.g. 0252 3822 123 or +84 252 3822 123)",
        f"error: {register}:{gone}: [sites.22946] unknown commune code '22946' "
        "(fix: a new commune's code (mã ĐVHC) as in mapping.yml)",
        "mergectl: 3 problem(s); nothing was written",
    ]
    assert not (bt_workspace / "reports" / "hq-sites-template.csv").exists()
