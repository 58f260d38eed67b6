"""YAML bounds checked on the event stream, before any node or Python object exists.

An alias (`*a`) is one event in the file but stands for a whole copy of its anchor's
node: nine lines of "billion laughs" stand for 10^9 strings, and anything that walks
the data (our line index, the constructor's callers, json) expands them. Walking the
parser's events needs memory for one counter per open collection and one per anchor,
and counts exactly how many nodes the document has once aliases are expanded:

- a scalar is one node; a collection is one node plus its content, known at its end event;
- an anchor records the expanded size of its node; an alias adds that size.

An alias to a collection that is still open is a recursive structure (infinite when
expanded), refused as such. Depth is checked here too: libyaml's composer and PyYAML's
pure-Python one recurse once per level and crash (or raise RecursionError) long before
a file reaches any size limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from controller.errors import Diagnostics
from controller.limits import YAML_ALIAS_MAX_NODES, YAML_MAX_DEPTH

_Parser: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class _Open:
    """A collection whose end event has not come yet."""

    __slots__ = ("anchor", "nodes")

    def __init__(self, anchor: str | None) -> None:
        self.anchor = anchor
        self.nodes = 1


def check_bounds(
    text: str,
    path: Path,
    diagnostics: Diagnostics,
    *,
    max_depth: int = YAML_MAX_DEPTH,
    max_alias_nodes: int = YAML_ALIAS_MAX_NODES,
) -> bool:
    """True when `text` nests at most `max_depth` deep and its aliases add at most
    `max_alias_nodes` nodes; else False plus a FILE:LINE diagnostic.

    YAML syntax errors propagate (yaml.MarkedYAMLError) for the caller to report.
    """
    parser = _Parser(text)
    try:
        return _walk(parser, path, diagnostics, max_depth, max_alias_nodes)
    finally:
        parser.dispose()


def _walk(parser: Any, path: Path, diagnostics: Diagnostics, max_depth: int, max_alias_nodes: int) -> bool:
    sizes: dict[str, int] = {}
    stack: list[_Open] = []
    added = 0
    while parser.check_event():
        event = parser.get_event()
        line = event.start_mark.line + 1
        if isinstance(event, yaml.ScalarEvent):
            nodes = 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            if any(item.anchor == event.anchor for item in stack):
                diagnostics.add(
                    path,
                    line,
                    f"alias *{event.anchor} refers to a collection that contains it (an endless structure)",
                    hint="write the values out instead of the alias",
                )
                return False
            if event.anchor not in sizes:
                continue  # the composer reports the undefined alias with its line
            nodes = sizes[event.anchor]
            added += nodes
            if added > max_alias_nodes:
                diagnostics.add(
                    path,
                    line,
                    f"YAML aliases expand to more than {max_alias_nodes:,} extra nodes (an alias bomb?)",
                    hint="write the values out instead of repeating *aliases",
                )
                return False
        elif isinstance(event, _STARTS):
            if len(stack) >= max_depth:
                diagnostics.add(
                    path,
                    line,
                    f"nested more than {max_depth} levels deep",
                    hint="real files nest a few levels; look for a runaway '[', '{' or '- '",
                )
                return False
            stack.append(_Open(event.anchor))
            continue
        elif isinstance(event, _ENDS):
            closed = stack.pop()
            nodes = closed.nodes
            if closed.anchor:
                sizes[closed.anchor] = nodes
        else:
            continue  # stream and document events are not nodes
        if stack:
            stack[-1].nodes += nodes
    return True
