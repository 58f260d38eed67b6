"""The national old -> new mapping shipped by the PyPI package `vietnamadminunits` (MIT).

We read its data files directly (converter_2025.json and the sqlite dataset.db)
rather than importing its converter module, which pulls geopy/shapely in at
import time. Joins are by the package's keys:

- converter_2025.json `DICT_PROVINCE_WARD_NO_DIVIDED[new province][new ward]` lists
  the keys "oldprovince_olddistrict_oldward" of old units wholly merged into it;
- `DICT_PROVINCE_WARD_DIVIDED[new province][old key]` lists the new wards a split
  old unit goes to, one of them `isDefaultNewWard` (our primary);
- dataset.db `admin_units` (34-province map) names and codes the new wards,
  `admin_units_legacy` (63-province map) the old provinces, districts and wards.

Island districts that had no communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn,
Côn Đảo in the package) appear with an empty ward part ("prov_district_"): the
district itself is then the old unit, with the district's code as its code.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from controller.errors import Diagnostics, InvalidInput, UserError
from controller.model import Mapping
from controller.names import normalize, province_key
from controller.sources.rows import Row, build_mapping

PACKAGE = "vietnamadminunits"


@dataclass(frozen=True)
class _OldRecord:
    province: str
    district: str
    district_code: str
    name: str
    code: str


@dataclass(frozen=True)
class _NewRecord:
    province: str
    name: str
    code: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class _Dataset:
    converter: dict
    old: dict[str, _OldRecord]  # by "prov_district_ward" key
    new: dict[tuple[str, str], _NewRecord]  # by (province key, ward key)
    new_province_names: dict[str, str]  # package province key -> name
    old_province_names: dict[str, str]


def _data_file(name: str) -> Path:
    # find_spec locates the package without running its __init__, which imports its parser
    # (1.5 s); importlib.resources.files() would import it.
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"the Python package {PACKAGE} is not installed (pip install {PACKAGE})")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / name


def dataset_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return "unknown"


@cache
def _load() -> _Dataset:
    with _data_file("converter_2025.json").open(encoding="utf-8") as handle:
        converter = json.load(handle)
    # Read-only URI: the package folder may not be writable and sqlite must not try.
    connection = sqlite3.connect(f"file:{_data_file('dataset.db')}?mode=ro", uri=True)
    try:
        old: dict[str, _OldRecord] = {}
        old_province_names: dict[str, str] = {}
        for (prov_key, district_key, ward_key, province, district, district_code, ward,
             ward_code) in connection.execute(
            "SELECT provinceKey, districtKey, wardKey, province, district, districtCode, ward, wardCode "
            "FROM admin_units_legacy"
        ):
            old_province_names[prov_key] = normalize(province)
            if ward_key is None:
                # An island district without communes: the district is the unit.
                ward, ward_code, ward_key = district, district_code, ""
            old[f"{prov_key}_{district_key}_{ward_key}"] = _OldRecord(
                normalize(province), normalize(district), str(district_code), normalize(ward), str(ward_code)
            )
        new: dict[tuple[str, str], _NewRecord] = {}
        new_province_names: dict[str, str] = {}
        for prov_key, ward_key, province, ward, ward_code, latitude, longitude in connection.execute(
            "SELECT provinceKey, wardKey, province, ward, wardCode, wardLat, wardLon FROM admin_units"
        ):
            new_province_names[prov_key] = normalize(province)
            new[(prov_key, ward_key)] = _NewRecord(normalize(province), normalize(ward), str(ward_code),
                                                   latitude, longitude)
    finally:
        connection.close()
    return _Dataset(converter, old, new, new_province_names, old_province_names)


def list_provinces() -> list[str]:
    """The 34 new provinces, by name as the dataset spells them (e.g. "Tỉnh Lâm Đồng")."""
    return sorted(_load().new_province_names.values())


def list_formed_from() -> dict[str, list[str]]:
    """Each new province (short name) with the old provinces it was formed from."""
    data = _load()
    return {
        _short(data.new_province_names[new_key]): [_short(data.old_province_names[key]) for key in old_keys]
        for new_key, old_keys in sorted(data.converter["DICT_PROVINCE"].items(),
                                        key=lambda item: province_key(data.new_province_names[item[0]]))
    }


def _resolve(name: str, names_by_key: dict[str, str], what: str) -> str:
    """Package key of the province called `name` (with/without diacritics, type, any case)."""
    wanted = province_key(name)
    matches = [key for key, full in names_by_key.items() if province_key(full) == wanted]
    if len(matches) == 1:
        return matches[0]
    known = {province_key(full): full for full in names_by_key.values()}
    close = difflib.get_close_matches(wanted, list(known), n=4, cutoff=0.6)
    suggestion = f"; did you mean {', '.join(repr(known[key]) for key in close)}?" if close else ""
    raise UserError(f"unknown {what} {name!r}{suggestion} (`mergectl import --list` shows them all)")


def _short(province: str) -> str:
    """Province name as the workspace states it: "Tỉnh Lâm Đồng" -> "Lâm Đồng"."""
    from controller.names import strip_type

    return strip_type(province)


def load_rows(province: str, only_old_province: str | None = None) -> list[Row]:
    """Succession rows of one new province, optionally only those of old units of one old province."""
    data = _load()
    new_key = _resolve(province, data.new_province_names, "province")
    old_filter = None
    if only_old_province is not None:
        old_key = _resolve(only_old_province, data.old_province_names, "old province")
        if old_key not in data.converter["DICT_PROVINCE"][new_key]:
            formed_from = data.converter["DICT_PROVINCE"][new_key]
            merged = ", ".join(_short(data.old_province_names[key]) for key in formed_from)
            raise UserError(f"{data.old_province_names[old_key]} did not merge into "
                            f"{data.new_province_names[new_key]} (which was formed from: {merged})")
        old_filter = old_key + "_"
    file = f"{PACKAGE} {dataset_version()}"
    rows: list[Row] = []

    def add(old_key: str, new_ward: str, primary: bool | None) -> None:
        if old_filter is not None and not old_key.startswith(old_filter):
            return
        old = data.old[old_key]
        new = data.new[(new_key, new_ward)]
        rows.append(Row(
            file=file, line=None, key=f"{new_ward} <- {old_key}",
            old_province=_short(old.province), old_district=old.district, old_unit=old.name,
            old_code=old.code, new_province=_short(new.province), new_unit=new.name, new_code=new.code,
            primary=primary, old_district_code=old.district_code,
            latitude=new.latitude, longitude=new.longitude,
        ))

    for new_ward, old_keys in data.converter["DICT_PROVINCE_WARD_NO_DIVIDED"][new_key].items():
        for old_key in old_keys:
            add(old_key, new_ward, None)
    for old_key, targets in data.converter["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
        for target in targets:
            add(old_key, target["newWardKey"], bool(target["isDefaultNewWard"]))
    return rows


def load_province(province: str, only_old_province: str | None = None) -> Mapping:
    """Mapping of one new province; UserError for unknown names, InvalidInput if the data is inconsistent."""
    rows = load_rows(province, only_old_province)
    source = {
        "kind": "dataset",
        "package": PACKAGE,
        "version": dataset_version(),
        "province": rows[0].new_province if rows else province,
    }
    if only_old_province is not None:
        source["only_old_province"] = rows[0].old_province if rows else only_old_province
    source["description"] = (
        f"the {PACKAGE} {source['version']} dataset, province {source['province']}"
        + (f", old province {source['only_old_province']} only" if only_old_province else "")
    )
    diagnostics = Diagnostics()
    mapping = build_mapping(rows, diagnostics, source)
    if mapping is None:
        raise InvalidInput(diagnostics)
    return mapping
