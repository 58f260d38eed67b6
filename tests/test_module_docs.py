"""Every custom module's documentation renders with ansible-doc, from library/ as ansible.cfg uses it.

A description line that YAML reads as a mapping ("a preview: diff ...") or a flow mapping cut at a
comma once broke `ansible-doc bind_zone` and `decommission_verify`'s option text; every module must
also say what check mode and diff mode do (attributes) and show EXAMPLES and RETURN. The same
documentation, from the built collection, is checked in tests/test_collection.py and by ansible-test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
MODULES = sorted(path.stem for path in (REPO / "library").glob("*.py"))
ANSIBLE_DOC = str(Path(sys.executable).with_name("ansible-doc"))


def ansible_doc(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANSIBLE_FORCE_COLOR": "false", "ANSIBLE_NOCOLOR": "true"}
    return subprocess.run(
        [ANSIBLE_DOC, *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )


@cache
def documented() -> dict[str, Any]:
    done = ansible_doc("-M", "library", "-t", "module", "--json", *MODULES)
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def texts(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_every_module_is_checked() -> None:
    assert {
        "bind_zone",
        "directory_sync",
        "decommission_journal",
        "decommission_snapshot",
        "decommission_verify",
        "release_journal",
    } <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_the_module_renders_without_error(module: str) -> None:
    done = ansible_doc("-M", "library", "-t", "module", module)
    assert done.returncode == 0, done.stderr
    assert "[ERROR]" not in done.stderr and "[WARNING]" not in done.stderr, done.stderr
    assert f"MODULE {module}" in done.stdout.replace("\x1b[1m", "").replace("\x1b[0m", "")


@pytest.mark.parametrize("module", MODULES)
def test_the_module_documents_check_and_diff_mode_examples_and_return(module: str) -> None:
    entry = documented()[module]
    doc = entry["doc"]
    for mode in ("check_mode", "diff_mode"):
        assert doc["attributes"][mode]["support"] in ("full", "partial", "none"), (module, mode)
    assert entry["examples"].strip(), f"{module}: no EXAMPLES"
    assert entry["return"], f"{module}: no RETURN"
    # Every text is text: a ": " or a "{a, b}" in a plain YAML scalar turns it into a mapping.
    for where, item in [
        ("description", doc["description"]),
        *((f"option {name}", option["description"]) for name, option in doc["options"].items()),
        *((f"return {name}", value["description"]) for name, value in entry["return"].items()),
    ]:
        assert all(isinstance(line, str) for line in texts(item)), f"{module} {where}: {item!r}"


def test_the_strategy_plugin_renders() -> None:
    done = ansible_doc("-t", "strategy", "mergectl_linear")
    assert done.returncode == 0 and "[ERROR]" not in done.stderr, done.stderr
