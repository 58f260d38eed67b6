"""Electronic identifier codes (mã định danh điện tử, Decision 20/2020/QĐ-TTg): the `edoc` section."""

from __future__ import annotations

import re

from controller.province.model import KNOWN_LEVEL1, EdocConfig
from controller.yamlreader import YamlReader

EDOC_CODE = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")
EDOC_LEVEL1 = re.compile(r"^[A-Z][0-9]{2}$")
# QCVN 102:2016, read right to left: 000.00.00.H30 (still seen, recognised, never issued).
EDOC_OLD_FORMAT = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$")
EDOC_MAX_LENGTH = 35


def valid_edoc_code(code: str) -> str | None:
    """None when `code` is a valid current-format code, else why not."""
    if len(code) > EDOC_MAX_LENGTH:
        return f"{code!r} is longer than {EDOC_MAX_LENGTH} characters"
    if not EDOC_CODE.match(code):
        return f"{code!r} may only hold A-Z, 0-9 and '.' in non-empty dot-separated groups"
    if not EDOC_LEVEL1.match(code.split(".")[0]):
        return f"{code!r} must start with a level-1 code (a letter and two digits, e.g. H36)"
    return None


def read_edoc(reader: YamlReader, label: str) -> EdocConfig:
    level1 = reader.text(("edoc", "level1"), KNOWN_LEVEL1.get(label, ""))
    if not EDOC_LEVEL1.match(level1):
        reader.error(
            ("edoc", "level1"), f"invalid level-1 code {level1!r}", hint="a letter and two digits, e.g. H36"
        )
    pattern = reader.text(("edoc", "pattern"), "{level1}.{seq:03d}")
    first_seq = reader.integer(("edoc", "first_seq"), 0, 10**9, default=1) or 1
    try:
        sample = pattern.format(level1=level1, seq=first_seq)
        big = pattern.format(level1=level1, seq=first_seq + 9999)
    except (KeyError, IndexError, ValueError) as error:
        reader.error(
            ("edoc", "pattern"),
            f"invalid pattern {pattern!r}: {error}",
            hint="use {level1} and {seq}, e.g. {level1}.{seq:03d}",
        )
        sample = big = ""
    if sample:
        if "{seq" not in pattern:
            reader.error(("edoc", "pattern"), "the pattern must contain {seq} so codes differ")
        for code in (sample, big):
            problem = valid_edoc_code(code)
            if problem is None and not code.startswith(level1 + "."):
                problem = f"{code!r} must start with the level-1 code {level1} and a dot"
            if problem:
                reader.error(("edoc", "pattern"), f"pattern {pattern!r} gives an invalid code: {problem}")
                break
    issued: list[str] = []
    for position, code in enumerate(reader.sequence(("edoc", "issued"))):
        code = str(code).strip()
        if EDOC_OLD_FORMAT.match(code):
            issued.append(code)
            continue
        problem = valid_edoc_code(code)
        if problem:
            reader.error(("edoc", "issued", position), problem)
        else:
            issued.append(code)
    old_codes: dict[str, str] = {}
    for key, code in reader.mapping(("edoc", "old_codes")).items():
        code = str(code).strip()
        problem = None if EDOC_OLD_FORMAT.match(code) else valid_edoc_code(code)
        if problem:
            reader.error(("edoc", "old_codes", str(key)), problem)
        else:
            old_codes[str(key)] = code
    return EdocConfig(level1, pattern, first_seq, tuple(issued), old_codes)
