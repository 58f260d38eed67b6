"""A small, fast YAML emitter for the generated files (plain data: dict, list, str, int, bool, None).

PyYAML's representer is pure Python even with libyaml's emitter and dominated the
whole-country render (thousands of host_vars files). The data we write is plain,
so a direct emitter is enough: block style (readable, diff-friendly), strings
plain when unambiguous and JSON-quoted otherwise (a JSON string is a valid YAML
double-quoted scalar). tests/test_render_emit.py checks it round-trips through
yaml.safe_load.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.@/-]*$")
# Words YAML 1.1 (PyYAML, Ansible) would read as booleans or null.
_RESERVED = frozenset({"y", "n", "yes", "no", "true", "false", "on", "off", "null", "nan", "inf"})


def scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    return _text(str(value))


# Characters YAML does not allow raw (or reads as line breaks): escaped inside double quotes.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


@lru_cache(maxsize=1 << 16)  # names, codes and addresses repeat across thousands of files
def _text(text: str) -> str:
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return _UNPRINTABLE.sub(_escape, json.dumps(text, ensure_ascii=False))


def _key(key: Any) -> str:
    return _text(str(key))


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if (isinstance(item, dict) and item) or (isinstance(item, list) and item):
                out.append(f"{pad}{_key(key)}:")
                _emit(item, indent + 2, out)
            else:
                out.append(f"{pad}{_key(key)}: {_inline(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                lines: list[str] = []
                _emit(item, indent + 2, lines)
                lines[0] = f"{pad}- {lines[0][indent + 2 :]}"
                out.extend(lines)
            elif isinstance(item, list) and item:
                lines = []
                _emit(item, indent + 2, lines)
                lines[0] = f"{pad}- {lines[0][indent + 2 :]}"
                out.extend(lines)
            else:
                out.append(f"{pad}- {_inline(item)}")
    else:
        out.append(f"{pad}{_inline(value)}")


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)


def to_yaml(data: Any) -> str:
    """A YAML document (`---` first) of plain data."""
    if data in ({}, []) or not isinstance(data, dict | list):
        return f"--- {_inline(data)}\n"
    out = ["---"]
    _emit(data, 0, out)
    return "\n".join(out) + "\n"
