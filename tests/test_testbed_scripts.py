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


def test_the_suite_lists_lints_and_the_collection_then_every_scenario_testbed_first() -> None:
    steps = subprocess.run(
        [REPO / "scripts" / "test.sh", "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert steps[:7] == ["setup", "ruff", "pytest", "yamllint", "ansible-lint", "shellcheck", "collection"]
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


FAKE_MERGECTL = """#!/usr/bin/env bash
echo "mergectl $*" >>"$FAKE_LOG"
for verb in $FAKE_MISSING_VERBS; do
  if [ "$1" = "$verb" ]; then echo "mergectl: error: invalid choice: '$1'" >&2; exit 3; fi
done
exit 0
"""


def _demo(tmp_path: Path, missing_verbs: str = "", site_playbook: bool = True) -> tuple[int, str, str, str]:
    """scripts/demo.sh run in a copy of the repository whose setup, mergectl and ansible-vault are
    stand-ins: the demo's own logic, without containers.
    (exit code, stdout, stderr, the mergectl calls other than `VERB --help`)"""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / "playbooks").mkdir()
    (repo / "scripts" / "demo.sh").write_text((REPO / "scripts" / "demo.sh").read_text())
    stand_ins = {
        "scripts/setup.sh": "#!/usr/bin/env bash\nexit 0\n",
        ".venv/bin/mergectl": FAKE_MERGECTL,
        ".venv/bin/ansible-vault": "#!/usr/bin/env bash\necho 'vault_dns_tsig_secret: !vault |'\n",
    }
    for name, text in stand_ins.items():
        (repo / name).write_text(text)
    for name in ("scripts/demo.sh", *stand_ins):
        (repo / name).chmod(0o755)
    if site_playbook:
        (repo / "playbooks" / "site.yml").write_text("---\n")
    log = tmp_path / "calls.log"
    log.touch()
    done = subprocess.run(
        [repo / "scripts" / "demo.sh", tmp_path / "ws"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "FAKE_LOG": str(log), "FAKE_MISSING_VERBS": missing_verbs},
        timeout=60,
    )
    calls = [line for line in log.read_text().splitlines() if not line.endswith(" --help")]
    return done.returncode, done.stdout, done.stderr, "\n".join(calls)


def test_the_demo_passes_when_every_step_runs(tmp_path: Path) -> None:
    code, out, err, calls = _demo(tmp_path)
    assert code == 0, err
    assert "MISSING" not in out + err and "skipped" not in out
    for verb in ("plan", "lab up", "apply", "lab check", "report"):
        assert f"mergectl {verb} " in calls


def test_a_missing_verb_fails_the_demo_after_the_other_steps(tmp_path: Path) -> None:
    code, out, err, calls = _demo(tmp_path, missing_verbs="plan")
    assert code != 0
    assert "plan: MISSING (no 'mergectl plan' verb)" in err
    assert "demo: FAILED: 1 step(s) could not run" in err and "  plan (no 'mergectl plan' verb)" in err
    assert "mergectl report" in calls  # the rest still ran and shows in the table
    assert "MISSING: no 'mergectl plan' verb" in out


def test_a_missing_playbook_fails_the_demo(tmp_path: Path) -> None:
    code, _, err, calls = _demo(tmp_path, site_playbook=False)
    assert code != 0 and "apply site (lab) (no playbooks/site.yml)" in err
    assert "mergectl apply" not in calls


def test_a_missing_lab_verb_fails_the_demo_and_skips_what_needs_the_lab(tmp_path: Path) -> None:
    code, out, err, calls = _demo(tmp_path, missing_verbs="lab")
    assert code != 0 and "lab up (no 'mergectl lab' verb)" in err
    assert "lab check: skipped (the lab did not come up)" in out
    assert "mergectl apply" not in calls


def test_a_missing_inventory_verb_stops_the_demo(tmp_path: Path) -> None:
    code, _, err, calls = _demo(tmp_path, missing_verbs="inventory")
    assert code == 1 and "inventory: MISSING (no 'mergectl inventory' verb)" in err
    assert "mergectl plan" not in calls
