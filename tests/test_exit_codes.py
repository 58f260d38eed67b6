"""One exit-code table for every verb; closed pipes and usage errors are no internal errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from controller.cli import build_parser, main
from controller.errors import (
    EXIT_CHANGES,
    EXIT_CODES,
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_REFUSED,
)

REPO = Path(__file__).resolve().parent.parent
STAFF = REPO / "testbed" / "demo" / "staff-communes.csv"


def test_every_code_has_one_meaning_and_is_in_the_help() -> None:
    codes = [code for code, _ in EXIT_CODES]
    assert len(codes) == len(set(codes))
    assert (EXIT_INTERNAL, EXIT_CHANGES, EXIT_INVALID, EXIT_REFUSED, EXIT_FAILED) == (1, 2, 3, 4, 5)
    assert EXIT_INTERRUPTED == 130
    epilog = build_parser().format_help()
    for code, text in EXIT_CODES:
        assert f"{code:>3}  {text}" in epilog


def test_a_usage_error_is_invalid_input_not_changes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["plan", "--no-such-option", "x"])
    assert raised.value.code == EXIT_INVALID
    assert "unrecognized arguments" in capsys.readouterr().err
    with pytest.raises(SystemExit) as raised:
        main(["no-such-verb"])
    assert raised.value.code == EXIT_INVALID


def test_ctrl_c_is_interrupted_not_internal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("controller.commands.validate.validate_workspace", interrupted)
    (tmp_path / "mapping.yml").write_text("x: 1\n", encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == EXIT_INTERRUPTED


class _ClosedPipe:
    """A stdout whose reader went away after the first line."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        if self.lines > 1:
            raise BrokenPipeError(32, "Broken pipe")
        return len(text)

    def flush(self) -> None:
        if self.lines > 1:
            raise BrokenPipeError(32, "Broken pipe")


def test_accounts_import_into_a_closed_pipe_finishes_quietly(
    rendered_binh_thuan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workspace = tmp_path / "bt"
    shutil.copytree(rendered_binh_thuan, workspace)
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["accounts", "import", str(workspace), "--staff", str(STAFF)]) == 0
    assert "internal error" not in capsys.readouterr().err
    state = yaml.safe_load((workspace / "state" / "accounts.yml").read_text(encoding="utf-8"))
    assert state  # the state was written in full before and after the pipe closed


def test_a_real_closed_pipe_exits_zero_without_a_traceback(rendered_binh_thuan: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "bt"
    shutil.copytree(rendered_binh_thuan, workspace)
    reader, writer = os.pipe()
    os.close(reader)  # like `| head` that has already exited: every write gets EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "controller.cli", "plan", str(workspace)],
            stdout=writer, stderr=subprocess.PIPE, text=True, check=False,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
    finally:
        os.close(writer)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
