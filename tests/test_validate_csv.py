"""Every bad CSV input gives its FILE:LINE message, exit code 2, and nothing is written."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from controller.cli import main
from controller.sources.csvfile import read_csv

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"
HEADER = "old_province,old_district,old_unit,old_code,new_province,new_unit,new_code,primary"
GOOD = FIXTURE.read_text(encoding="utf-8").splitlines()  # GOOD[n] is file line n+1; GOOD[4:6] is a split


def _import(
    tmp_path: Path, text: str | bytes, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, Path, Path]:
    source = tmp_path / "in.csv"
    if isinstance(text, str):
        source.write_text(text, encoding="utf-8")
    else:
        source.write_bytes(text)
    out = tmp_path / "ws"
    code = main(["import", "--csv", str(source), "-o", str(out)])
    return code, capsys.readouterr().err, source, out


def _lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


BAD_CASES = {
    "duplicate row": (
        _lines(*GOOD, GOOD[1]),
        [(8, "duplicate row: old unit 22915 -> new unit 22918 is already at line 2")],
    ),
    "split without primary": (
        _lines(*GOOD[:4], GOOD[4].replace(",yes", ",no"), *GOOD[5:]),
        [(5, "old unit 23269 (Xã Tân Thuận) is split between 2 new units "
             "[23272 (line 5), 23269 (line 6)] and 0 of them are marked primary; exactly one must be")],
    ),
    "split with two primaries": (
        _lines(*GOOD[:5], GOOD[5].replace(",no", ",yes"), GOOD[6]),
        [(5, "old unit 23269 (Xã Tân Thuận) is split between 2 new units "
             "[23272 (line 5), 23269 (line 6)] and 2 of them are marked primary; exactly one must be")],
    ),
    "same old code with two names": (
        _lines(*GOOD[:5], GOOD[5].replace("Xã Tân Thuận,23269,Lâm", "Xã Tân Thuận A,23269,Lâm")),
        [(6, "old code 23269 is named 'Xã Tân Thuận A' here but 'Xã Tân Thuận' at line 5")],
    ),
    "same new code with two names": (
        _lines(*GOOD[:2], GOOD[2].replace("Phường Mũi Né,22918", "Phường Mũi Nè,22918")),
        [(3, "new code 22918 is named 'Phường Mũi Nè' here but 'Phường Mũi Né' at line 2")],
    ),
    "new unit in two provinces": (
        _lines(*GOOD[:2], GOOD[2].replace("Lâm Đồng", "Khánh Hòa")),
        [(3, "new unit 22918 (Phường Mũi Né) is in province Khánh Hòa here but in Lâm Đồng at line 2"),
         (3, "a workspace holds one new province: this row is for Khánh Hòa but line 2 is for Lâm Đồng")],
    ),
    "invalid primary": (
        _lines(*GOOD[:3], GOOD[3].replace(",yes", ",oui")),
        [(4, "primary must be yes, no or empty, got 'oui'")],
    ),
    "unsplit marked primary=no": (
        _lines(*GOOD[:3], GOOD[3].replace(",yes", ",no")),
        [(4, "old unit 22921 (Phường Phú Hài) goes to one new unit only (22924), "
             "so it cannot be primary=no")],
    ),
    "missing column": (
        _lines(HEADER.replace(",primary", ""), *[row.rsplit(",", 1)[0] for row in GOOD[1:]]),
        [(1, "missing column(s): primary")],
    ),
    "extra column": (
        _lines(HEADER + ",note", *[row + ",x" for row in GOOD[1:]]),
        [(1, "unexpected column(s): 'note'")],
    ),
    "empty field": (
        _lines(*GOOD[:2], GOOD[2].replace("Phường Hàm Tiến", " ")),
        [(3, "old_unit is empty")],
    ),
    "non-numeric code": (
        _lines(*GOOD[:2], GOOD[2].replace(",22918,Lâm", ",22918a,Lâm")),
        [(3, "old_code '22918a' is not a numeric code (digits only)")],
    ),
    "wrong field count": (
        _lines(*GOOD[:2], GOOD[2] + ",extra"),
        [(3, "row has 9 field(s), the header has 8")],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_csv(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, expected = BAD_CASES[case]
    code, err, source, out = _import(tmp_path, text, capsys)
    assert code == 3, err
    for line, message in expected:
        assert f"{source}:{line}: {message}" in err, err
    assert "nothing was written" in err
    assert not out.exists()


def test_all_problems_reported_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = _lines(*GOOD, GOOD[1], GOOD[3].replace(",yes", ",maybe"), GOOD[2].replace("22918,Lâm", "x,Lâm"))
    code, err, source, _ = _import(tmp_path, text, capsys)
    assert code == 3
    assert f"{source}:8: duplicate row" in err
    assert f"{source}:9: primary must be yes, no or empty" in err
    assert f"{source}:10: old_code 'x' is not a numeric code" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"  \n\n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "file is binary (contains NUL bytes), expected UTF-8 text"),
        (HEADER.encode() + b"\nB\xecnh Thu\xe2n,x,y,1,z,w,2,\n", "2: not valid UTF-8 (byte 0xec)"),
        (HEADER.encode() + b"\n", "no rows after the header"),
    ],
)
def test_unreadable_files(content: bytes, message: str, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    code, err, source, out = _import(tmp_path, content, capsys)
    assert code == 3
    assert f"{source}:" in err and message in err, err
    assert not out.exists()


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--csv", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "ws")]) == 3
    assert "nope.csv: file not found" in capsys.readouterr().err


def test_bom_and_nfd_spellings_are_the_same_units(tmp_path: Path) -> None:
    rows = list(GOOD)
    # The second row of new unit 22918 spelled in NFD, with stray spaces: still one unit, no error.
    rows[2] = unicodedata.normalize("NFD", rows[2]).replace("Phường Mũi", "Phường  Mũi ")
    source = tmp_path / "bom.csv"
    source.write_bytes(b"\xef\xbb\xbf" + _lines(*rows).encode("utf-8"))
    mapping, diagnostics = read_csv(source)
    assert not diagnostics, [str(d) for d in diagnostics]
    assert mapping is not None
    assert [unit.name for unit in mapping.new_units.values()].count("Phường Mũi Né") == 1
    assert len(mapping.new_units) == 5
    assert mapping.old_units["22918"].name == "Phường Hàm Tiến"
    assert unicodedata.is_normalized("NFC", mapping.old_units["22918"].district.name)


def test_columns_in_another_order_and_empty_primary(tmp_path: Path) -> None:
    source = tmp_path / "reordered.csv"
    source.write_text(
        "new_code,new_unit,new_province,primary,old_code,old_unit,old_district,old_province\n"
        "22918,Phường Mũi Né,Lâm Đồng,,22915,Phường Mũi Né,Thành phố Phan Thiết,Bình Thuận\n",
        encoding="utf-8",
    )
    mapping, diagnostics = read_csv(source)
    assert not diagnostics and mapping is not None
    assert mapping.new_units["22918"].formed_from[0].primary is True


def test_province_spellings_and_crlf_are_one_province(tmp_path: Path) -> None:
    rows = list(GOOD)
    rows[2] = rows[2].replace("Bình Thuận,", "Tỉnh Bình Thuận,").replace("Lâm Đồng", "Tỉnh Lâm Đồng")
    rows[3] = rows[3].replace("Lâm Đồng", "lam dong")
    source = tmp_path / "crlf.csv"
    source.write_bytes("\r\n".join(rows).encode("utf-8") + b"\r\n")
    mapping, diagnostics = read_csv(source)
    assert not diagnostics, [str(d) for d in diagnostics]
    assert mapping is not None and mapping.province == "Lâm Đồng"
    assert {unit.province for unit in mapping.new_units.values()} == {"Lâm Đồng"}
    assert len(mapping.old_districts()) == 3


def test_semicolon_separated_file_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err, source, out = _import(tmp_path, _lines(*(row.replace(",", ";") for row in GOOD)), capsys)
    assert code == 3
    assert f"{source}:1: the file is separated by semicolons, the format uses commas" in err
    assert not out.exists()
