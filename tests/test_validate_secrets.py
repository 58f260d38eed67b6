"""`validate` tells the truth: --json, a checker that cannot run is no "valid", the secrets the
playbooks need are there; `apply` checks them first and takes vault ids; `import` writes a
.gitignore that keeps the vault password out of the province's repository."""

from __future__ import annotations

import importlib
import json
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_run_summary import FakeResult, FakeRunner, playbook

from controller.accounts import vault as vaultlib
from controller.cli import main
from controller.errors import EXIT_INTERNAL, EXIT_INVALID, EXIT_OK
from controller.run import RunRequest, run_playbook

TSIG = "vault_dns_tsig_secret"


@pytest.fixture
def workspace(rendered_binh_thuan: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "bt"
    shutil.copytree(rendered_binh_thuan, copy)
    return copy


def _add_tsig(workspace: Path, password: str | None = None) -> Path:
    """group_vars/dns_servers/vault.yml, vault-encrypted with DIR/.vault-pass (made if absent)."""
    if password is not None:
        (workspace / ".vault-pass").write_text(password + "\n", encoding="utf-8")
    vaultlib.ensure_password(workspace)
    path = workspace / "group_vars" / "dns_servers" / "vault.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(vaultlib.encrypt(vaultlib.vault(workspace), f"{TSIG}: c2VjcmV0\n"), encoding="ascii")
    return path


def _validate(workspace: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    code = main(["validate", str(workspace), "--json", *extra])
    return code, json.loads(capsys.readouterr().out)


def test_json_of_a_valid_workspace_with_its_secrets(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_tsig(workspace)
    code, result = _validate(workspace, capsys)
    assert code == EXIT_OK
    assert result["valid"] is True and result["problems"] == []
    assert result["checks"] == [
        "mapping.yml", "province.yml", "state", "integration_centre", "hq_sites", "secrets"]
    assert (result["new_units"], result["old_units"]) == (45, 121)


def test_a_missing_tsig_key_is_reported_before_any_run(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, result = _validate(workspace, capsys)
    assert code == EXIT_INVALID and result["valid"] is False
    [problem] = result["problems"]
    assert problem["file"] == str(workspace / "group_vars" / "dns_servers" / "vault.yml")
    assert problem["message"] == (
        f"{TSIG} is not defined for the DNS servers (ns1, ns2): playbooks/dns.yml needs it for zone transfers"
    )
    assert "ansible-vault encrypt_string" in problem["hint"]
    # apply refuses before ansible-runner is even imported
    assert main(["apply", str(workspace), "--playbook", "dns"]) == EXIT_INVALID
    assert "is not defined for the DNS servers" in capsys.readouterr().err


def test_no_password_and_a_wrong_password(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vault_file = _add_tsig(workspace)
    (workspace / ".vault-pass").unlink()
    code, result = _validate(workspace, capsys)
    assert code == EXIT_INVALID
    assert [p["message"] for p in result["problems"]] == [
        "no vault password: the playbooks need one to open group_vars/dns_servers/vault.yml"
    ]
    (workspace / ".vault-pass").write_text("wrong\n", encoding="utf-8")
    code, result = _validate(workspace, capsys)
    assert code == EXIT_INVALID
    assert result["problems"][0]["file"] == str(vault_file)
    assert result["problems"][0]["message"].startswith("cannot be decrypted with the vault password")


def test_a_password_client_script_instead_of_the_password_file(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_tsig(workspace, password="kept-in-the-province-safe")
    (workspace / ".vault-pass").unlink()
    script = tmp_path / "province-vault-client"
    script.write_text("#!/bin/sh\necho kept-in-the-province-safe\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    code, result = _validate(workspace, capsys, "--vault-id", f"bt@{script}")
    assert (code, result["problems"]) == (EXIT_OK, [])
    code, result = _validate(workspace, capsys, "--vault-id", "bt@prompt")
    assert code == EXIT_INVALID and "'prompt' needs a terminal" in result["problems"][0]["message"]


def test_apply_passes_vault_ids_instead_of_the_workspace_password(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "hosts.yml").write_text("all: {}\n", encoding="utf-8")
    (ws / ".vault-pass").write_text("x\n", encoding="utf-8")
    fake = FakeRunner(FakeResult(0, "successful", {}))
    run_playbook(RunRequest(workspace=ws, playbook=playbook(tmp_path), vault_ids=("bt@/srv/vault-client",)),
                 out=lambda _: None, runner=fake)
    assert fake.kwargs["cmdline"] == "--vault-id bt@/srv/vault-client"
    run_playbook(RunRequest(workspace=ws, playbook=playbook(tmp_path)), out=lambda _: None, runner=fake)
    assert fake.kwargs["cmdline"] == f"--vault-password-file {ws.resolve() / '.vault-pass'}"


def test_a_checker_that_cannot_be_imported_makes_validate_fail(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _add_tsig(workspace)
    real = importlib.import_module

    def broken(name: str, package: str | None = None) -> Any:
        if name == "controller.contrib.integration_centre":
            raise ModuleNotFoundError("No module named 'some_dependency'")
        return real(name, package)

    monkeypatch.setattr("controller.contrib.importlib.import_module", broken)
    capsys.readouterr()
    assert main(["validate", str(workspace)]) == EXIT_INTERNAL
    captured = capsys.readouterr()
    assert "valid" not in captured.out
    assert "checker controller.contrib.integration_centre cannot run (ModuleNotFoundError" in captured.err
    code, result = _validate(workspace, capsys)
    assert code == EXIT_INTERNAL and result["valid"] is False and "cannot run" in result["incomplete"]


def test_import_writes_a_gitignore_that_keeps_the_vault_password_out(tmp_path: Path) -> None:
    csv = Path(__file__).parent / "fixtures" / "import" / "small.csv"
    ws = tmp_path / "ws"
    assert main(["import", "--csv", str(csv), "-o", str(ws)]) == EXIT_OK
    subprocess.run(["git", "init", "-q", str(ws)], check=True)
    for path in (".vault-pass", "state/.lock", ".mapping.yml.ab12cd34.tmp", "reports/runs/x/stdout"):
        (ws / path).parent.mkdir(parents=True, exist_ok=True)
        (ws / path).write_text("secret\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(ws), "add", "-A"], check=True)
    staged = subprocess.run(["git", "-C", str(ws), "diff", "--cached", "--name-only"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert sorted(staged) == [".gitignore", "mapping.yml", "province.yml"]
    # a province's own lines stay; a re-import only adds what is missing
    gitignore = ws / ".gitignore"
    gitignore.write_text("/.vault-pass\n*.bak\n", encoding="utf-8")
    assert main(["import", "--csv", str(csv), "-o", str(ws)]) == EXIT_OK
    lines = gitignore.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["/.vault-pass", "*.bak"] and lines.count("/.vault-pass") == 1
    assert "/reports/runs/" in lines
