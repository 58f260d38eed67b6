"""Survey records and their checks, the same for a department's CSV row and a stored record.

A record knows where it came from (`Place`: a CSV line, or a record of the stored YAML with
the line of each value), so every problem is reported as `FILE:LINE [column]` wherever it
was found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from controller.errors import Diagnostics
from controller.survey.holders import Holders, same_name
from controller.survey.kinds import INFO_COLUMNS, Kind, Value
from controller.values import BadValue
from controller.yamlio import KeyPath, LineIndex, key_path_text


@dataclass(frozen=True)
class Place:
    """Where a record is written: a CSV line, or a stored record (`lines` gives each value's line)."""

    file: Path
    line: int | None
    lines: LineIndex | None = None
    base: KeyPath = ()

    def add(self, diagnostics: Diagnostics, column: str | None, message: str,
            hint: str | None = None) -> None:
        if self.lines is None:
            diagnostics.add(self.file, self.line, message, key=column, hint=hint)
            return
        path = (*self.base, column) if column else self.base
        diagnostics.add(self.file, self.lines.line(path), message, key=key_path_text(path), hint=hint)

    def describe(self, seen_from: Place) -> str:
        """This place as another place's message names it: "line 3" in the same file."""
        return f"line {self.line}" if self.file == seen_from.file else f"{self.file}:{self.line}"


@dataclass
class SurveyRecord:
    values: dict[str, Value]  # non-empty columns only
    source_file: str
    imported_at: str
    source_line: int | None
    place: Place = field(compare=False)

    def get(self, column: str) -> str:
        value = self.values.get(column)
        return "" if value is None else str(value)


def is_unfilled(kind: Kind, raw: dict[str, str]) -> bool:
    """A template row nobody filled in: nothing but the prefilled unit and its names."""
    prefilled = {kind.unit_column, *INFO_COLUMNS}
    return not any(value for column, value in raw.items() if column not in prefilled)


def check_values(kind: Kind, raw: dict[str, str], holders: Holders, place: Place,
                 diagnostics: Diagnostics) -> dict[str, Value] | None:
    """The values to store of a row (the kind's columns; the informational names are checked, not
    kept), or None with the problems in `diagnostics`."""
    found = Diagnostics()
    values: dict[str, Value] = {}
    for column in kind.columns:
        text = raw.get(column.name, "")
        if not text:
            if column.required:
                place.add(found, column.name, "required value missing")
            continue
        try:
            values[column.name] = column.parse(text, holders)
        except BadValue as error:
            place.add(found, column.name, error.message, error.hint)
    unit = holders.old(str(values[kind.unit_column])) if kind.unit_column in values else None
    if unit is not None:
        for name, expected in zip(INFO_COLUMNS, (unit.name, unit.district), strict=True):
            written = raw.get(name, "")
            if written and not same_name(written, expected):
                place.add(found, name, f"{written!r} is not the {name.replace('_', ' ')} of {unit.code} "
                          f"({expected or 'an old district itself'})",
                          "check the code: the names are only read to catch a mistyped one")
    if not found:
        for name, message, hint in kind.rules(values):
            place.add(found, name, message, hint)
    diagnostics.extend(found)
    return None if found else values


def check_set(kind: Kind, records: Iterable[SurveyRecord], diagnostics: Diagnostics) -> None:
    """Rules across the records of one register: one record per key, and what must be unique
    besides the key."""
    first: dict[tuple[Value, ...], SurveyRecord] = {}
    for record in records:
        key = kind.key_of(record.values)
        if key in first:
            columns = " and ".join(kind.key)
            where = first[key].place.describe(record.place)
            record.place.add(diagnostics, kind.key[-1],
                             f"the same {columns} as {where}: one row per {columns}", "remove one of them")
            continue
        first[key] = record
    for column, message in kind.unique:
        _unique(kind, first.values(), column, message, diagnostics)


def _unique(kind: Kind, records: Iterable[SurveyRecord], column: str, message: str,
            diagnostics: Diagnostics) -> None:
    holders: dict[Value, SurveyRecord] = {}
    for record in records:
        value = record.values.get(column)
        if value is None:
            continue
        other = holders.setdefault(value, record)
        if other is not record:
            text = message.format(value=value, other=other.place.describe(record.place),
                                  other_key=" ".join(str(part) for part in kind.key_of(other.values)))
            record.place.add(diagnostics, column, text, "one of the two is wrong")
