"""CSV round trip and re-import: lossless export, changes listed, user files and state kept."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from controller.cli import main
from controller.errors import Diagnostics
from controller.mapping_io import _scalar, mapping_changes, mapping_to_yaml, read_mapping
from controller.sources.csvfile import read_csv, write_csv
from controller.sources.dataset import load_province, load_rows
from controller.sources.rows import build_mapping

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"


def _rows(path: Path) -> list[tuple[str, ...]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sorted(tuple(row) for row in csv.reader(handle))


def test_csv_round_trip_is_lossless(tmp_path: Path) -> None:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    assert main(["export-csv", str(out), "-o", str(tmp_path / "back.csv")]) == 0
    assert _rows(tmp_path / "back.csv") == _rows(FIXTURE)
    # Default destination is the workspace's reports folder.
    assert main(["export-csv", str(out)]) == 0
    assert _rows(out / "reports" / "mapping.csv") == _rows(FIXTURE)


def test_dataset_to_csv_and_back_gives_the_same_units(tmp_path: Path) -> None:
    mapping = load_province("Lâm Đồng", "Bình Thuận")
    write_csv(mapping, tmp_path / "bt.csv")
    again, diagnostics = read_csv(tmp_path / "bt.csv")
    assert not diagnostics and again is not None
    assert mapping_changes(mapping, again) == []
    write_csv(again, tmp_path / "bt2.csv")
    assert (tmp_path / "bt.csv").read_bytes() == (tmp_path / "bt2.csv").read_bytes()
    assert len(_rows(tmp_path / "bt.csv")) == 1 + 123  # header + 119 unsplit + 2 splits into 2 each


def test_row_order_does_not_change_mapping_yml(tmp_path: Path) -> None:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    assert main(["import", "--csv", str(FIXTURE), "-o", str(tmp_path / "a")]) == 0
    assert main(["import", "--csv", str(shuffled), "-o", str(tmp_path / "b")]) == 0
    a = (tmp_path / "a" / "mapping.yml").read_text(encoding="utf-8").replace("small.csv", "X")
    b = (tmp_path / "b" / "mapping.yml").read_text(encoding="utf-8").replace("shuffled.csv", "X")
    assert a == b


def test_reimport_lists_changes_and_keeps_user_files(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    # The engineer's own files and the allocation state.
    province = out / "province.yml"
    province.write_text(province.read_text(encoding="utf-8") + "# edited by the engineer\n", encoding="utf-8")
    (out / "state" / "allocations.yml").write_text("generation: 7\n", encoding="utf-8")
    (out / "staff").mkdir()
    (out / "staff" / "muine.csv").write_text("name\nNguyễn Văn A\n", encoding="utf-8")
    kept = {path: path.read_bytes() for path in (province, out / "state" / "allocations.yml",
                                                 out / "staff" / "muine.csv")}
    capsys.readouterr()

    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    updated = [
        lines[0],
        # new unit 22918 renamed; old unit 22921 moves to it, so 22924 disappears; 22750 is added
        lines[1].replace("Phường Mũi Né,22918", "Phường Mũi Né Mới,22918"),
        lines[2].replace("Phường Mũi Né,22918", "Phường Mũi Né Mới,22918"),
        lines[3].replace("Phường Phú Thủy,22924,yes", "Phường Mũi Né Mới,22918,yes"),
        lines[4], lines[5], lines[6],
        "Bình Thuận,Huyện Tuy Phong,Xã Phước Thể,22750,Lâm Đồng,Xã Tuy Phong,22750,",
    ]
    new_csv = tmp_path / "updated.csv"
    new_csv.write_text("\n".join(updated) + "\n", encoding="utf-8")
    assert main(["import", "--csv", str(new_csv), "-o", str(out)]) == 0
    output = capsys.readouterr().out
    assert "~ new unit 22918 renamed: Phường Mũi Né -> Phường Mũi Né Mới" in output
    assert "- new unit 22924 Phường Phú Thủy (removed)" in output
    assert "+ new unit 22750 Xã Tuy Phong (added)" in output
    assert "> old unit 22921 Phường Phú Hài moved: 22924* -> 22918*" in output
    assert "+ old unit 22750 Xã Phước Thể -> 22750* (added)" in output
    assert "kept" in output and "province.yml" in output
    for path, content in kept.items():
        assert path.read_bytes() == content, path
    mapping, diagnostics = read_mapping(out / "mapping.yml")
    assert not diagnostics and mapping is not None and "22924" not in mapping.new_units

    capsys.readouterr()
    assert main(["import", "--csv", str(new_csv), "-o", str(out)]) == 0
    assert "no changes since the previous mapping" in capsys.readouterr().out


def test_failed_reimport_leaves_workspace_untouched(tmp_path: Path) -> None:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    bad = tmp_path / "bad.csv"
    bad.write_text(FIXTURE.read_text(encoding="utf-8").replace(",yes\n", ",si\n", 1), encoding="utf-8")
    assert main(["import", "--csv", str(bad), "-o", str(out)]) == 3
    assert {path: path.read_bytes() for path in out.rglob("*") if path.is_file()} == before


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30))
def test_mapping_yml_scalars_read_back_unchanged(text: str) -> None:
    assert yaml.safe_load(f"key: {_scalar(text)}\n")["key"] == text


_BT_ROWS = load_rows("Lâm Đồng", "Bình Thuận")
_BT_YAML = mapping_to_yaml(build_mapping(list(_BT_ROWS), Diagnostics(), {"kind": "test"}))


@settings(max_examples=25, deadline=None)
@given(st.permutations(_BT_ROWS))
def test_mapping_does_not_depend_on_row_order(rows: list) -> None:
    diagnostics = Diagnostics()
    mapping = build_mapping(list(rows), diagnostics, {"kind": "test"})
    assert not diagnostics and mapping is not None
    assert mapping_to_yaml(mapping) == _BT_YAML
