"""`accounts import` on a staff list of Kinh and Central Highlands names: the preview, the guard, properties.

The people are invented; the names are realistic for the communes of Lâm Đồng (which now holds
Đắk Nông's M'nông and the Cơ Ho) and Đắk Lắk. Communes: the small test mapping's 22918 and 22924.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from controller.accounts.accounts_state import COMMUNE, AccountsState
from controller.accounts.reconcile import apply_staff
from controller.accounts.staff import StaffRow
from controller.accounts.usernames import RESERVED
from controller.cli import main
from controller.errors import Diagnostics

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"
HEADER = "commune_code,full_name,position,role,given_name\n"
STAFF = [
    ("22918", "Nguyễn Thanh Phương", "Chuyên viên Văn phòng", "staff", ""),
    ("22918", "Nguyễn Quang Vinh", "Công chức Văn hoá - Xã hội (phụ trách CNTT)", "it_officer", ""),
    ("22918", "Nguyễn Quốc Vinh", "Văn thư", "staff", ""),
    ("22918", "Y Khuê Niê", "Công chức Tư pháp - Hộ tịch", "staff", ""),
    ("22918", "H'Lan Mlô", "Chuyên viên Bộ phận một cửa", "staff", ""),
    ("22918", "Ksor H'Phin", "Công chức Địa chính", "staff", ""),
    ("22918", "Nay Y Ngơn", "Chỉ huy trưởng Quân sự", "staff", ""),
    ("22918", "Rơ Chăm Yuh", "Công an viên", "staff", ""),
    ("22918", "Điểu K'Lơi", "Công chức Văn hoá", "staff", ""),
    ("22918", "Đỗ Thị Hằng Buôn Krông", "Kế toán", "staff", "Hằng"),  # no rule can place it: given_name
    ("22924", "Trần Thị Đào", "Công chức Văn hoá - Xã hội (phụ trách CNTT)", "it_officer", ""),
    ("22924", "A Lưu", "Chuyên viên", "staff", ""),
    ("22924", "Y Nhơn", "Văn thư", "staff", ""),
    ("22924", "Ka Nhung", "Kế toán", "staff", ""),
    ("22924", "Kra Zan K'Brơi", "Công chức Địa chính", "staff", ""),
    ("22924", "Phạm Thị Hồng Nhung", "Chuyên viên Bộ phận một cửa", "staff", ""),
]
EXPECTED = {
    ("22918", "phuongnt"), ("22918", "vinhnq"), ("22918", "vinhnq2"), ("22918", "ykhuen"), ("22918", "hlanm"),
    ("22918", "hphink"), ("22918", "yngonn"), ("22918", "yuhrc"), ("22918", "kloid"), ("22918", "hangdtbk"),
    ("22924", "daott"), ("22924", "aluu"), ("22924", "ynhon"), ("22924", "kanhung"), ("22924", "kbroikz"),
    ("22924", "nhungpth"),
}


def csv_of(rows: list[tuple[str, ...]]) -> str:
    return HEADER + "".join(",".join(row) + "\n" for row in rows)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    return out


def run(workspace: Path, tmp_path: Path, body: str, capsys, *extra: str) -> tuple[int, str, str]:
    staff = tmp_path / "staff.csv"
    staff.write_text(body, encoding="utf-8")
    capsys.readouterr()
    code = main(["accounts", "import", str(workspace), "--staff", str(staff), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_dry_run_prints_the_table_it_would_write(workspace: Path, tmp_path: Path, capsys) -> None:
    code, out, _ = run(workspace, tmp_path, csv_of(STAFF), capsys, "--dry-run")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["commune", "commune_name", "full_name", "username", "action", "how", "note"]
    assert re.search(r"^22918\s+Phường Mũi Né\s+Nay Y Ngơn\s+yngonn\s+issue\s+highlands marker$", out, re.M)
    assert re.search(r"^22918\s+Phường Mũi Né\s+Rơ Chăm Yuh\s+yuhrc\s+issue\s+jrai clan first$", out, re.M)
    assert re.search(r"^22918\s+.*Nguyễn Quốc Vinh\s+vinhnq2\s+issue\s+kinh order$", out, re.M)
    assert re.search(r"Đỗ Thị Hằng Buôn Krông\s+hangdtbk\s+issue\s+given_name$", out, re.M)
    summary = "2 unit(s): 16 username(s) issued, 0 kept, 0 re-enabled, 0 disabled"
    assert lines[-1] == f"dry run: {summary}; nothing written"
    assert not (workspace / "state" / "accounts.yml").exists()


def test_json_gives_the_same_table(workspace: Path, tmp_path: Path, capsys) -> None:
    code, out, _ = run(workspace, tmp_path, csv_of(STAFF), capsys, "--dry-run", "--json")
    assert code == 0
    document = json.loads(out)
    assert document["dry_run"] is True and document["written"] is False and document["refused"] == []
    assert document["summary"] == {"units": 2, "issued": 16, "kept": 0, "reenabled": 0, "disabled": 0}
    assert {(row["commune"], row["username"]) for row in document["accounts"]} == EXPECTED
    row = next(row for row in document["accounts"] if row["username"] == "hphink")
    assert row == {
        "commune": "22918", "commune_name": "Phường Mũi Né", "full_name": "Ksor H'Phin", "username": "hphink",
        "action": "issue", "how": "highlands marker", "note": "", "line": 7,
    }


def test_the_real_import_issues_what_the_dry_run_showed(workspace: Path, tmp_path: Path, capsys) -> None:
    _, preview, _ = run(workspace, tmp_path, csv_of(STAFF), capsys, "--dry-run", "--json")
    code, out, _ = run(workspace, tmp_path, csv_of(STAFF), capsys, "--json")
    assert code == 0
    written = json.loads(out)
    assert written["written"] is True
    assert written["accounts"] == json.loads(preview)["accounts"]
    code, out, _ = run(workspace, tmp_path, csv_of(STAFF), capsys, "--dry-run", "--json")
    assert {row["action"] for row in json.loads(out)["accounts"]} == {"keep"}


def test_a_one_row_list_for_a_commune_of_26_is_refused(workspace: Path, tmp_path: Path, capsys) -> None:
    given_names = [
        "An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hạnh", "Hoa", "Hùng", "Khánh", "Lan", "Long", "Mai",
        "Minh", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vân", "Yến", "Xuân",
    ]
    everyone = [
        ("22918", f"Nguyễn Văn {name}", f"Chuyên viên {number}", "staff", "")
        for number, name in enumerate(given_names)
    ]
    assert run(workspace, tmp_path, csv_of(everyone), capsys)[0] == 0
    before = (workspace / "state" / "accounts.yml").read_bytes()
    for extra in ((), ("--dry-run",)):
        code, out, err = run(workspace, tmp_path, csv_of(everyone[:1]), capsys, *extra)
        assert code == 4
        assert "refused: commune 22918 (Phường Mũi Né): the list would disable 25 of its 26 enabled" in err
        assert "--allow-disable" in err
        assert (workspace / "state" / "accounts.yml").read_bytes() == before
    assert out.count(" disable") == 25  # the dry run still shows whom
    code, out, _ = run(workspace, tmp_path, csv_of(everyone[:1]), capsys, "--dry-run", "--json")
    assert code == 4 and json.loads(out)["refused"] == [
        "commune 22918 (Phường Mũi Né): the list would disable 25 of its 26 enabled accounts (96 %)"
    ]
    assert run(workspace, tmp_path, csv_of(everyone[:1]), capsys, "--allow-disable")[0] == 0
    # Below the threshold, or fewer than 3: applied without the flag.
    assert run(workspace, tmp_path, csv_of(everyone), capsys)[0] == 0  # all back (re-enabled)
    assert run(workspace, tmp_path, csv_of(everyone[:19]), capsys)[0] == 0  # 7 of 26 = 27 %
    assert run(workspace, tmp_path, csv_of(everyone[:17]), capsys)[0] == 0  # 2 of 19


def test_small_communes_lose_two_people_without_a_flag(workspace: Path, tmp_path: Path, capsys) -> None:
    three = STAFF[10:13]
    assert run(workspace, tmp_path, csv_of(three), capsys)[0] == 0
    assert run(workspace, tmp_path, csv_of(three[:1]), capsys)[0] == 0  # 2 of 3: fewer than 3


def test_the_issue_list_of_names(workspace: Path, tmp_path: Path, capsys) -> None:
    """Every case at the top of issue 14, as a staff list."""
    rows = [
        ("22918", "Y Ngông Niê Kdăm", "Chuyên viên", "staff", ""),
        ("22918", "H'Hen Niê", "Văn thư", "staff", ""),
        ("22918", "Ksor H'Bla", "Kế toán", "staff", ""),
        ("22918", "Nay Y Blang", "Công an viên", "staff", ""),
    ]
    code, out, _ = run(workspace, tmp_path, csv_of(rows), capsys, "--dry-run", "--json")
    assert code == 0
    assert {row["full_name"]: row["username"] for row in json.loads(out)["accounts"]} == {
        "Y Ngông Niê Kdăm": "yngongnk", "H'Hen Niê": "hhenn", "Ksor H'Bla": "hblak", "Nay Y Blang": "yblangn",
    }
    for name, position, message in [
        ("Abuse", "X", "'abuse', is a reserved role or system mailbox"),
        ("Postmaster", "X", "'postmaster', is a reserved role or system mailbox"),
        ("Y", "X", "'y', is shorter than 2 characters"),
    ]:
        code, _, err = run(workspace, tmp_path, csv_of([("22918", name, position, "staff", "")]), capsys)
        assert code == 3 and ":2: the username derived from the name" in err and message in err
    body = "commune_code,full_name,position,username\n22918,Lê Văn Thành,X,root\n"
    code, _, err = run(workspace, tmp_path, body, capsys)
    assert code == 3 and "username 'root' is a reserved role or system mailbox" in err
    # A zero-width space from a web form: the same person, not a second account.
    pasted = [("22918", "Nguyễn Thanh\u200bPhương", "Chuyên viên Văn phòng", "staff", "")]
    assert run(workspace, tmp_path, csv_of(STAFF[:1]), capsys)[0] == 0
    code, out, _ = run(workspace, tmp_path, csv_of(pasted), capsys, "--dry-run", "--json")
    assert [(row["username"], row["action"]) for row in json.loads(out)["accounts"]] == [("phuongnt", "keep")]


def test_a_kept_username_the_rule_would_now_give_differently_gets_a_note(
    workspace: Path, tmp_path: Path, capsys
) -> None:
    body = "commune_code,full_name,position,username\n22918,Y Ngông Niê Kdăm,Chuyên viên,kdamynn\n"
    assert run(workspace, tmp_path, body, capsys)[0] == 0  # as version 1 issued it
    row = ("22918", "Y Ngông Niê Kdăm", "Chuyên viên", "staff", "")
    code, out, _ = run(workspace, tmp_path, csv_of([row]), capsys)
    assert code == 0
    assert "staff.csv:2: note: the list now gives 'yngongnk' for 'kdamynn'" in out
    assert "mergectl accounts rename DIR --unit 22918 --from kdamynn --to yngongnk" in out


# --- properties over the whole list ---

def issue(rows: list[tuple[str, str, str, str, str]]) -> dict[tuple[str, str], str]:
    """(unit, identity) -> username, through the reconciler."""
    staff = [
        StaffRow(line=i + 2, unit=u, full_name=n, position=p, role=r, given_name=g)
        for i, (u, n, p, r, g) in enumerate(rows)
    ]
    diagnostics = Diagnostics()
    outcome = apply_staff(
        AccountsState(secret="s"), staff, COMMUNE, path=Path("s.csv"), diagnostics=diagnostics,
        date="2025-07-01", password=lambda: "x",
    )
    assert not diagnostics
    keys = {row.identity: row for row in staff}
    by_key = {outcome.state.key(COMMUNE, identity): identity for identity in keys}
    return {(a.unit, by_key[a.key]): a.uid for a in outcome.state.accounts}


@settings(max_examples=40, deadline=None)
@given(st.permutations(STAFF))
def test_usernames_are_valid_unique_unreserved_and_independent_of_row_order(order) -> None:
    issued = issue(list(order))
    assert issued == issue(STAFF)
    per_unit = [(unit, uid) for (unit, _), uid in issued.items()]
    assert len(per_unit) == len(set(per_unit)) == len(STAFF)
    for _, uid in per_unit:
        # a mail local part (RFC 5321 atom) and an LDAP uid (RFC 4519): lowercase a-z, 0-9, 2-32
        assert re.fullmatch(r"[a-z][a-z0-9]{1,31}", uid) and uid not in RESERVED
    assert set(per_unit) == EXPECTED
