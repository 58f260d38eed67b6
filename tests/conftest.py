"""Fixtures shared by several test modules."""

from __future__ import annotations

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
