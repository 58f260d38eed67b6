"""`mapping.yml`: the reviewed source of truth of one province's merger.

Shape (format 1):

    format: 1
    province: Lâm Đồng
    source: {kind: dataset, ...}
    new_units:                      # sorted by code
      - code: "22918"
        name: Phường Mũi Né
        latitude: 10.93             # optional
        longitude: 108.28           # optional
        formed_from:                # old units, sorted by code
          - {code: "22915", name: Phường Mũi Né, district: Thành phố Phan Thiết,
             district_code: "593", province: Bình Thuận, primary: true}

An old unit split between several new units is listed under each of them with
the same details; exactly one of those entries has `primary: true`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from controller.errors import Diagnostics
from controller.limits import MAPPING_MAX_BYTES
from controller.model import Mapping
from controller.names import normalize
from controller.sources.rows import Row, build_mapping
from controller.yamlio import KeyPath, key_path_text, parse_yaml
from controller.yamlreader import YamlReader

FORMAT = 1
TOP_KEYS = ("format", "province", "source", "new_units")
UNIT_KEYS = ("code", "name", "latitude", "longitude", "formed_from")
OLD_KEYS = ("code", "name", "district", "district_code", "province", "primary")


def _where(reader: YamlReader, keypath: KeyPath) -> KeyPath:
    """The key itself when it is written, else its parent (a missing key has no line of its own)."""
    return keypath if reader.has(keypath) else keypath[:-1]


def _text(reader: YamlReader, keypath: KeyPath) -> str | None:
    key = keypath[-1]
    value = reader.get(keypath)
    if value is None or (isinstance(value, str) and not value.strip()):
        reader.error(_where(reader, keypath), f"{key} is missing or empty")
        return None
    if not isinstance(value, str):
        reader.error(keypath, f"{key} must be text, got {value!r}")
        return None
    return normalize(value)


def _code(reader: YamlReader, keypath: KeyPath, *, required: bool = True) -> str | None:
    key = keypath[-1]
    value = reader.get(keypath)
    if value is None or value == "":
        if required:
            reader.error(_where(reader, keypath), f"{key} is missing or empty")
        return None if required else ""
    if isinstance(value, int) and not isinstance(value, bool):
        reader.error(keypath, f"{key} {value} must be quoted text to keep leading zeros",
                     hint=f'write {key}: "{value}"')
        return None
    if not isinstance(value, str) or not value.strip().isdigit() or not value.strip().isascii():
        reader.error(keypath, f"{key} {value!r} is not a numeric code (digits only)")
        return None
    return value.strip()


def _coordinate(reader: YamlReader, keypath: KeyPath) -> float | None:
    if reader.get(keypath) is None:
        return None
    value = reader.number(keypath, -180.0, 180.0)
    return None if value is None else float(value)


def read_mapping(path: str | Path) -> tuple[Mapping | None, Diagnostics]:
    """The mapping in `path`, or None and every problem found (never raises on bad input)."""
    path = Path(path)
    data, index, diagnostics = parse_yaml(path, max_bytes=MAPPING_MAX_BYTES, what="mapping.yml")
    if data is None:
        return None, diagnostics
    reader = YamlReader(path, data, index, diagnostics)
    if not isinstance(data, dict):
        reader.error((), "mapping.yml must be a mapping with keys " + ", ".join(TOP_KEYS))
        return None, diagnostics
    reader.unknown_keys((), TOP_KEYS)
    if data.get("format") != FORMAT:
        reader.error(("format",), f"format must be {FORMAT}, got {data.get('format')!r}")
    province = _text(reader, ("province",))
    source = data.get("source") or {}
    if not isinstance(source, dict):
        reader.error(("source",), "source must be a mapping")
        source = {}
    units = data.get("new_units")
    if not isinstance(units, list) or not units:
        reader.error(("new_units",) if "new_units" in data else (), "new_units must be a non-empty list")
        return None, diagnostics

    rows: list[Row] = []
    first_line_of_code: dict[str, int | None] = {}
    for position, unit in enumerate(units):
        unit_path: KeyPath = ("new_units", position)
        if not isinstance(unit, dict):
            reader.error(unit_path, "each new unit must be a mapping with code, name and formed_from")
            continue
        reader.unknown_keys(unit_path, UNIT_KEYS)
        code = _code(reader, (*unit_path, "code"))
        name = _text(reader, (*unit_path, "name"))
        latitude = _coordinate(reader, (*unit_path, "latitude"))
        longitude = _coordinate(reader, (*unit_path, "longitude"))
        if code is not None:
            if code in first_line_of_code:
                reader.error((*unit_path, "code"),
                             f"new unit {code} is listed twice (first at line {first_line_of_code[code]})",
                             hint="merge the two entries")
                continue
            first_line_of_code[code] = index.line((*unit_path, "code"))
        formed_from = unit.get("formed_from")
        if not isinstance(formed_from, list) or not formed_from:
            reader.error((*unit_path, "formed_from") if "formed_from" in unit else unit_path,
                         "formed_from must be a non-empty list of old units")
            continue
        for old_position, old in enumerate(formed_from):
            old_path: KeyPath = (*unit_path, "formed_from", old_position)
            if not isinstance(old, dict):
                reader.error(old_path, "each old unit must be a mapping with " + ", ".join(OLD_KEYS))
                continue
            reader.unknown_keys(old_path, OLD_KEYS)
            fields = (
                _code(reader, (*old_path, "code")),
                _text(reader, (*old_path, "name")),
                _text(reader, (*old_path, "district")),
                _code(reader, (*old_path, "district_code"), required=False),
                _text(reader, (*old_path, "province")),
            )
            primary = old.get("primary")
            if not isinstance(primary, bool):
                reader.error((*old_path, "primary") if "primary" in old else old_path,
                             f"primary must be true or false, got {primary!r}")
                continue
            old_code, old_name, district, district_code, old_province = fields
            if (old_code is None or old_name is None or district is None or old_province is None
                    or code is None or name is None or province is None):
                continue
            rows.append(Row(
                file=str(path), line=index.line(old_path), key=key_path_text(old_path),
                old_province=old_province, old_district=district, old_unit=old_name, old_code=old_code,
                new_province=province, new_unit=name, new_code=code, primary=primary,
                old_district_code=district_code or "", latitude=latitude, longitude=longitude,
            ))
    if diagnostics:
        # Cross-row checks still run so one pass reports everything.
        build_mapping(rows, diagnostics, {"file": str(path)})
        return None, diagnostics
    mapping = build_mapping(rows, diagnostics, {str(k): str(v) for k, v in source.items()})
    return (None if diagnostics else mapping), diagnostics


def _header(mapping: Mapping) -> str:
    source = mapping.source
    origin = source.get("description") or ", ".join(f"{key}={value}" for key, value in source.items())
    lines = [
        "Generated by `mergectl import` " + (f"from {origin}" if origin else ""),
        f"The reviewed source of truth of the 2025 merger for {mapping.province}: review it, keep it",
        "under version control. Re-importing rewrites this file and reports what changed;",
        "province.yml, state/ and staff/ are never touched by an import.",
        "One entry per new unit with the old units it is formed from. An old unit split between",
        "several new units is listed under each of them; exactly one has primary: true (the one",
        "that inherits its data, domain and accounts).",
    ]
    islands = [old for old in mapping.old_units.values()
               if old.district.code and old.code == old.district.code]
    if islands:
        names = ", ".join(f"{old.name} ({old.code})" for old in islands)
        lines.append("Island districts without communes are their own old unit (code = district code):")
        lines.append(f"  {names}.")
    return "\n".join(lines)


def mapping_document(mapping: Mapping) -> dict[str, Any]:
    """The plain-data form of mapping.yml (also what `--json` style consumers can use)."""
    units = []
    for unit in mapping.new_units.values():
        entry: dict[str, Any] = {"code": unit.code, "name": unit.name}
        if unit.latitude is not None:
            entry["latitude"] = unit.latitude
        if unit.longitude is not None:
            entry["longitude"] = unit.longitude
        formed_from = []
        for succession in unit.formed_from:
            old = mapping.old_units[succession.old_code]
            old_entry: dict[str, Any] = {"code": old.code, "name": old.name, "district": old.district.name}
            if old.district.code:
                old_entry["district_code"] = old.district.code
            old_entry["province"] = old.district.province
            old_entry["primary"] = succession.primary
            formed_from.append(old_entry)
        entry["formed_from"] = formed_from
        units.append(entry)
    return {
        "format": FORMAT,
        "province": mapping.province,
        "source": dict(mapping.source),
        "new_units": units,
    }


# A plain (unquoted) YAML scalar that is certainly read back as the same string: starts with a
# letter, then letters, digits, spaces and a few punctuation marks; no ": ", " #", no keywords.
_PLAIN = re.compile(r"[^\W\d_][\w .,'()/-]*", re.UNICODE)
_KEYWORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _KEYWORDS and not text.endswith((" ", ":")):
        return text
    if text.isdigit():
        return f"'{text}'"
    return _double_quoted(text)


def _double_quoted(text: str) -> str:
    """YAML double-quoted scalar; anything not printable is escaped (YAML streams may not contain it)."""
    out = ['"']
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif ord(char) < 0x10000:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


def _emit_mapping(document: dict[str, Any]) -> str:
    """mapping.yml body written directly: 10x faster than PyYAML's emitter for a whole province,
    and the shape is fixed (checked by read_mapping on every use)."""
    out = [f"format: {_scalar(document['format'])}", f"province: {_scalar(document['province'])}"]
    if document["source"]:
        out.append("source:")
        out += [f"  {key}: {_scalar(value)}" for key, value in document["source"].items()]
    else:
        out.append("source: {}")
    out.append("new_units:")
    for unit in document["new_units"]:
        prefix = "  - "
        for key, value in unit.items():
            if key == "formed_from":
                out.append("    formed_from:")
                for old in value:
                    old_prefix = "      - "
                    for old_key, old_value in old.items():
                        out.append(f"{old_prefix}{old_key}: {_scalar(old_value)}")
                        old_prefix = "        "
            else:
                out.append(f"{prefix}{key}: {_scalar(value)}")
            prefix = "    "
    return "---\n" + "\n".join(out) + "\n"


def mapping_to_yaml(mapping: Mapping) -> str:
    """mapping.yml text: commented header, then the document with new units sorted by code."""
    header = "".join(f"# {line}".rstrip() + "\n" for line in _header(mapping).splitlines())
    return header + _emit_mapping(mapping_document(mapping))


def mapping_changes(before: Mapping, after: Mapping) -> list[str]:
    """What a re-import changes, one line each: new units added/removed/renamed, old units moved."""
    changes: list[str] = []
    for code, unit in after.new_units.items():
        previous = before.new_units.get(code)
        if previous is None:
            changes.append(f"+ new unit {code} {unit.name} (added)")
        elif previous.name != unit.name:
            changes.append(f"~ new unit {code} renamed: {previous.name} -> {unit.name}")
    for code, unit in before.new_units.items():
        if code not in after.new_units:
            changes.append(f"- new unit {code} {unit.name} (removed)")

    def successors(mapping: Mapping) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for unit in mapping.new_units.values():
            for succession in unit.formed_from:
                mark = "*" if succession.primary else ""
                found.setdefault(succession.old_code, []).append(f"{unit.code}{mark}")
        return {code: sorted(targets) for code, targets in found.items()}

    old_before, old_after = successors(before), successors(after)
    for code, targets in old_after.items():
        name = after.old_units[code].name
        if code not in old_before:
            changes.append(f"+ old unit {code} {name} -> {', '.join(targets)} (added)")
        elif old_before[code] != targets:
            moved = f"{', '.join(old_before[code])} -> {', '.join(targets)}"
            changes.append(f"> old unit {code} {name} moved: {moved}")
        elif before.old_units[code].name != name:
            changes.append(f"~ old unit {code} renamed: {before.old_units[code].name} -> {name}")
    for code, targets in old_before.items():
        if code not in old_after:
            name = before.old_units[code].name
            changes.append(f"- old unit {code} {name} (removed; was -> {', '.join(targets)})")
    return changes
