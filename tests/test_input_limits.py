"""Bounded input: alias bombs, nesting, devices, oversized files and overlong lines are refused
with FILE(:LINE), exit 2, nothing written, in bounded time and memory (controller/limits.py).

Cases that would exhaust the machine if the bound were missing run the real CLI in a
subprocess under `ulimit -v`, so a regression fails the test instead of the test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from controller.cli import main
from controller.errors import EXIT_INVALID, Diagnostics
from controller.inputfiles import long_line, read_bytes
from controller.limits import LINE_MAX_BYTES, MAPPING_MAX_BYTES, STAFF_CSV_MAX_BYTES, YAML_MAX_DEPTH
from controller.yamlio import parse_yaml

ROOT = Path(__file__).resolve().parent.parent
MEMORY_KIB = 300_000  # the bound: refused under 300 MB

# Nine levels of ten aliases: 10^9 strings once expanded, 600 bytes of text.
BOMB = "".join(
    f"lol{level}: &l{level} [" + ", ".join([f"*l{level - 1}" if level else "lol"] * 10) + "]\n"
    for level in range(10)
)


def _cli_capped(*args: str, timeout: float = 120) -> tuple[int, str, float]:
    """(exit code, stderr, seconds) of `mergectl ARGS` under a virtual-memory cap."""
    command = f"ulimit -v {MEMORY_KIB}; exec \"$0\" -m controller.cli \"$@\""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    done = subprocess.run(
        ["bash", "-c", command, sys.executable, *args],
        capture_output=True, text=True, timeout=timeout, env=env, check=False,
    )
    return done.returncode, done.stderr, time.monotonic() - started


@pytest.fixture()
def workspace(bt_workspace: Path) -> Path:
    return bt_workspace


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize("name", ["province.yml", "mapping.yml"])
def test_alias_bomb_is_refused_in_bounded_time_and_memory(workspace: Path, name: str) -> None:
    path = workspace / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n", "\n", 1).rstrip("\n") + "\n" + BOMB, encoding="utf-8")
    before = _snapshot(workspace)
    bomb_line = len(text.replace("\n---\n", "\n", 1).rstrip("\n").splitlines())
    for verb in ("validate", "inventory"):
        code, err, seconds = _cli_capped(verb, str(workspace))
        assert code == EXIT_INVALID, err
        assert "aliases expand to more than 100,000 extra nodes" in err, err
        # The alias where the expansion crosses the limit, a few lines into the bomb.
        lines = [line for line in err.splitlines() if "aliases expand" in line]
        line_number = int(lines[0].split(f"{name}:")[1].split(":")[0])
        assert bomb_line < line_number <= bomb_line + 10, lines
        assert seconds < 30, seconds  # ~0.5 s; speed targets live in bench/
    assert _snapshot(workspace) == before


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.yml"
    path.write_text("a: 1\nloop: &self\n  - x\n  - *self\n", encoding="utf-8")
    data, _, diagnostics = parse_yaml(path)
    assert data is None
    assert [str(item) for item in diagnostics] == [
        f"{path}:4: alias *self refers to a collection that contains it (an endless structure) "
        "(fix: write the values out instead of the alias)"
    ]


def test_nesting_depth_is_refused_before_composing(tmp_path: Path) -> None:
    # 200,000 levels crash libyaml's recursive composer (SIGSEGV) if it ever sees them.
    path = tmp_path / "deep.yml"
    path.write_text("key:\n" + " [\n" * 200_000 + " ]\n" * 200_000, encoding="utf-8")
    data, _, diagnostics = parse_yaml(path)
    assert data is None
    # The root mapping is level 1, so the bracket on line N opens level N.
    assert [item.line for item in diagnostics] == [YAML_MAX_DEPTH + 1]
    assert f"nested more than {YAML_MAX_DEPTH} levels deep" in str(diagnostics.items[0])
    deepest = YAML_MAX_DEPTH - 1
    allowed = tmp_path / "allowed.yml"
    allowed.write_text("key:\n" + " [\n" * deepest + " ]\n" * deepest, encoding="utf-8")
    value: list = []
    for _ in range(deepest - 1):
        value = [value]
    assert parse_yaml(allowed)[0] == {"key": value}


def test_import_csv_from_dev_zero_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    code, err, _ = _cli_capped("import", "--csv", "/dev/zero", "-o", str(target))
    assert code == EXIT_INVALID, err
    assert "/dev/zero: not a regular file (a character device) (fix: give the path of a mapping CSV)" in err
    assert not target.exists()


def test_import_csv_from_an_endless_pipe_reads_only_up_to_the_limit(tmp_path: Path) -> None:
    target = tmp_path / "ws"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = (f"ulimit -v {MEMORY_KIB}; exec \"$0\" -m controller.cli import --csv <(yes 'a,b,c') "
               f"-o {target}")
    done = subprocess.run(["bash", "-c", command, sys.executable], capture_output=True, text=True,
                          timeout=120, env=env, check=False)
    assert done.returncode == EXIT_INVALID, done.stderr
    assert f"file too large: more than the {MAPPING_MAX_BYTES // 2**20}.0 MiB allowed for a mapping CSV" in (
        done.stderr
    )
    assert not target.exists()


def test_oversized_province_yml_is_refused_without_reading_it(workspace: Path) -> None:
    path = workspace / "province.yml"
    with path.open("r+b") as handle:  # sparse: 47 MB on paper, nothing on disk
        handle.truncate(47_000_000)
    started = time.monotonic()
    code, err, _ = _cli_capped("validate", str(workspace))
    assert code == EXIT_INVALID, err
    assert f"{path}: file too large: 44.8 MiB, more than the 4.0 MiB allowed for province.yml" in err
    assert time.monotonic() - started < 30


def test_oversized_staff_list_is_refused(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    staff = workspace / "staff.csv"
    staff.write_text("commune_code,full_name,position\n", encoding="utf-8")
    with staff.open("r+b") as handle:
        handle.truncate(STAFF_CSV_MAX_BYTES + 2**20)
    assert main(["accounts", "import", str(workspace), "--staff", str(staff)]) == EXIT_INVALID
    err = capsys.readouterr().err
    limit = STAFF_CSV_MAX_BYTES // 2**20
    expected = f"file too large: {limit + 1}.0 MiB, more than the {limit}.0 MiB allowed for a staff list"
    assert f"{staff}: {expected}" in err
    assert not (workspace / "state" / "accounts.yml").exists()


@pytest.mark.parametrize("where", ["province.yml", "mapping.yml"])
def test_overlong_line_in_yaml_is_refused_with_its_line(workspace: Path, where: str, capsys) -> None:
    path = workspace / where
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "# " + "x" * (LINE_MAX_BYTES + 10))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["validate", str(workspace)]) == EXIT_INVALID
    err = capsys.readouterr().err
    expected = f"line too long: {LINE_MAX_BYTES + 12:,} bytes, more than the {LINE_MAX_BYTES:,} allowed"
    assert f"{path}:4: {expected}" in err


def test_overlong_line_in_csv_and_staff_list(tmp_path: Path, workspace: Path, capsys) -> None:
    csv = tmp_path / "long.csv"
    header = "old_province,old_district,old_unit,old_code,new_province,new_unit,new_code,primary\n"
    csv.write_text(header + "a" * 100_000 + "\n", encoding="utf-8")
    assert main(["import", "--csv", str(csv), "-o", str(tmp_path / "ws")]) == EXIT_INVALID
    assert f"{csv}:2: line too long: 100,000 bytes" in capsys.readouterr().err
    assert not (tmp_path / "ws").exists()
    staff = workspace / "staff.csv"
    staff.write_text("commune_code,full_name,position\n22918,An," + "b" * 70_000 + "\n", encoding="utf-8")
    assert main(["accounts", "import", str(workspace), "--staff", str(staff)]) == EXIT_INVALID
    assert f"{staff}:2: line too long: 70,009 bytes" in capsys.readouterr().err


def test_long_line_finds_the_first_overlong_line() -> None:
    assert long_line(b"", 4) is None
    assert long_line(b"abcd\nabcd\nabcd", 4) is None
    assert long_line(b"abcd\nabcde\nab", 4) == (2, 5)
    assert long_line(b"ab\n" * 1000 + b"abcdefg", 4) == (1001, 7)
    assert long_line(b"abcdefgh", 4) == (1, 8)


def test_folders_and_missing_files(tmp_path: Path) -> None:
    diagnostics = Diagnostics()
    assert read_bytes(tmp_path, diagnostics, max_bytes=10) is None
    assert read_bytes(tmp_path / "none", diagnostics, max_bytes=10) is None
    assert [item.message for item in diagnostics] == ["is a folder, not a file", "file not found"]
