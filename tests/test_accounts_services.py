"""Service passwords: issued once, never regenerated, rendered only into their groups' vault files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from controller.accounts import accounts_state, services
from controller.accounts.vault import decrypt, vault
from controller.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!vault", lambda loader, node: loader.construct_scalar(node))


def vault_values(workspace: Path, relative: str) -> dict[str, str]:
    document = yaml.load((workspace / relative).read_text(encoding="utf-8"), Loader=_Loader)
    return {name: decrypt(vault(workspace), ciphertext) for name, ciphertext in document.items()}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "commune_code,full_name,position,role\n22918,Trần Thị Đào,Cán bộ CNTT,it_officer\n", encoding="utf-8"
    )
    assert main(["accounts", "import", str(out), "--staff", str(staff)]) == 0
    assert main(["inventory", str(out)]) == 0
    return out


def test_issue_fills_only_the_missing_services() -> None:
    state = accounts_state.AccountsState(services={"mail": "kept", "master": "kept too"})
    assert services.issue(state, lambda: "new") == ["archive"]
    assert state.services == {"mail": "kept", "master": "kept too", "archive": "new"}
    assert services.issue(state, lambda: "again") == []
    assert state.services["archive"] == "new"


def test_archive_password_reaches_the_directory_and_the_archive_only(workspace: Path) -> None:
    issued = accounts_state.load(workspace)
    assert issued is not None and len(issued.services["archive"]) >= 16
    for group in ("directory_servers", "archive_servers"):
        values = vault_values(workspace, f"group_vars/{group}/accounts_archive.vault.yml")
        assert values == {"accounts_archive_service_password": issued.services["archive"]}
    mail_side = vault_values(workspace, "group_vars/mail_servers/accounts_services.vault.yml")
    assert set(mail_side) == {"accounts_mail_service_password", "accounts_mail_master_password"}
    assert not (workspace / "group_vars" / "mail_servers" / "accounts_archive.vault.yml").exists()
    assert not (workspace / "group_vars" / "archive_servers" / "accounts_services.vault.yml").exists()
    for path in workspace.rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        assert issued.services["archive"] not in text, f"{path}: the password in clear"


def test_the_password_is_stable_across_renders_and_imports(workspace: Path, tmp_path: Path) -> None:
    first = accounts_state.load(workspace)
    assert first is not None
    rendered = {
        group: (workspace / f"group_vars/{group}/accounts_archive.vault.yml").read_text(encoding="utf-8")
        for group in ("directory_servers", "archive_servers")
    }
    assert main(["inventory", str(workspace)]) == 0
    staff = tmp_path / "more.csv"
    staff.write_text(
        "commune_code,full_name,position,role\n"
        "22918,Trần Thị Đào,Cán bộ CNTT,it_officer\n22918,Lê Văn Thành,Văn thư,staff\n",
        encoding="utf-8",
    )
    assert main(["accounts", "import", str(workspace), "--staff", str(staff)]) == 0
    assert main(["inventory", str(workspace)]) == 0
    again = accounts_state.load(workspace)
    assert again is not None and again.services == first.services
    for group, text in rendered.items():  # the same plaintext is never encrypted again
        path = workspace / f"group_vars/{group}/accounts_archive.vault.yml"
        assert path.read_text(encoding="utf-8") == text


def test_a_workspace_from_before_the_archive_gets_its_password_on_inventory(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = accounts_state.load(workspace)
    assert state is not None
    mail, master = state.services["mail"], state.services["master"]
    del state.services["archive"]
    accounts_state.save(workspace, state)
    capsys.readouterr()
    assert main(["inventory", str(workspace)]) == 0
    assert "issued the directory password of service(s) archive" in capsys.readouterr().out
    after = accounts_state.load(workspace)
    assert after is not None
    assert (after.services["mail"], after.services["master"]) == (mail, master)
    values = vault_values(workspace, "group_vars/archive_servers/accounts_archive.vault.yml")
    assert values["accounts_archive_service_password"] == after.services["archive"] != ""
    assert main(["inventory", str(workspace)]) == 0
    assert "issued" not in capsys.readouterr().out


def test_a_state_from_before_salting_waits_for_its_next_import(workspace: Path) -> None:
    """Saving a version-1 state would mark it re-keyed: only an import (with the list) migrates it."""
    from controller.accounts.vault import encrypt

    state_file = workspace / accounts_state.STATE_FILE
    secrets_file = workspace / accounts_state.SECRETS_FILE
    plain = yaml.safe_load(state_file.read_text(encoding="utf-8"))
    plain["version"] = 1
    state_file.write_text(yaml.safe_dump(plain, allow_unicode=True), encoding="utf-8")
    secret = yaml.safe_load(decrypt(vault(workspace), secrets_file.read_text(encoding="ascii")))
    document = {"people": secret["people"], "services": {"mail": "m", "master": "n"}}
    secrets_file.write_text(encrypt(vault(workspace), yaml.safe_dump(document)), encoding="ascii")
    before = (state_file.read_bytes(), secrets_file.read_bytes())
    assert main(["inventory", str(workspace)]) == 0
    assert (state_file.read_bytes(), secrets_file.read_bytes()) == before
