"""The lab is a package beside the product: the product's verbs import neither it nor any
code that runs podman, and `mergectl` reaches into it only to offer `mergectl lab`.

Each import is made in a fresh interpreter, since this test process has long loaded the lab."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# podman as the first word of a command line: ["podman", ...] or which("podman")
RUNS_PODMAN = re.compile(r"""[\[(]\s*["']podman["']""")


def loaded_after(script: str) -> dict[str, Any]:
    """Runs `script` in a new interpreter from the repository; its `report` (any JSON)
    comes back with `modules`: every module loaded by then -> its file under the repository."""
    epilogue = textwrap.dedent("""
        import json as _json, sys as _sys
        from pathlib import Path as _Path
        _root = _Path.cwd().resolve()
        _files = {}
        for _name, _module in list(_sys.modules.items()):
            _file = getattr(_module, "__file__", None)
            if _file and _Path(_file).resolve().is_relative_to(_root):
                _files[_name] = str(_Path(_file).resolve())
        print(_json.dumps({"report": report, "modules": _files}))
    """)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script) + epilogue],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1]))


def podman_runners(modules: dict[str, str]) -> list[str]:
    # compiled extension modules (libyaml, ...) are no source: they cannot start podman
    return sorted(
        name
        for name, file in modules.items()
        if file.endswith(".py")
        and RUNS_PODMAN.search(Path(file).read_text(encoding="utf-8", errors="replace"))
    )


def test_product_verbs_import_neither_the_lab_nor_code_that_runs_podman() -> None:
    result = loaded_after("""
        import importlib, pkgutil, sys
        import controller.commands as commands
        report = {}
        for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
            before = set(sys.modules)
            importlib.import_module(f"{commands.__name__}.{info.name}")
            report[info.name] = sorted(set(sys.modules) - before)
    """)
    verbs: dict[str, list[str]] = result["report"]
    assert "lab" not in verbs and {"apply", "inventory", "validate"} <= set(verbs)
    for verb, new_modules in verbs.items():
        lab_modules = [name for name in new_modules if name == "lab" or name.startswith("lab.")]
        assert not lab_modules, f"controller.commands.{verb} imports {lab_modules}"
    assert podman_runners(result["modules"]) == []


def test_no_module_of_the_controller_imports_the_lab_when_imported() -> None:
    """Beyond the verbs: whatever of the product a workstream or a plugin imports."""
    result = loaded_after("""
        import importlib, pkgutil
        import controller
        report = [info.name for info in pkgutil.walk_packages(controller.__path__, "controller.")]
        for name in report:
            importlib.import_module(name)
    """)
    assert {"controller.cli", "controller.run", "controller.commands.apply"} <= set(result["report"])
    assert not [name for name in result["modules"] if name == "lab" or name.startswith("lab.")]
    assert podman_runners(result["modules"]) == []


def test_the_command_line_offers_the_lab_verb_without_importing_its_podman_code() -> None:
    """Every mergectl run builds the whole parser, the lab verb's included."""
    result = loaded_after("""
        from controller.cli import build_parser
        args = build_parser().parse_args(["lab", "check", "DIR", "--limit", "muine-gw"])
        report = f"{args.handler.__module__}.{args.handler.__name__}"
    """)
    assert result["report"] == "lab.cli.run"
    modules = result["modules"]
    assert "lab.cli" in modules
    assert podman_runners(modules) == []
    assert not {"lab.podman", "lab.lifecycle", "lab.check", "lab.plumbing"} & set(modules)


def test_the_lab_check_does_load_the_podman_code_the_tests_above_look_for() -> None:
    """The detector itself: without it the two tests above would pass on any change."""
    modules = loaded_after("""
        import lab.check
        report = None
    """)["modules"]
    assert "lab.podman" in podman_runners(modules)
