"""The one way the product writes a CSV file: safe to open in a spreadsheet, and read back exactly.

Every CSV mergectl writes (exports, `export-csv`, tenant manifests and their index, the lines
to return that `mergectl collect` writes) comes from `csv_text`:

- UTF-8 with a byte-order mark: Excel opens a BOM-less UTF-8 CSV in the system's ANSI code
  page and shows "Nguyá»…n" for "Nguyễn"; with the BOM it reads UTF-8. Our readers drop it.
- Formula injection neutralised (OWASP "CSV injection"): a cell that begins with `=`, `+`,
  `-`, `@`, a tab or a carriage return, or with white space and then one of `=+-@`, gets a leading
  apostrophe, so a full name `=HYPERLINK(...)` arrives as text, never as a formula. A cell that
  is only a number (`-5`, `+84`, `1.5e3`) is left alone: it cannot be a formula, and an
  apostrophe would turn a figure into text.
- Lossless for our own readers: a value that already begins with apostrophes followed by such a
  character gets one more, and `restore` takes exactly one off, so writing then reading gives the
  value back whatever it was (`export-csv` -> `import --csv`, the manifests' CSV form).

Standard library only: Ansible loads it inside the filter plugin.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

BOM = "\ufeff"
_FORMULA = re.compile(r"^'*(?:[=+\-@\t\r]|\s+[=+\-@])")
_QUOTED = re.compile(r"^'+(?:[=+\-@\t\r]|\s+[=+\-@])")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?$")

Row = Sequence[object] | Mapping[str, object]


def neutralise(value: object) -> str:
    """The cell text of `value`: None -> "", a leading formula character quoted with `'`."""
    text = "" if value is None else str(value)
    if _NUMBER.match(text):
        return text
    return "'" + text if _FORMULA.match(text) else text


def restore(cell: str) -> str:
    """The value a cell written by `neutralise` stands for (the inverse: one apostrophe less)."""
    return cell[1:] if _QUOTED.match(cell) and not _NUMBER.match(cell[1:]) else cell


def csv_text(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """BOM, header row, one line per row (`\\n` line ends); rows are sequences in `columns`
    order or mappings keyed by column (missing keys are empty cells)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(column) for column in columns])
    for row in rows:
        if isinstance(row, Mapping):
            unknown = set(row) - set(columns)
            if unknown:
                raise ValueError(f"a row has values for unknown columns {sorted(unknown)}")
            values = [row.get(column) for column in columns]
        else:
            values = list(row)
        if len(values) != len(columns):
            raise ValueError(f"a row has {len(values)} cells for {len(columns)} columns")
        writer.writerow([neutralise(value) for value in values])
    return BOM + buffer.getvalue()


def write_csv(target: Path, columns: Sequence[str], rows: Iterable[Row]) -> Path:
    """Write `csv_text` to `target` atomically (a reader never sees half a file)."""
    from controller.yamlio import atomic_write

    atomic_write(target, csv_text(columns, rows))
    return target


def strip_bom(text: str) -> str:
    return text.removeprefix(BOM)
