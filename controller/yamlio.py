"""YAML in and out: line numbers for diagnostics, readable dumps, atomic writes.

Reading keeps a `LineIndex` (key path -> 1-based line) built from the composed
node tree, so every check can report `FILE:LINE [key.path]: message`. Bad files
(undecodable, empty, binary, YAML syntax errors) are diagnostics, never tracebacks.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import yaml

from controller.errors import Diagnostics, InvalidInput

KeyPath = tuple[str | int, ...]


class LineIndex:
    """1-based line numbers of the nodes of a YAML document, by key path."""

    def __init__(self) -> None:
        self._lines: dict[KeyPath, int] = {}

    def record(self, path: KeyPath, line: int) -> None:
        self._lines.setdefault(path, line)

    def line(self, path: KeyPath) -> int | None:
        """Line of `path`, or of its closest recorded ancestor (a missing key is reported at its parent)."""
        while True:
            if path in self._lines:
                return self._lines[path]
            if not path:
                return None
            path = path[:-1]

    def __contains__(self, path: object) -> bool:
        return path in self._lines

    def __len__(self) -> int:
        return len(self._lines)


def key_path_text(path: KeyPath) -> str:
    """`new_units[3].formed_from[0].code` style text of a key path."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _index_nodes(root: yaml.Node, index: LineIndex) -> list[tuple[int, str]]:
    """Record the line of every node by key path; return (line, message) of duplicate mapping keys.

    Duplicate keys are found here, on the node tree we walk anyway, because PyYAML
    silently keeps the last value of a duplicated key.
    """
    duplicates: list[tuple[int, str]] = []
    lines = index._lines
    stack: list[tuple[yaml.Node, KeyPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                scalar = isinstance(key_node, yaml.ScalarNode)
                key = str(key_node.value) if scalar else str(key_node.start_mark)
                line = key_node.start_mark.line + 1
                if key in seen and key != "<<":
                    duplicates.append((line, f"duplicate key {key!r} (first at line {seen[key]})"))
                seen.setdefault(key, line)
                child = (*path, key)
                # The key's own line is the useful one for a block mapping value that starts below it.
                lines.setdefault(child, line)
                stack.append((value_node, child))
        elif isinstance(node, yaml.SequenceNode):
            for position, item in enumerate(node.value):
                stack.append((item, (*path, position)))
    return duplicates


# libyaml's parser when PyYAML was built with it: reading a whole province's mapping is
# dominated by parsing, and the pure-Python parser is ~10x slower.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: Path, diagnostics: Diagnostics) -> str | None:
    """UTF-8 text of `path` (BOM dropped), or None plus a diagnostic (missing/empty/binary/undecodable)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        diagnostics.add(path, None, "file not found")
        return None
    except OSError as error:
        diagnostics.add(path, None, f"cannot read: {error.strerror}")
        return None
    if not raw.strip():
        diagnostics.add(path, None, "file is empty")
        return None
    if b"\x00" in raw:
        diagnostics.add(path, None, "file is binary (contains NUL bytes), expected UTF-8 text")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        diagnostics.add(
            path, line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x})", hint="save the file as UTF-8"
        )
        return None
    return text


def parse_yaml(path: Path) -> tuple[Any, LineIndex, Diagnostics]:
    """(data or None, line index, diagnostics) of a YAML file; never raises on bad input."""
    diagnostics = Diagnostics()
    index = LineIndex()
    text = read_text(path, diagnostics)
    if text is None:
        return None, index, diagnostics
    try:
        # One parse: compose the node tree (for line numbers), then construct from it.
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            duplicates = _index_nodes(node, index) if node is not None else []
            for line, message in duplicates:
                diagnostics.add(path, line, message, hint="keep one of them")
            data = loader.construct_document(node) if node is not None and not duplicates else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        error_line = mark.line + 1 if mark else None
        problem = error.problem or str(error)
        diagnostics.add(path, error_line, f"YAML syntax error: {problem}")
        return None, index, diagnostics
    except yaml.YAMLError as error:
        diagnostics.add(path, None, f"YAML error: {error}")
        return None, index, diagnostics
    if diagnostics:
        return None, index, diagnostics
    if node is None or data is None:
        diagnostics.add(path, None, "file has no YAML content")
        return None, index, diagnostics
    return data, index, diagnostics


def load_yaml(path: str | Path) -> tuple[Any, LineIndex]:
    """Data and line index of a YAML file; raises InvalidInput with diagnostics when it cannot be read."""
    data, index, diagnostics = parse_yaml(Path(path))
    if diagnostics:
        raise InvalidInput(diagnostics)
    return data, index


class _BlockDumper(yaml.SafeDumper):
    """Block style, no aliases, list items indented under their key (yamllint's default)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _represent_str)


class _FastBlockDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml emitter: no aliases; sequences are not indented under their key (libyaml cannot)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_FastBlockDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any, header: str | None = None, *, fast: bool = False) -> str:
    """Block-style YAML, Unicode as is, no aliases, keys in the given order; `header` becomes comments.

    `fast` uses libyaml (about 5x faster, for large generated files such as mapping.yml);
    its only difference is that list items are not indented under their key.
    """
    body = yaml.dump(
        data,
        Dumper=_FastBlockDumper if fast else _BlockDumper,
        default_flow_style=False,
        allow_unicode=True,
        sort_keys=False,
        width=4096,
        explicit_start=True,
    )
    if not header:
        return body
    comments = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines())
    return comments + body


def atomic_write(path: str | Path, text: str) -> None:
    """Write `text` via a temporary file in the same folder, fsync and rename: never half-written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp creates 0600; keep the mode of the file we replace, else the usual umask-based one.
        try:
            mode = path.stat().st_mode & 0o777
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    with suppress(OSError):
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def iter_paths(index: LineIndex) -> Iterator[KeyPath]:
    """Key paths recorded in an index (for debugging and tests)."""
    return iter(index._lines)
