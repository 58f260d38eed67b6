"""Staff CSV problems: every one reported as FILE:LINE, exit 3, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_input

from controller.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"
HEADER = "commune_code,full_name,position,role,personal_email,phone\n"


@pytest.fixture(scope="module")
def mapping_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ws") / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    return out


def run_import(
    workspace: Path, staff: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str]:
    code = main(["accounts", "import", str(workspace), "--staff", str(staff), *extra])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def write(tmp_path: Path, text: str | bytes, name: str = "staff.csv") -> Path:
    return write_input(tmp_path, text, name)


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("22918,,Chuyên viên,staff,,\n", 2, "full_name is empty"),
        (
            "22918,Nguyễn Văn An,Chuyên viên,staff,,\n99999,Trần Bình,Văn thư,staff,,\n",
            3,
            "unknown commune code",
        ),
        (
            "22918,Nguyễn Văn An,Chuyên viên,staff,,\n22918,Nguyễn  Văn An,Chuyên viên,staff,,\n",
            3,
            "the same person as line 2",
        ),
        ("22918,' - .,Chuyên viên,staff,,\n", 2, "strips to nothing"),
        ("22918,Nguyễn Văn An,,staff,,\n", 2, "position is empty"),
        ("22918,Nguyễn Văn An,Chuyên viên,boss,,\n", 2, "unknown role"),
        ("22918,Nguyễn Văn An,Chuyên viên,staff,not-an-email,\n", 2, "personal_email"),
        ("22918,Nguyễn Văn An,Chuyên viên,staff,,\n\n22918,Lê B,X,staff,,,extra\n", 4, "7 fields"),
    ],
)
def test_bad_rows_are_reported_with_file_and_line(
    mapping_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, line: int, message: str
) -> None:
    staff = write(tmp_path, HEADER + body)
    code, output = run_import(mapping_only, staff, capsys)
    assert code == 3
    assert f"{staff}:{line}:" in output and message in output
    assert not (mapping_only / "state" / "accounts.yml").exists()
    assert not (mapping_only / ".vault-pass").exists()


def test_bad_encoding_points_at_the_line(mapping_only: Path, tmp_path: Path, capsys) -> None:
    body = (
        HEADER + "22918,Nguyễn Văn An,Chuyên viên,staff,,\n"
    ).encode() + "22918,Trần Thị Đào,Văn thư,staff,,\n".encode("cp1258", errors="replace")
    staff = write(tmp_path, body)
    code, output = run_import(mapping_only, staff, capsys)
    assert code == 3 and f"{staff}:3:" in output and "not UTF-8" in output


def test_binary_and_empty_files(mapping_only: Path, tmp_path: Path, capsys) -> None:
    code, output = run_import(mapping_only, write(tmp_path, b"\x00\x01PK", "bin.csv"), capsys)
    assert code == 3 and "bin.csv:1:" in output
    code, output = run_import(mapping_only, write(tmp_path, "", "empty.csv"), capsys)
    assert code == 3 and "empty.csv:1:" in output
    code, output = run_import(mapping_only, write(tmp_path, HEADER, "header.csv"), capsys)
    assert code == 3 and "no rows after the header" in output


def test_header_problems(mapping_only: Path, tmp_path: Path, capsys) -> None:
    code, output = run_import(mapping_only, write(tmp_path, "commune,full_name,position\n1,a,b\n"), capsys)
    assert code == 3 and "missing column(s): commune_code" in output
    assert "unknown column(s): 'commune'" in output


def test_all_problems_at_once_and_no_personal_data_in_messages(
    mapping_only: Path, tmp_path: Path, capsys
) -> None:
    staff = write(tmp_path, HEADER + "99999,Nguyễn Văn An,Chuyên viên,staff,,\n22918,,X,staff,,abc\n")
    code, output = run_import(mapping_only, staff, capsys)
    assert code == 3 and f"{staff}:2:" in output and f"{staff}:3:" in output and "phone" in output
    assert "Nguyễn" not in output


def test_bom_is_accepted(mapping_only: Path, tmp_path: Path, capsys) -> None:
    staff = write(tmp_path, ("\ufeff" + HEADER + "22918,Nguyễn Văn An,Chuyên viên,staff,,\n").encode("utf-8"))
    code, output = run_import(mapping_only, staff, capsys, "--dry-run")
    assert code == 0, output
    assert "1 username(s) issued" in output
    assert not (mapping_only / "state" / "accounts.yml").exists()


def test_username_override_is_validated(mapping_only: Path, tmp_path: Path, capsys) -> None:
    staff = write(tmp_path, "commune_code,full_name,position,username\n22918,Y Ngông Niê Kdăm,X,Ngong!\n")
    code, output = run_import(mapping_only, staff, capsys)
    assert code == 3 and f"{staff}:2:" in output and "username" in output


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("22918,Kđoh Ngưn,Chuyên viên,,", "cannot tell the given name in full_name"),
        ("22918,Y Lê H'Mai,Chuyên viên,,", "several gender markers"),
        ("22918,Abuse,Chuyên viên,,", "'abuse', is a reserved role or system mailbox"),
        ("22918,Postmaster,Chuyên viên,,", "'postmaster', is a reserved role or system mailbox"),
        ("22918,Y,Chuyên viên,,", "'y', is shorter than 2 characters"),
        ("22918,Lê Văn Thành,Chuyên viên,,root", "username 'root' is a reserved role or system mailbox"),
        ("22918,Lê Văn Thành,Chuyên viên,,x", "username 'x' is shorter than 2 characters"),
        ("22918,Y Ngông Niê Kdăm,Chuyên viên,Thành,", "the given name is not a part of the full name"),
    ],
)
def test_names_and_usernames_that_cannot_be_issued(
    mapping_only: Path, tmp_path: Path, capsys, row: str, message: str
) -> None:
    staff = write(tmp_path, "commune_code,full_name,position,given_name,username\n" + row + "\n")
    code, output = run_import(mapping_only, staff, capsys)
    assert code == 3 and f"{staff}:2:" in output and message in output, output
    assert not (mapping_only / "state" / "accounts.yml").exists()


def test_a_refused_highland_name_is_accepted_with_given_name(
    mapping_only: Path, tmp_path: Path, capsys
) -> None:
    staff = write(tmp_path, "commune_code,full_name,position,given_name\n22918,Kđoh Ngưn,Chuyên viên,Ngưn\n")
    code, output = run_import(mapping_only, staff, capsys, "--dry-run")
    assert code == 0, output


def test_unknown_old_district(mapping_only: Path, tmp_path: Path, capsys) -> None:
    staff = write(tmp_path, "district,full_name,position\nHuyện Không Có,Lê Văn Thành,Chánh văn phòng\n")
    code, output = run_import(mapping_only, staff, capsys, "--old-district")
    assert code == 3 and f"{staff}:2:" in output and "unknown old district" in output
