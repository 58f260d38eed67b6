"""The file side of the change plan: every change a render makes to every file, summarised per kind.

`controller.render.writer.compare` lists the files a render would create, change and
remove (the same list `mergectl inventory` then writes). Here, pure functions turn that
list into what an engineer reviews: per kind of host (gateways, clients, servers...) and
per variable, how many hosts change and how ("45 gateways: commune_vlans[gov].id 10 -> 11"),
the groups whose variables change, the unified diff on request, and octoDNS's safety rule:
a render that changes or retires more than 30 % of a kind's existing items (once there
are at least 10) needs `--allow-mass-change`.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import yaml

from controller.render.writer import FileChanges

MASS_CHANGE_SHARE = 0.30
MASS_CHANGE_MINIMUM = 10

# A host's kind is that of the first of these groups it is directly in (else "servers").
HOST_KINDS = (
    ("communes", "gateways"),
    ("commune_clients", "commune clients"),
    ("retiring_districts", "old district hosts"),
    ("hypervisors", "hypervisors"),
    ("idesk_vms", "iDesk VMs"),
    ("tthc_vms", "TTHC VMs"),
)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MISSING = object()
_EXAMPLES = 3  # values listed when hosts differ in what changes


@dataclass(frozen=True)
class KindLine:
    """One line of the summary: `count` items of `kind` whose `what` changes."""

    kind: str
    count: int
    what: str
    items: tuple[str, ...]

    def __str__(self) -> str:
        if self.kind in ("groups", "state files", "other files", "inventory"):
            return self.what  # names its group or file itself
        kind = self.kind.removesuffix("s") if self.count == 1 else self.kind
        return f"{self.count} {kind}: {self.what}"


def host_kinds(*hosts_documents: str | None) -> dict[str, str]:
    """Host -> kind from hosts.yml texts (the new one first: it wins for hosts in both)."""
    kinds: dict[str, str] = {}
    for text in hosts_documents:
        groups = _direct_groups(_load(text))
        for host, names in groups.items():
            kind = next((noun for group, noun in HOST_KINDS if group in names), "servers")
            kinds.setdefault(host, kind)
    return kinds


def _direct_groups(document: Any) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)

    def walk(name: str, group: Any) -> None:
        if not isinstance(group, dict):
            return
        for host in group.get("hosts") or {}:
            found[str(host)].add(name)
        for child, body in (group.get("children") or {}).items():
            walk(str(child), body)

    if isinstance(document, dict):
        walk("all", document.get("all"))
    return found


def _members(document: Any) -> dict[str, set[str]]:
    """Group -> its direct hosts and child groups (children as 'group NAME')."""
    members: dict[str, set[str]] = defaultdict(set)

    def walk(name: str, group: Any) -> None:
        members[name]
        if not isinstance(group, dict):
            return
        members[name].update(str(host) for host in group.get("hosts") or {})
        for child, body in (group.get("children") or {}).items():
            members[name].add(f"group {child}")
            walk(str(child), body)

    if isinstance(document, dict):
        walk("all", document.get("all"))
    return members


def _load(text: str | None) -> Any:
    if not text:
        return None
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        return None


def _kind_of(path: str, kinds: dict[str, str]) -> tuple[str, str]:
    """(kind, item) of a rendered file: host_vars by host kind, group_vars by group."""
    if path.startswith("host_vars/") and path.count("/") == 1:
        host = path.removeprefix("host_vars/").removesuffix(".yml")
        return kinds.get(host, "servers"), host
    if path.startswith("group_vars/"):
        group = path.split("/")[1]
        return "groups", group
    if path == "hosts.yml":
        return "inventory", "hosts.yml"
    if path.startswith("state/"):
        return "state files", path
    return "other files", path


def _leaves(before: Any, after: Any, path: str, out: list[tuple[str, Any, Any]]) -> None:
    """(key path, before, after) of every value that differs; list items named by `name`."""
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(key for key in after if key not in before)]:
            child = f"{path}.{key}" if path else str(key)
            _leaves(before.get(key, _MISSING), after.get(key, _MISSING), child, out)
        return
    if isinstance(before, list) and isinstance(after, list):
        before_named, after_named = _named(before), _named(after)
        if before_named is not None and after_named is not None:
            for name in [*before_named, *(name for name in after_named if name not in before_named)]:
                _leaves(before_named.get(name, _MISSING), after_named.get(name, _MISSING),
                        f"{path}[{name}]", out)
            return
        if len(before) == len(after):
            for index, (old, new) in enumerate(zip(before, after, strict=True)):
                _leaves(old, new, f"{path}[{index}]", out)
            return
    out.append((path, before, after))


def _named(items: list[Any]) -> dict[str, Any] | None:
    """Items by their `name` (or `room`, `code`, `key`) when every item has a distinct one."""
    for key in ("name", "room", "code", "key"):
        if items and all(isinstance(item, dict) and key in item for item in items):
            names = [str(item[key]) for item in items]
            if len(set(names)) == len(names):
                return dict(zip(names, items, strict=True))
    return None


def _text(value: Any) -> str:
    if value is _MISSING:
        return "(absent)"
    if isinstance(value, dict):
        return f"{{{len(value)} keys}}"
    if isinstance(value, list):
        return f"[{len(value)} items]"
    return "null" if value is None else str(value)


def summarise(changes: FileChanges, kinds: dict[str, str]) -> list[KindLine]:
    """Per kind, what changes and for how many of its items; largest first."""
    by_value: dict[tuple[str, str], dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    lines: list[KindLine] = []
    for path, (old_text, new_text) in sorted(changes.changed.items()):
        kind, item = _kind_of(path, kinds)
        if path == "hosts.yml":
            lines.extend(_membership(old_text, new_text))
            continue
        leaves: list[tuple[str, Any, Any]] = []
        _leaves(_load(old_text), _load(new_text), "", leaves)
        if not leaves:  # not YAML, or only comments changed: still a change
            leaves = [("(file text)", "old text", "new text")]
        subject = {"groups": f"group {item} ({path.split('/')[-1]}): "}.get(kind, f"{item}: ")
        if kind not in ("groups", "state files", "other files"):
            subject = ""
        for key, old, new in leaves:
            by_value[(kind, subject + key)][(_text(old), _text(new))].append(item)
    for (kind, key), values in by_value.items():
        items = tuple(sorted({item for hosts in values.values() for item in hosts}))
        if len(values) == 1:
            (old, new), _ = next(iter(values.items()))
            what = f"{key} {old} -> {new}"
        else:
            shown = list(values.items())[:_EXAMPLES]
            examples = [f"{hosts[0]} {old} -> {new}" for (old, new), hosts in shown]
            what = f"{key} changes ({', '.join(examples)}{', ...' if len(values) > _EXAMPLES else ''})"
        lines.append(KindLine(kind, len(items), what, items))
    for verb, paths in (("new", changes.created), ("retired", changes.removed)):
        grouped: dict[str, list[str]] = defaultdict(list)
        for path in paths:
            kind, item = _kind_of(path, kinds)
            grouped[kind].append(item)
        for kind, names in grouped.items():
            listed = ", ".join(sorted(names)[:_EXAMPLES]) + (", ..." if len(names) > _EXAMPLES else "")
            lines.append(KindLine(kind, len(names), f"{verb} ({listed})", tuple(sorted(names))))
    return sorted(lines, key=lambda line: (-line.count, line.kind, line.what))


def _membership(old_text: str, new_text: str) -> list[KindLine]:
    before, after = _members(_load(old_text)), _members(_load(new_text))
    lines = []
    for group in sorted(set(before) | set(after)):
        added = sorted(after.get(group, set()) - before.get(group, set()))
        gone = sorted(before.get(group, set()) - after.get(group, set()))
        if not added and not gone:
            continue
        parts = [f"+{', +'.join(added)}" if added else "", f"-{', -'.join(gone)}" if gone else ""]
        what = f"group {group}: " + "; ".join(part for part in parts if part)
        lines.append(KindLine("groups", 1, what, (group,)))
    return lines


def mass_changes(changes: FileChanges, kinds: dict[str, str]) -> list[str]:
    """Why a render is a mass change (octoDNS's rule per kind of rendered file); [] when it is not."""
    existing: dict[str, int] = defaultdict(int)
    touched: dict[str, int] = defaultdict(int)
    for path in [*changes.unchanged, *changes.changed, *changes.removed]:
        kind, _ = _kind_of(path, kinds)
        existing[kind] += 1
        if path in changes.changed or path in changes.removed:
            touched[kind] += 1
    reasons = []
    for kind in sorted(existing):
        if kind in ("state files", "inventory"):
            continue  # bookkeeping that follows from the others
        count, share = existing[kind], touched[kind] / existing[kind]
        if count >= MASS_CHANGE_MINIMUM and share > MASS_CHANGE_SHARE:
            reasons.append(
                f"{touched[kind]} of {count} {kind} ({share:.0%}) would be changed or retired "
                f"(more than {MASS_CHANGE_SHARE:.0%} of a kind with at least {MASS_CHANGE_MINIMUM})"
            )
    return reasons


def unified_diff(changes: FileChanges) -> str:
    """`diff -u` of every created, changed and removed file, in path order."""
    chunks: list[str] = []
    texts = {
        **{path: ("", text) for path, text in changes.created.items()},
        **changes.changed,
        **{path: (text, "") for path, text in changes.removed.items()},
    }
    for path in sorted(texts):
        old, new = texts[path]
        chunks.extend(
            difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile="/dev/null" if path in changes.created else f"a/{path}",
                tofile="/dev/null" if path in changes.removed else f"b/{path}",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)
