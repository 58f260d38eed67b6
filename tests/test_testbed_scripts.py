"""The README's two commands and CI's entry point: what they run, in which order, and how they fail."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_ci_runs_exactly_the_readme_test_command() -> None:
    lines = [
        line for line in (REPO / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")
    ]
    assert lines[-1] == "exec scripts/test.sh"
    assert (REPO / ".ci" / "run").stat().st_mode & 0o111


def test_the_suite_lists_lints_then_every_scenario_testbed_first() -> None:
    steps = subprocess.run(
        [REPO / "scripts" / "test.sh", "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert steps[:6] == ["setup", "ruff", "pytest", "yamllint", "ansible-lint", "shellcheck"]
    scenarios = sorted(
        p.parent.name for p in (REPO / "molecule").glob("*/molecule.yml") if p.parent.name != "_shared"
    )
    molecule = [step.removeprefix("molecule:") for step in steps if step.startswith("molecule:")]
    assert sorted(molecule) == scenarios and molecule[0] == "testbed"


def test_an_unknown_only_filter_fails_before_doing_anything() -> None:
    done = subprocess.run(
        [REPO / "scripts" / "test.sh", "--only", "molecule:no-such-scenario"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "matches no step" in done.stderr and "==> setup" not in done.stdout


def test_scripts_are_executable_and_strict() -> None:
    for name in ("setup.sh", "test.sh", "demo.sh"):
        script = REPO / "scripts" / name
        assert script.stat().st_mode & 0o111, name
        assert script.read_text().startswith("#!/usr/bin/env bash\n"), name
        assert "set -" in script.read_text(), name
