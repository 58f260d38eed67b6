"""The other state files are checked on load like state/allocations.yml: FILE:LINE, exit 3."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from controller.cli import main
from controller.errors import EXIT_INVALID, EXIT_OK

STAFF = Path(__file__).resolve().parent.parent / "testbed" / "demo" / "staff-communes.csv"


@pytest.fixture
def with_accounts(rendered_binh_thuan: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "bt"
    shutil.copytree(rendered_binh_thuan, copy)
    assert main(["accounts", "import", str(copy), "--staff", str(STAFF)]) == EXIT_OK
    return copy


def test_a_username_held_twice_in_accounts_yml(
    with_accounts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = with_accounts / "state" / "accounts.yml"
    text = path.read_text(encoding="utf-8")
    first = text.index("- key:")
    second = text.index("- key:", first + 1)
    uid = text[first:second].split("uid: ")[1].split("\n")[0]
    other_uid = text[second:].split("uid: ")[1].split("\n")[0]
    first_line, line = text[:first].count("\n") + 1, text[:second].count("\n") + 1
    changed = text[:second] + text[second:].replace(f"uid: {other_uid}", f"uid: {uid}", 1)
    path.write_text(changed, encoding="utf-8")
    capsys.readouterr()
    assert main(["accounts", "list", str(with_accounts)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert (
        f"{path}:{line}: username {uid} of commune 22918 is held twice "
        f"(also by the account at line {first_line}"
    ) in err
    assert main(["inventory", "-q", str(with_accounts)]) == EXIT_INVALID


def test_a_wrong_vault_password_is_a_user_error(
    with_accounts: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (with_accounts / ".vault-pass").write_text("not the password\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["accounts", "list", str(with_accounts)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert "state/accounts.vault.yml: cannot be decrypted with" in err and "internal error" not in err
