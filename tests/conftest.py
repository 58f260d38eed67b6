"""Fixtures shared by several test modules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from controller.cli import main


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


def edit_text(path: Path, old: str, new: str) -> int:
    """Replace the first `old` by `new` in a file; the line number where `new` starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1
