"""Fixtures shared by several test modules."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from controller.cli import main

ROOT = Path(__file__).resolve().parent.parent


def load_source(name: str, path: Path) -> ModuleType:
    """A file that is no importable module (a role's script, a plugin), loaded under `name`."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def rendered_binh_thuan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Bình Thuận part of Lâm Đồng (45 new communes from 121 old units), imported,
    validated and rendered once per run from the real dataset. Read-only: copy it
    (shutil.copytree) before changing anything."""
    root = tmp_path_factory.mktemp("rendered") / "bt"
    province = ["--province", "Lâm Đồng", "--only-old-province", "Bình Thuận"]
    imported = main(["import", *province, "-o", str(root)])
    assert imported == 0
    assert main(["validate", str(root)]) == 0
    assert main(["inventory", "-q", str(root)]) == 0
    return root


@pytest.fixture()
def bt_workspace(rendered_binh_thuan: Path, tmp_path: Path) -> Path:
    """A private copy of the rendered Bình Thuận workspace, for tests that change it."""
    copy = tmp_path / "bt"
    shutil.copytree(rendered_binh_thuan, copy)
    return copy


def write_input(tmp_path: Path, text: str | bytes, name: str) -> Path:
    """An input file as a person would hand it over: UTF-8 text, or the exact bytes given (a
    cp1258 sheet, a NUL byte)."""
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def edit_text(path: Path, old: str, new: str) -> int:
    """Replace the first `old` by `new` in a file; the line number where `new` starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def outside_env(**extra: str) -> dict[str, str]:
    """The environment of a process that is not this checkout: no controller on the Python path, no
    ANSIBLE_* settings of ours, and this venv's tools first on PATH."""
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("ANSIBLE_")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_FORCE_COLOR="false",
        ANSIBLE_NOCOLOR="true",
        **extra,
    )
    return env


@pytest.fixture(scope="session")
def built_collection(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """scripts/build-collection.sh into a temporary folder: tree/ and dist/ (the tarball)."""
    import subprocess

    repo = ROOT
    out = tmp_path_factory.mktemp("collection")
    done = subprocess.run(
        [
            str(repo / "scripts" / "build-collection.sh"),
            "--tree",
            str(out / "tree"),
            "--output",
            str(out / "dist"),
        ],
        capture_output=True,
        text=True,
        cwd=repo,
        env=outside_env(),
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="session")
def installed_collection(built_collection: Path) -> Path:
    """The tarball installed offline into an empty path; returns that path (ANSIBLE_COLLECTIONS_PATH)."""
    import subprocess
    import sys

    target = built_collection / "installed"
    target.mkdir()
    (tarball,) = (built_collection / "dist").glob("*.tar.gz")
    galaxy = Path(sys.executable).with_name("ansible-galaxy")
    done = subprocess.run(
        [str(galaxy), "collection", "install", "--offline", str(tarball), "-p", str(target)],
        capture_output=True,
        text=True,
        cwd=built_collection,
        env=outside_env(),
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def plan_tasks_yaml(**due: str) -> str:
    """A `tasks:` block of plan 2495's tasks as a province writes it, with some dates changed
    (`in_service="2025-08-01"`)."""
    import yaml

    from controller.tasks.plan2495 import DEFAULT_TASKS

    items = []
    for task in DEFAULT_TASKS:
        item: dict[str, object] = {
            "id": task.id,
            "title": task.title.as_dict(),
            "agency": task.agency.as_dict(),
            "workstream": task.workstream,
        }
        if task.after is not None:
            item["after"] = {"task": task.after.anchor, "days": task.after.days}
        else:
            item["due"] = due.get(task.id, task.due.isoformat() if task.due else None)
        if task.adjusted_due is not None:
            item["adjusted_due"] = task.adjusted_due.isoformat()
        if task.per_commune:
            item["per_commune"] = True
        items.append(item)
    return yaml.safe_dump({"tasks": items}, allow_unicode=True, sort_keys=False)


def set_task_dates(province: Path, **due: str) -> None:
    """Give province.yml plan 2495's task list with some dates changed."""
    with province.open("a", encoding="utf-8") as handle:
        handle.write("\n" + plan_tasks_yaml(**due))


@pytest.fixture()
def lab_check_runs(monkeypatch: pytest.MonkeyPatch) -> list:
    """`lab check` with only the lab clients' part (the control node's part, `mergectl check`,
    has its own tests): the results it would write to check.json are kept here instead."""
    from types import SimpleNamespace

    from lab import check as lab_check

    runs: list = []

    def keep(workspace: Path, run: object) -> Path:
        runs.append(run)
        return workspace / "state" / "check.json"

    nothing = SimpleNamespace(results=[], commune_labels={})
    monkeypatch.setattr(lab_check, "control_node_check", lambda *_args: nothing)
    monkeypatch.setattr(lab_check, "write_check", keep)
    return runs
