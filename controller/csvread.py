"""The one way the product reads a CSV table a person filled in (a spreadsheet saved as CSV).

Checks shared by every such input (staff lists, survey sheets, HQ addresses, line statuses):
bounded size and line length, UTF-8 (a BOM is accepted, a cp1258 file is named as such),
one header row whose columns are known (any order, none twice, the required ones present),
the same number of fields on every row; blank rows are skipped. Values are NFC-normalised
and stripped, and a formula apostrophe added by `controller.csvwrite` is taken off, so a
template mergectl wrote comes back exactly. Every problem is a `FILE:LINE` diagnostic.

The caller checks each value and adds its own diagnostics with `Record.line`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from controller.csvwrite import restore
from controller.errors import Diagnostics
from controller.inputfiles import check_line_length, read_bytes
from controller.names import normalize


@dataclass(frozen=True)
class Record:
    """One data row: its line in the file (1 is the header) and its values by column."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        """The value, "" for a blank cell or an optional column the file does not have."""
        return self.values.get(column, "")


def decode(path: Path, data: bytes, diagnostics: Diagnostics, what: str) -> str | None:
    """UTF-8 text (BOM stripped); bad bytes and binary files become diagnostics with their line."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        diagnostics.add(path, line, f"binary data (NUL byte): {what} is a UTF-8 CSV text file")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        diagnostics.add(
            path,
            line,
            f"not UTF-8 (byte 0x{data[error.start]:02x})",
            hint="save the sheet as 'CSV UTF-8' (Excel) or convert it, e.g. iconv -f windows-1258 -t utf-8",
        )
        return None


def iter_table(
    path: Path,
    diagnostics: Diagnostics,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_bytes: int,
    what: str,
) -> Iterator[Record]:
    """The rows of a CSV table, one at a time; none, with the reasons in `diagnostics`, when the
    file or its header is wrong. `what` names the file for messages ("a staff list", "the portals
    survey"). A row with the wrong number of fields is reported and skipped; a syntax error ends
    the reading."""
    path = Path(path)
    data = read_bytes(path, diagnostics, max_bytes=max_bytes, what=what)
    if data is None:
        return
    text = decode(path, data, diagnostics, what)
    if text is None or not check_line_length(path, data, diagnostics):
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        diagnostics.add(path, 1, f"empty file: {what} needs a header row ({','.join(required)}, ...)")
        return
    except csv.Error as error:
        diagnostics.add(path, 1, f"CSV syntax: {error}")
        return
    columns = [restore(normalize(name).strip()).lower() for name in header]
    if not _header_ok(path, columns, required, optional, diagnostics):
        return
    count = 0
    previous_end = reader.line_num
    while True:
        line = previous_end + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            diagnostics.add(path, line, f"CSV syntax: {error}", hint="check the quotes on this line")
            return
        previous_end = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(columns):
            diagnostics.add(path, line, f"{len(values)} fields where the header has {len(columns)}",
                            hint="a comma inside a value needs the value in double quotes")
            continue
        count += 1
        yield Record(line, {name: restore(normalize(value).strip())
                            for name, value in zip(columns, values, strict=True)})
    if count == 0:
        diagnostics.add(path, previous_end or 1, f"no rows after the header: {what} is empty")


def _header_ok(path: Path, columns: list[str], required: Sequence[str], optional: Sequence[str],
               diagnostics: Diagnostics) -> bool:
    allowed = [*required, *optional]
    if len(columns) == 1 and ";" in columns[0]:
        diagnostics.add(path, 1, "the file is separated by semicolons; mergectl reads commas",
                        hint='save it as "CSV UTF-8 (comma delimited)"')
        return False
    ok = True
    missing = [name for name in required if name not in columns]
    if missing:
        diagnostics.add(path, 1, f"missing column(s): {', '.join(missing)}",
                        hint=f"the header needs {', '.join(required)}")
        ok = False
    unknown = [name for name in columns if name not in allowed]
    if unknown:
        diagnostics.add(path, 1, f"unknown column(s): {', '.join(repr(name) for name in unknown)}",
                        hint=f"allowed: {', '.join(allowed)}")
        ok = False
    twice = sorted({name for name in columns if columns.count(name) > 1})
    if twice:
        diagnostics.add(path, 1, f"column(s) given twice: {', '.join(twice)}")
        ok = False
    return ok
