"""The CSV interchange format a provincial office keeps in a spreadsheet.

UTF-8 (a BOM is accepted), comma-separated, one header row with exactly the
columns of `COLUMNS` (any order), one row per (old unit, new unit) pair. An old
unit split between several new units has one row per new unit and exactly one
of them has `primary=yes`; `primary` may be empty (or `yes`) for an unsplit unit.
Export writes `yes`/`no` explicitly, the columns in the order of `COLUMNS`,
rows by new code then old code.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from controller.csvwrite import csv_text as table_text
from controller.csvwrite import restore
from controller.errors import Diagnostics
from controller.inputfiles import read_text
from controller.limits import MAPPING_MAX_BYTES
from controller.model import Mapping
from controller.names import normalize
from controller.sources.rows import Row, build_mapping, mapping_rows
from controller.yamlio import atomic_write

COLUMNS = (
    "old_province", "old_district", "old_unit", "old_code", "new_province", "new_unit", "new_code", "primary",
)
CODE_COLUMNS = ("old_code", "new_code")
PRIMARY_VALUES = {"yes": True, "no": False, "": None}


def _parse_rows(path: Path, text: str, diagnostics: Diagnostics) -> list[Row]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        diagnostics.add(path, 1, f"cannot read the header row: {error}")
        return []
    header = [normalize(column).lower() for column in header]
    missing = [column for column in COLUMNS if column not in header]
    extra = [column for column in header if column not in COLUMNS]
    duplicated = sorted({column for column in header if header.count(column) > 1})
    if len(header) == 1 and ";" in header[0]:
        diagnostics.add(path, 1, "the file is separated by semicolons, the format uses commas",
                        hint="save it as \"CSV UTF-8 (comma delimited)\"")
        return []
    if missing:
        diagnostics.add(path, 1, f"missing column(s): {', '.join(missing)}",
                        hint=f"the header must be exactly: {','.join(COLUMNS)}")
    if extra:
        diagnostics.add(path, 1, f"unexpected column(s): {', '.join(repr(c) for c in extra)}",
                        hint=f"the header must be exactly: {','.join(COLUMNS)}")
    if duplicated:
        diagnostics.add(path, 1, f"column(s) given twice: {', '.join(duplicated)}")
    if missing or extra or duplicated:
        return []
    position = {column: header.index(column) for column in COLUMNS}

    rows: list[Row] = []
    line = 1
    try:
        for record in reader:
            line = reader.line_num
            if not any(field.strip() for field in record):
                continue  # spreadsheets leave blank lines at the end
            if len(record) != len(header):
                diagnostics.add(path, line, f"row has {len(record)} field(s), the header has {len(header)}",
                                hint="check for a stray or missing comma")
                continue
            # `restore`: a value export-csv quoted against formula injection comes back as it was.
            values = {column: normalize(restore(record[position[column]])) for column in COLUMNS}
            ok = True
            for column in COLUMNS:
                if column != "primary" and not values[column]:
                    diagnostics.add(path, line, f"{column} is empty")
                    ok = False
            for column in CODE_COLUMNS:
                value = values[column]
                if value and not (value.isdigit() and value.isascii()):
                    diagnostics.add(path, line, f"{column} {value!r} is not a numeric code (digits only)")
                    ok = False
            primary_text = values["primary"].lower()
            if primary_text not in PRIMARY_VALUES:
                diagnostics.add(path, line, f"primary must be yes, no or empty, got {values['primary']!r}")
                ok = False
            if not ok:
                continue
            rows.append(Row(
                file=str(path), line=line,
                old_province=values["old_province"], old_district=values["old_district"],
                old_unit=values["old_unit"], old_code=values["old_code"],
                new_province=values["new_province"], new_unit=values["new_unit"], new_code=values["new_code"],
                primary=PRIMARY_VALUES[primary_text],
            ))
    except csv.Error as error:
        diagnostics.add(path, reader.line_num or line, f"malformed CSV: {error}")
    return rows


def read_csv(path: str | Path) -> tuple[Mapping | None, Diagnostics]:
    """The mapping in a CSV file, or None and every problem found (never raises on bad input)."""
    path = Path(path)
    diagnostics = Diagnostics()
    text = read_text(path, diagnostics, max_bytes=MAPPING_MAX_BYTES, what="a mapping CSV")
    if text is None:
        return None, diagnostics
    rows = _parse_rows(path, text, diagnostics)
    if diagnostics:
        build_mapping(rows, diagnostics, {"file": str(path)})  # cross-row problems too, in the same run
        return None, diagnostics
    if not rows:
        diagnostics.add(path, None, "no rows after the header")
        return None, diagnostics
    source = {"kind": "csv", "file": path.name, "description": f"the CSV file {path.name}"}
    mapping = build_mapping(rows, diagnostics, source)
    return (None if diagnostics else mapping), diagnostics


def csv_text(mapping: Mapping) -> str:
    """The CSV of a mapping (`controller.csvwrite`: BOM, formulas neutralised): header, then rows
    by new code and old code, primary as yes/no."""
    return table_text(COLUMNS, (
        (
            row.old_province, row.old_district, row.old_unit, row.old_code,
            row.new_province, row.new_unit, row.new_code, "yes" if row.primary else "no",
        )
        for row in mapping_rows(mapping)
    ))


def write_csv(mapping: Mapping, path: str | Path) -> None:
    """Write the CSV of `mapping` atomically."""
    atomic_write(path, csv_text(mapping))
