"""The one typed reader of parsed YAML files (province.yml, its contributed sections, mapping.yml).

`parse_yaml` gives plain data and a `LineIndex`; a `YamlReader` answers typed questions
about it by key path ("the IPv4 prefix at pools.commune_lans") and records a
`FILE:LINE [key.path] message (fix: hint)` diagnostic for every missing or bad value,
returning a default so that reading goes on and one run reports every problem.
The value kinds themselves are `controller.values`.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from netaddr import IPAddress, IPNetwork

from controller import values
from controller.errors import Diagnostics
from controller.yamlio import KeyPath, LineIndex, key_path_text

T = TypeVar("T")
_MISSING = object()


class YamlReader:
    """Typed, diagnosing access to the data of one YAML file."""

    def __init__(self, path: Path, data: Any, lines: LineIndex, diagnostics: Diagnostics) -> None:
        self.path = path
        self.data = data
        self.lines = lines
        self.diagnostics = diagnostics

    def error(self, keypath: KeyPath, message: str, hint: str | None = None) -> None:
        self.diagnostics.add(
            self.path, self.lines.line(keypath), message, key=key_path_text(keypath) or None, hint=hint
        )

    def _lookup(self, keypath: KeyPath) -> Any:
        node: Any = self.data
        for part in keypath:
            if isinstance(node, dict):
                node = node[part] if part in node else self._unquoted_key(node, part)
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return _MISSING
            if node is _MISSING:
                return _MISSING
        return node

    @staticmethod
    def _unquoted_key(node: dict[Any, Any], part: str | int) -> Any:
        # Key paths hold text, as the line index does; YAML reads an unquoted `22918:` as a number.
        for key, value in node.items():
            if not isinstance(key, str) and str(key) == part:
                return value
        return _MISSING

    def has(self, keypath: KeyPath) -> bool:
        """Whether the key is written in the file (even with an empty value)."""
        return self._lookup(keypath) is not _MISSING

    def get(self, keypath: KeyPath, default: Any = None) -> Any:
        """The raw value, or `default` when the key is absent or empty (null)."""
        node = self._lookup(keypath)
        return default if node is _MISSING or node is None else node

    # ------------------------------------------------------------------ structure

    def mapping(self, keypath: KeyPath) -> dict[Any, Any]:
        value = self.get(keypath, {})
        if not isinstance(value, dict):
            self.error(keypath, f"expected a mapping, got {type(value).__name__}")
            return {}
        return value

    def sequence(self, keypath: KeyPath) -> list[Any]:
        value = self.get(keypath, [])
        if not isinstance(value, list):
            self.error(keypath, f"expected a list, got {type(value).__name__}")
            return []
        return value

    def unknown_key(self, keypath: KeyPath, allowed: Iterable[str]) -> None:
        """Report the key at `keypath` as unknown, with the closest allowed key when one is close."""
        key = str(keypath[-1])
        choices = sorted(allowed)
        close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
        if close:
            guess = close[0]
            self.error(keypath, f"unknown key {key!r}; did you mean {guess!r}?", hint=f"rename it to {guess}")
            return
        hint = f"keys allowed here: {', '.join(choices)}" if choices else "nothing else is allowed here"
        self.error(keypath, f"unknown key {key!r}", hint=hint)

    def unknown_keys(self, keypath: KeyPath, allowed: Iterable[str]) -> None:
        """Report every key of the mapping at `keypath` that is not in `allowed`."""
        allowed = tuple(allowed)
        node = self.get(keypath, {})
        if isinstance(node, dict):
            for key in node:
                if key not in allowed:
                    self.unknown_key((*keypath, str(key)), allowed)

    # ------------------------------------------------------------------ scalars

    def text(self, keypath: KeyPath, default: str = "") -> str:
        value = self.get(keypath, default)
        if isinstance(value, bool):
            # YAML 1.1 reads yes/no/on/off as booleans: `line_id: NO` would become "False".
            self.error(keypath, f"expected text, got {value!r}", hint="put the value in quotes")
            return default
        if not isinstance(value, str | int | float):
            self.error(keypath, f"expected text, got {type(value).__name__}")
            return default
        return str(value)

    def boolean(self, keypath: KeyPath, default: bool) -> bool:
        value = self.get(keypath, default)
        if not isinstance(value, bool):
            self.error(keypath, f"expected true or false, got {value!r}")
            return default
        return value

    def integer(self, keypath: KeyPath, low: int, high: int, default: int | None = None) -> int | None:
        value = self.get(keypath, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(keypath, f"expected a whole number, got {value!r}")
            return None
        if not low <= value <= high:
            self.error(keypath, f"{value} is out of range {low}..{high}")
            return None
        return value

    def number(self, keypath: KeyPath, low: float, high: float, default: float | None = None) -> float | None:
        value = self.get(keypath, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(keypath, f"expected a number, got {value!r}")
            return None
        if not low <= value <= high:
            self.error(keypath, f"{value} is outside {low:g}..{high:g}")
            return None
        return value

    def typed(
        self, keypath: KeyPath, parse: Callable[[Any], T], missing: str | None = None, value: Any = _MISSING
    ) -> T | None:
        """`parse(value)` of the value at `keypath` (or of `value`, when the caller holds it already),
        or None: absent (an error `missing` when it is required) or bad (its error)."""
        if value is _MISSING:
            value = self.get(keypath)
        if value is None:
            if missing is not None:
                self.error(keypath, missing)
            return None
        try:
            return parse(value)
        except values.BadValue as bad:
            self.error(keypath, bad.message, hint=bad.hint)
            return None

    def network(self, keypath: KeyPath, required: bool = True) -> IPNetwork | None:
        return self.typed(keypath, values.ipv4_network, "missing CIDR prefix" if required else None)

    def address(self, keypath: KeyPath, required: bool = True) -> IPAddress | None:
        return self.typed(keypath, values.ipv4_address, "missing address" if required else None)

    def ipv6_address(self, keypath: KeyPath) -> IPAddress | None:
        return self.typed(keypath, values.ipv6_address)

    def mac(self, keypath: KeyPath) -> str | None:
        return self.typed(keypath, values.mac_address)

    def url(self, keypath: KeyPath) -> str:
        """An http(s) URL, or "" when the key is absent or empty."""
        if self.get(keypath) == "":
            return ""
        return self.typed(keypath, values.http_url) or ""

    def dn(self, keypath: KeyPath, default: str) -> str:
        if self.get(keypath) is None:
            return default
        return self.typed(keypath, values.ldap_dn) or default

    def date(self, keypath: KeyPath, default: dt.date | None = None, required: bool = True) -> dt.date | None:
        missing = "missing date (YYYY-MM-DD)" if default is None and required else None
        if self.get(keypath) is None:
            if missing:
                self.error(keypath, missing)
            return default
        return self.typed(keypath, values.calendar_date) or default

    def domain(self, keypath: KeyPath, default: str) -> str:
        value = self.text(keypath, default)
        if not values.valid_domain(value):
            self.error(
                keypath,
                f"invalid domain name {value!r}",
                hint="lower-case ASCII labels of a-z 0-9 '-', dot-separated, e.g. lamdong.gov.vn",
            )
        return value
