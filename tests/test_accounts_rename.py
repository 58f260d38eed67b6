"""`accounts rename`: a wrong username that never reached a server is corrected, the old one quarantined."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from controller.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"
# As version 1 issued it: the Kinh reading of an Ê Đê name (the issue's first case).
ISSUED_WRONG = "commune_code,full_name,position,username\n22918,Y Ngông Niê Kdăm,Chuyên viên,kdamynn\n"
PLAIN_LIST = "commune_code,full_name,position\n22918,Y Ngông Niê Kdăm,Chuyên viên\n"
RENAME = ["--unit", "22918", "--from", "kdamynn", "--to", "yngongnk"]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    staff = tmp_path / "wrong.csv"
    staff.write_text(ISSUED_WRONG, encoding="utf-8")
    assert main(["accounts", "import", str(out), "--staff", str(staff)]) == 0
    return out


def accounts(workspace: Path) -> list[dict]:
    return yaml.safe_load((workspace / "state" / "accounts.yml").read_text(encoding="utf-8"))["accounts"]


def rename(workspace: Path, capsys, *extra: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["accounts", "rename", str(workspace), *RENAME, *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def record_run(workspace: Path, playbook: str, *, check: bool = False, started: str = "2099-01-01") -> None:
    folder = workspace / "reports" / "runs" / f"20990101T000000Z-{playbook}"
    folder.mkdir(parents=True)
    summary = {"playbook": f"/repo/playbooks/{playbook}.yml", "status": "successful", "rc": 0, "check": check,
               "started": started}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")


def test_a_never_used_username_is_renamed_and_the_old_one_quarantined(
    workspace: Path, tmp_path: Path, capsys
) -> None:
    code, output = rename(workspace, capsys)
    assert code == 0, output
    assert "renamed kdamynn -> yngongnk in commune 22918; quarantined kdamynn@muine.lamdong.gov.vn" in output
    [account] = accounts(workspace)
    assert account["uid"] == "yngongnk" and account["renamed_from"] == ["kdamynn"]
    capsys.readouterr()
    assert main(["quarantine", "list", str(workspace), "--json"]) == 0
    items = json.loads(capsys.readouterr().out)["items"]
    assert [(i["kind"], i["value"], i["owner"]) for i in items] == [
        ("account", "kdamynn@muine.lamdong.gov.vn", "22918")
    ]
    # The list without the override now keeps the corrected name, without a note.
    staff = tmp_path / "plain.csv"
    staff.write_text(PLAIN_LIST, encoding="utf-8")
    assert main(["accounts", "import", str(workspace), "--staff", str(staff)]) == 0
    assert "note:" not in capsys.readouterr().out
    # The old name is never issued again, not even to someone it fits.
    staff.write_text(
        "commune_code,full_name,position,given_name\n22918,Y Ngông Niê Kdăm,Chuyên viên,\n"
        "22918,Y Nam Niê Kdăm,Văn thư,Kdăm\n",
        encoding="utf-8",
    )
    assert main(["accounts", "import", str(workspace), "--staff", str(staff)]) == 0
    assert sorted(a["uid"] for a in accounts(workspace)) == ["kdamynn2", "yngongnk"]
    assert main(["inventory", "-q", str(workspace)]) == 0
    rendered = (workspace / "group_vars" / "all" / "accounts.yml").read_text(encoding="utf-8")
    assert "yngongnk@muine.lamdong.gov.vn" in rendered and "kdamynn@" not in rendered


def test_a_username_in_the_rendered_inventory_needs_allow_rendered(workspace: Path, capsys) -> None:
    assert main(["inventory", "-q", str(workspace)]) == 0
    before = (workspace / "state" / "accounts.yml").read_bytes()
    code, output = rename(workspace, capsys)
    assert code == 4
    assert "kdamynn@muine.lamdong.gov.vn is in the rendered inventory (group_vars/all/accounts.yml)" in output
    assert "--allow-rendered" in output
    assert (workspace / "state" / "accounts.yml").read_bytes() == before
    assert rename(workspace, capsys, "--allow-rendered")[0] == 0


@pytest.mark.parametrize("playbook", ["mail", "site"])
def test_a_username_a_recorded_run_may_have_applied_is_never_renamed(
    workspace: Path, capsys, playbook: str
) -> None:
    record_run(workspace, playbook)
    code, output = rename(workspace, capsys, "--allow-rendered")
    assert code == 4
    assert f"kdamynn@muine.lamdong.gov.vn may be in use: reports/runs/20990101T000000Z-{playbook}" in output
    assert accounts(workspace)[0]["uid"] == "kdamynn"


@pytest.mark.parametrize(
    ("playbook", "check", "started"),
    [("mail", True, "2099-01-01"), ("dns", False, "2099-01-01"), ("mail", False, "2000-01-01T00:00")],
)
def test_runs_that_cannot_have_applied_it_do_not_count(
    workspace: Path, capsys, playbook: str, check: bool, started: str
) -> None:
    record_run(workspace, playbook, check=check, started=started)
    assert rename(workspace, capsys)[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "nobody", "--to", "yngongnk"], "no account 'nobody' in commune 22918"),
        (["--from", "kdamynn", "--to", "postmaster"], "is a reserved role or system mailbox"),
        (["--from", "kdamynn", "--to", "Y"], "is shorter than 2 characters"),
        (["--from", "kdamynn", "--to", "kdamynn"], "is, or was, issued in commune 22918"),
        (["--old-district", "--from", "a", "--to", "bb"], "names no single old district"),
    ],
)
def test_bad_renames_are_invalid_input(workspace: Path, capsys, args: list[str], message: str) -> None:
    capsys.readouterr()
    unit = ["--unit", "Huyện Không Có"] if "--old-district" in args else ["--unit", "22918"]
    assert main(["accounts", "rename", str(workspace), *unit, *args]) == 3
    assert message in capsys.readouterr().err


def test_a_renamed_name_cannot_be_taken_back(workspace: Path, capsys) -> None:
    assert rename(workspace, capsys)[0] == 0
    capsys.readouterr()
    back = ["--unit", "22918", "--from", "yngongnk", "--to", "kdamynn"]
    assert main(["accounts", "rename", str(workspace), *back]) == 3
    assert "'kdamynn' is, or was, issued in commune 22918" in capsys.readouterr().err


def test_a_username_override_for_an_issued_account_points_at_rename(
    workspace: Path, tmp_path: Path, capsys
) -> None:
    staff = tmp_path / "override.csv"
    staff.write_text(ISSUED_WRONG.replace(",kdamynn", ",yngongnk"), encoding="utf-8")
    capsys.readouterr()
    assert main(["accounts", "import", str(workspace), "--staff", str(staff)]) == 3
    err = capsys.readouterr().err
    assert f"{staff}:2: username 'yngongnk' requested, but 'kdamynn' was issued" in err
    assert "mergectl accounts rename DIR --unit 22918 --from kdamynn --to yngongnk" in err
