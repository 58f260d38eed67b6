"""Every role README's "Role Variables" section is what meta/argument_specs.yml says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))

import role_variables  # noqa: E402


def test_every_role_readme_matches_its_argument_specs() -> None:
    assert role_variables.stale_roles() == [], "run: .venv/bin/python scripts/role_variables.py --write"


def test_every_role_has_argument_specs_and_a_readme() -> None:
    for role in sorted((REPO / "roles").iterdir()):
        assert (role / "meta" / "argument_specs.yml").is_file(), role.name
        assert (role / "README.md").is_file(), role.name


def test_a_changed_spec_makes_the_check_fail(tmp_path: Path, monkeypatch) -> None:
    role = tmp_path / "roles" / "demo"
    (role / "meta").mkdir(parents=True)
    (role / "meta" / "argument_specs.yml").write_text(
        "argument_specs:\n  main:\n    options:\n"
        "      demo_port: {type: int, default: 53, description: A <port>.}\n"
    )
    (role / "README.md").write_text("# demo\n")
    monkeypatch.setattr(role_variables, "ROLES", tmp_path / "roles")
    assert role_variables.stale_roles() == ["demo"]
    (role / "README.md").write_text(role_variables.updated_readme(role))
    assert role_variables.stale_roles() == []
    assert "| `demo_port` | int | `53` | A &lt;port&gt;. |" in (role / "README.md").read_text()
    (role / "meta" / "argument_specs.yml").write_text(
        "argument_specs:\n  main:\n    options:\n"
        "      demo_port: {type: int, default: 5353, description: A port.}\n"
    )
    assert role_variables.stale_roles() == ["demo"]


def test_the_check_command_exits_non_zero_on_a_stale_readme() -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "role_variables.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == (1 if role_variables.stale_roles() else 0), done.stderr
