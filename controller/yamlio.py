"""YAML in and out: line numbers for diagnostics, readable dumps, atomic writes.

Reading keeps a `LineIndex` (key path -> 1-based line) built from the composed
node tree, so every check can report `FILE:LINE [key.path]: message`. Bad files
(undecodable, empty, binary, too large, YAML syntax errors, alias bombs) are diagnostics,
never tracebacks.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import Any

import yaml

from controller import inputfiles
from controller.errors import Diagnostics, InvalidInput
from controller.limits import GENERATED_YAML_MAX_BYTES
from controller.yamlguard import check_bounds

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
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loading where a value that cannot be built is a diagnostic with its line, never a crash."""


def _date_or_text(loader: Any, node: yaml.ScalarNode) -> Any:
    # `2025-06-31` looks like a date to the resolver but datetime refuses it (ValueError at
    # load time, before any reader knows where it was). Kept as text, the reader of that
    # key reports it with its line and what is wrong with it.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, TypeError, AttributeError):
        return loader.construct_scalar(node)


def _strict(kind: str, construct: Any) -> Any:
    def build(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            # Only an explicit tag (`!!int abc`) gets here: the resolver tags plain scalars
            # by patterns the constructors accept.
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not {kind}", node.start_mark
            ) from None

    return build


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _date_or_text)
for _tag, _kind, _construct in (
    ("int", "an integer", yaml.constructor.SafeConstructor.construct_yaml_int),
    ("float", "a number", yaml.constructor.SafeConstructor.construct_yaml_float),
    ("bool", "true or false", yaml.constructor.SafeConstructor.construct_yaml_bool),
):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _strict(_kind, _construct))


def read_text(
    path: Path,
    diagnostics: Diagnostics,
    *,
    max_bytes: int = GENERATED_YAML_MAX_BYTES,
    what: str = "this file",
) -> str | None:
    """UTF-8 text of `path` (BOM dropped) within the size and line limits, or None plus a diagnostic."""
    return inputfiles.read_text(path, diagnostics, max_bytes=max_bytes, what=what)


def parse_yaml(
    path: Path, *, max_bytes: int = GENERATED_YAML_MAX_BYTES, what: str = "this file"
) -> tuple[Any, LineIndex, Diagnostics]:
    """(data or None, line index, diagnostics) of a YAML file; never raises on bad input.

    Bounded: the file's size and line length (`controller.inputfiles`), then its nesting
    and alias expansion (`controller.yamlguard`), all before a node is built.
    """
    diagnostics = Diagnostics()
    index = LineIndex()
    text = read_text(path, diagnostics, max_bytes=max_bytes, what=what)
    if text is None:
        return None, index, diagnostics
    try:
        if not check_bounds(text, path, diagnostics):
            return None, index, diagnostics
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
