"""execution-environment.yml: ansible-builder makes its build context (building the image needs the
base image's registry, PyPI and Galaxy, and is not part of the tests), with the versions the suite
runs against."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
ANSIBLE_BUILDER = Path(sys.executable).with_name("ansible-builder")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def test_ansible_builder_creates_the_build_context(tmp_path: Path) -> None:
    assert ANSIBLE_BUILDER.exists(), (
        "ansible-builder is in requirements-dev.txt (scripts/setup.sh installs it)"
    )
    context = tmp_path / "context"
    done = subprocess.run(
        [ANSIBLE_BUILDER, "create", "--file", "execution-environment.yml", "--context", context],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    pinned = pins(REPO / "requirements.txt")
    refs = f"ansible-core=={pinned['ansible-core']} ansible-runner=={pinned['ansible-runner']}"
    assert f'ANSIBLE_INSTALL_REFS="{refs}"' in containerfile
    assert "ENV LANG=C.UTF-8 LC_ALL=C.UTF-8" in containerfile
    build = context / "_build"
    assert (build / "requirements.yml").read_text() == (REPO / "requirements.yml").read_text()
    assert (build / "requirements.txt").read_text() == (REPO / "requirements-ee.txt").read_text()
    assert (build / "bindep.txt").read_text() == (REPO / "bindep.txt").read_text()


def test_the_execution_environment_takes_the_pinned_versions() -> None:
    definition = yaml.safe_load((REPO / "execution-environment.yml").read_text(encoding="utf-8"))
    assert definition["version"] == 3
    pinned = pins(REPO / "requirements.txt")
    for name, wanted in pins(REPO / "requirements-ee.txt").items():
        assert pinned.get(name) == wanted, name
    for key in ("ansible_core", "ansible_runner"):
        package, version = definition["dependencies"][key]["package_pip"].split("==")
        assert pinned[package] == version
