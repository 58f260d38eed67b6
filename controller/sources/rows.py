"""Succession rows and the mapping rules that apply to every source (CSV, mapping.yml, dataset).

A row is one (old unit -> new unit) pair with where it was read from. The
readers check single fields (empty, non-numeric codes, bad `primary`); this
module checks what needs several rows: duplicates, splits and their primary,
one code with two names, one new unit in two provinces, one province per workspace.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from controller.errors import Diagnostics
from controller.model import Mapping, NewUnit, OldDistrict, OldUnit, Succession
from controller.names import province_key


@dataclass(frozen=True)
class Row:
    """One succession as read, names already normalised (controller.names.normalize)."""

    file: str
    line: int | None
    old_province: str
    old_district: str
    old_unit: str
    old_code: str
    new_province: str
    new_unit: str
    new_code: str
    primary: bool | None  # None: not stated (allowed when the old unit is not split)
    old_district_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    key: str | None = None  # YAML key path, when read from YAML


def _where(row: Row) -> str:
    return f"line {row.line}" if row.line is not None else "another row"


def _first_rows(rows: Iterable[Row], key) -> dict:
    first: dict = {}
    for row in rows:
        first.setdefault(key(row), row)
    return first


def check_rows(rows: list[Row], diagnostics: Diagnostics) -> None:
    """Add a diagnostic for every cross-row problem; rows are checked in the order read."""
    seen_pairs: dict[tuple[str, str], Row] = {}
    old_identity: dict[str, Row] = {}
    new_identity: dict[str, Row] = {}
    district_code: dict[tuple[str, str], Row] = {}

    for row in rows:
        def add(message: str, hint: str | None = None, row: Row = row) -> None:
            diagnostics.add(row.file, row.line, message, key=row.key, hint=hint)

        pair = (row.old_code, row.new_code)
        if pair in seen_pairs:
            add(f"duplicate row: old unit {row.old_code} -> new unit {row.new_code} "
                f"is already at {_where(seen_pairs[pair])}", hint="delete one of the two rows")
            continue
        seen_pairs[pair] = row

        first_old = old_identity.setdefault(row.old_code, row)
        if first_old.old_unit != row.old_unit:
            add(f"old code {row.old_code} is named {row.old_unit!r} here but "
                f"{first_old.old_unit!r} at {_where(first_old)}")
        if (first_old.old_district, province_key(first_old.old_province)) != (
            row.old_district, province_key(row.old_province)
        ):
            add(f"old unit {row.old_code} is in {row.old_district}, {row.old_province} here but in "
                f"{first_old.old_district}, {first_old.old_province} at {_where(first_old)}")

        first_new = new_identity.setdefault(row.new_code, row)
        if first_new.new_unit != row.new_unit:
            add(f"new code {row.new_code} is named {row.new_unit!r} here but "
                f"{first_new.new_unit!r} at {_where(first_new)}")
        if province_key(first_new.new_province) != province_key(row.new_province):
            add(f"new unit {row.new_code} ({row.new_unit}) is in province {row.new_province} here but in "
                f"{first_new.new_province} at {_where(first_new)}: a new unit belongs to one province")

        if row.old_district_code:
            district = (province_key(row.old_province), row.old_district)
            first_district = district_code.setdefault(district, row)
            if first_district.old_district_code != row.old_district_code:
                add(f"district {row.old_district} has code {row.old_district_code} here but "
                    f"{first_district.old_district_code} at {_where(first_district)}")

    # "Tỉnh Lâm Đồng", "Lâm Đồng" and "Lam Dong" are one province.
    provinces = _first_rows((row for row in rows), lambda row: province_key(row.new_province))
    if len(provinces) > 1:
        first_province, *others = provinces.values()
        for row in others:
            diagnostics.add(
                row.file, row.line,
                f"a workspace holds one new province: this row is for {row.new_province} but "
                f"{_where(first_province)} is for {first_province.new_province}",
                key=row.key, hint="import each province into its own workspace",
            )

    by_old: dict[str, list[Row]] = defaultdict(list)
    for row in seen_pairs.values():
        by_old[row.old_code].append(row)
    for old_code, successions in by_old.items():
        first = successions[0]
        if len(successions) == 1:
            if first.primary is False:
                diagnostics.add(
                    first.file, first.line,
                    f"old unit {old_code} ({first.old_unit}) goes to one new unit only "
                    f"({first.new_code}), so it cannot be primary=no",
                    key=first.key, hint="leave primary empty or write yes",
                )
            continue
        primaries = [row for row in successions if row.primary]
        if len(primaries) != 1:
            targets = ", ".join(f"{row.new_code} ({_where(row)})" for row in successions)
            diagnostics.add(
                first.file, first.line,
                f"old unit {old_code} ({first.old_unit}) is split between {len(successions)} new units "
                f"[{targets}] and {len(primaries)} of them are marked primary; exactly one must be",
                key=first.key, hint="mark the new unit that inherits its data, domain, accounts primary=yes",
            )


def build_mapping(rows: list[Row], diagnostics: Diagnostics, source: dict[str, str]) -> Mapping | None:
    """The Mapping of valid rows, or None when `check_rows` found problems (added to `diagnostics`)."""
    before = len(diagnostics)
    check_rows(rows, diagnostics)
    if len(diagnostics) > before or not rows:
        if not rows and len(diagnostics) == before:
            diagnostics.add(source.get("file", "input"), None, "no units found")
        return None
    by_old: dict[str, int] = defaultdict(int)
    for row in rows:
        by_old[row.old_code] += 1
    mapping = Mapping(province=rows[0].new_province, source=dict(source))
    # One spelling per province (the first seen), so districts are not doubled by spellings.
    spelling: dict[str, str] = {}
    for row in rows:
        spelling.setdefault(province_key(row.old_province), row.old_province)
    for row in rows:
        old_province = spelling[province_key(row.old_province)]
        district = OldDistrict(old_province, row.old_district, row.old_district_code)
        mapping.old_units.setdefault(row.old_code, OldUnit(row.old_code, row.old_unit, district))
        unit = mapping.new_units.get(row.new_code)
        if unit is None:
            unit = NewUnit(row.new_code, row.new_unit, mapping.province,
                           latitude=row.latitude, longitude=row.longitude)
            mapping.new_units[row.new_code] = unit
        elif unit.latitude is None and row.latitude is not None:
            unit.latitude, unit.longitude = row.latitude, row.longitude
        # An unsplit old unit is the primary of its only successor whatever the source said.
        primary = True if by_old[row.old_code] == 1 else bool(row.primary)
        unit.formed_from.append(Succession(row.old_code, primary))
    return sort_mapping(mapping)


def sort_mapping(mapping: Mapping) -> Mapping:
    """New units by code, each one's old units by code: the order of the input never matters."""
    mapping.new_units = dict(sorted(mapping.new_units.items()))
    for unit in mapping.new_units.values():
        unit.formed_from.sort(key=lambda succession: succession.old_code)
    mapping.old_units = dict(sorted(mapping.old_units.items()))
    return mapping


def mapping_rows(mapping: Mapping) -> list[Row]:
    """Rows of a mapping (for CSV export), new units by code then old units by code; primary explicit."""
    rows: list[Row] = []
    for unit in mapping.new_units.values():
        for succession in unit.formed_from:
            old = mapping.old_units[succession.old_code]
            rows.append(Row(
                file="", line=None,
                old_province=old.district.province, old_district=old.district.name, old_unit=old.name,
                old_code=old.code, new_province=unit.province, new_unit=unit.name, new_code=unit.code,
                primary=succession.primary,
                old_district_code=old.district.code, latitude=unit.latitude, longitude=unit.longitude,
            ))
    return rows
