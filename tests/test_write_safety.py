"""Writes stay inside the workspace, interrupted writes leave nothing behind, user mistakes are
user errors (exit 3), never internal errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from controller.cli import main
from controller.errors import EXIT_INVALID


@pytest.fixture
def workspace(rendered_binh_thuan: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "bt"
    shutil.copytree(rendered_binh_thuan, copy, symlinks=True)
    return copy


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_host_vars_link_out_of_the_workspace_is_never_written_through(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "shared-host-vars"
    shutil.move(workspace / "host_vars", outside)
    (workspace / "host_vars").symlink_to(outside)
    # a generated file of a host that left the inventory: the render would delete it
    stale = outside / "gone-gw.yml"
    stale.write_text((outside / "muine-gw.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (outside / "muine-gw.yml").unlink()  # and one the render would create
    before, state = _tree(outside), _tree(workspace / "state")
    capsys.readouterr()
    assert main(["inventory", "-q", str(workspace)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert f"{workspace / 'host_vars'}: is a symbolic link to {outside}, outside the workspace" in err
    assert _tree(outside) == before and _tree(workspace / "state") == state


def test_a_state_link_out_of_the_workspace_is_refused_before_the_lock(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "elsewhere"
    shutil.move(workspace / "state", outside)
    (workspace / "state").symlink_to(outside)
    before = _tree(outside)
    assert main(["inventory", "-q", str(workspace)]) == EXIT_INVALID
    assert "outside the workspace" in capsys.readouterr().err
    assert _tree(outside) == before


def test_a_link_inside_the_workspace_is_fine(workspace: Path) -> None:
    shutil.move(workspace / "group_vars", workspace / "generated-group-vars")
    (workspace / "group_vars").symlink_to("generated-group-vars")
    assert main(["inventory", "-q", str(workspace)]) == 0


def test_temporary_files_of_an_interrupted_render_are_removed_by_the_next(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leftovers = [
        workspace / "host_vars" / ".muine-gw.yml.48213.tmp",  # the renderer's pattern
        workspace / "state" / ".allocations.yml.k2j4_x9q.tmp",  # atomic_write's (mkstemp)
        workspace / ".hosts.yml.77.tmp",
    ]
    for path in leftovers:
        path.write_text("half a file", encoding="utf-8")
    mine = workspace / "host_vars" / ".notes.tmp"  # not our pattern: a user's file stays
    mine.write_text("keep", encoding="utf-8")
    assert main(["inventory", str(workspace)]) == 0
    assert "removed 3 temporary file(s) left by an interrupted run" in capsys.readouterr().out
    assert not any(path.exists() for path in leftovers) and mine.exists()


def test_import_into_an_existing_file_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("mine", encoding="utf-8")
    csv = Path(__file__).parent / "fixtures" / "import" / "small.csv"
    assert main(["import", "--csv", str(csv), "-o", str(target)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert f"-o {target}: is a file, not a folder" in err and "internal error" not in err
    assert target.read_text(encoding="utf-8") == "mine"


def test_an_unwritable_report_path_is_a_user_error(
    workspace: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["plan", str(workspace), "-o", str(blocker / "plan.md")]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert "mergectl: cannot use" in err and "internal error" not in err
