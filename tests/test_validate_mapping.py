"""`mergectl validate DIR` on mapping.yml problems: FILE:LINE [key]: message, exit 2, nothing written."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from controller.cli import main
from controller.errors import InvalidInput, UserError
from controller.validate import validate_workspace
from controller.workspace import Workspace

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"


@pytest.fixture(scope="module")
def template_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tpl") / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    return out


@pytest.fixture
def workspace(template_workspace: Path, tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    shutil.copytree(template_workspace, out)
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    return {str(path.relative_to(folder)): path.read_bytes() for path in files}


def _validate(workspace: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    before = _snapshot(workspace)
    code = main(["validate", str(workspace)])
    assert _snapshot(workspace) == before, "validate must write nothing"
    return code, capsys.readouterr().err


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line and not line.startswith("#"):
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(needle)


def test_fresh_import_validates(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = _snapshot(workspace)
    assert main(["validate", str(workspace)]) == 0
    assert _snapshot(workspace) == before
    assert "valid (mapping.yml, province.yml" in capsys.readouterr().out


def test_yaml_syntax_error_has_line(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = workspace / "mapping.yml"
    line = _line_of(mapping, "name: Phường Phú Thủy")
    _edit(mapping, "name: Phường Phú Thủy", "name: [Phường Phú Thủy")
    code, err = _validate(workspace, capsys)
    assert code == 3
    assert f"{mapping}:" in err and "YAML syntax error" in err
    reported = int(err.split(f"{mapping}:")[1].split(":")[0])
    assert line <= reported <= line + 2


def test_unquoted_code_and_bad_primary(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = workspace / "mapping.yml"
    code_line = _line_of(mapping, "- code: '22924'")
    _edit(mapping, "- code: '22924'", "- code: 22924")
    primary_line = _line_of(mapping, "primary: true", 3)  # Phường Phú Hài under 22924
    text = mapping.read_text(encoding="utf-8").splitlines()
    text[primary_line - 1] = text[primary_line - 1].replace("primary: true", "primary: yes please")
    mapping.write_text("\n".join(text) + "\n", encoding="utf-8")
    code, err = _validate(workspace, capsys)
    assert code == 3
    assert f"{mapping}:{code_line}: [new_units[1].code] code 22924 must be quoted text" in err
    assert (f"{mapping}:{primary_line}: [new_units[1].formed_from[0].primary] "
            "primary must be true or false, got 'yes please'") in err


def test_split_with_two_primaries_in_yaml(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = workspace / "mapping.yml"
    # Xã Tân Thuận (23269) is split; make the non-primary entry primary too.
    text = mapping.read_text(encoding="utf-8")
    assert text.count("primary: false") == 1
    mapping.write_text(text.replace("primary: false", "primary: true"), encoding="utf-8")
    code, err = _validate(workspace, capsys)
    assert code == 3
    first = _line_of(mapping, "- code: '23269'", 2)  # occurrence 1 is the new unit 23269 itself
    second = _line_of(mapping, "- code: '23269'", 3)
    assert (f"{mapping}:{first}: [new_units[2].formed_from[0]] old unit 23269 (Xã Tân Thuận) is split "
            f"between 2 new units [23269 (line {first}), 23272 (line {second})] "
            "and 2 of them are marked primary") in err


def test_same_old_code_two_names(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = workspace / "mapping.yml"
    second = _line_of(mapping, "name: Xã Tân Thuận", 3)  # new unit name, then the two old-unit entries
    text = mapping.read_text(encoding="utf-8").splitlines()
    text[second - 1] = text[second - 1].replace("Xã Tân Thuận", "Xã Tân Thuận Mới")
    mapping.write_text("\n".join(text) + "\n", encoding="utf-8")
    code, err = _validate(workspace, capsys)
    assert code == 3
    first = _line_of(mapping, "- code: '23269'", 2)  # the first entry of old unit 23269 (new unit 23269)
    assert (f"{mapping}:{second - 1}: [new_units[3].formed_from[0]] old code 23269 is named "
            f"'Xã Tân Thuận Mới' here but 'Xã Tân Thuận' at line {first}") in err


def test_unknown_key_and_missing_field(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = workspace / "mapping.yml"
    line = _line_of(mapping, "district: Huyện Phú Quý")
    _edit(mapping, "district: Huyện Phú Quý", "distrcit: Huyện Phú Quý")
    code, err = _validate(workspace, capsys)
    assert code == 3
    assert f"{mapping}:{line}: [new_units[4].formed_from[0].distrcit] unknown key 'distrcit'" in err
    assert f"{mapping}:{line - 2}: [new_units[4].formed_from[0]] district is missing or empty" in err


@pytest.mark.parametrize(("content", "message"), [
    (b"", "file is empty"),
    (b"\x00\x01\x02", "file is binary"),
    (b"format: 1\nprovince: L\xe2m\n", "2: not valid UTF-8"),
    (b"- just\n- a list\n", "mapping.yml must be a mapping"),
    (b"format: 1\nformat: 2\n", "duplicate key 'format'"),
])
def test_unreadable_mapping(content: bytes, message: str, workspace: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    (workspace / "mapping.yml").write_bytes(content)
    code, err = _validate(workspace, capsys)
    assert code == 3
    assert str(workspace / "mapping.yml") in err and message in err, err


def test_nfd_mapping_is_valid(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import unicodedata

    mapping = workspace / "mapping.yml"
    text = mapping.read_text(encoding="utf-8")
    lines = text.splitlines()
    # Spell every other line in NFD: the names are the same units.
    mixed = [unicodedata.normalize("NFD", line) if index % 2 else line for index, line in enumerate(lines)]
    mapping.write_text("\n".join(mixed) + "\n", encoding="utf-8")
    code, err = _validate(workspace, capsys)
    assert code == 0, err


def test_validate_missing_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope")]) == 3
    assert "no such workspace" in capsys.readouterr().err


def test_validate_workspace_api_and_lock(workspace: Path) -> None:
    mapping, province, diagnostics = validate_workspace(Workspace(workspace))
    assert not diagnostics and mapping is not None and province is not None
    assert len(mapping.new_units) == 5
    ws = Workspace(workspace)
    held_elsewhere = pytest.raises(UserError, match="another mergectl is working on")
    with ws.lock(), held_elsewhere, Workspace(workspace).lock():
        pass
    with ws.lock():  # released after use
        pass
    (workspace / "mapping.yml").write_text("format: 2\n", encoding="utf-8")
    with pytest.raises(InvalidInput):
        ws.load_mapping()
    assert os.path.exists(ws.lock_path)
