"""The one way exports write a CSV table: header row, `\\n` line ends, atomically."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from controller.yamlio import atomic_write


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_table(target: Path, columns: Sequence[str], rows: Iterable[Mapping[str, object]]) -> Path:
    atomic_write(target, csv_text(columns, rows))
    return target
