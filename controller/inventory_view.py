"""A rendered inventory as Ansible sees it (group_vars, host_vars, children), read once through
`ansible-inventory --list`, and the host patterns of `--limit`.

`mergectl check` and the lab read the same view: what Ansible would apply is what they check.
"""

from __future__ import annotations

import fnmatch
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from controller.errors import UserError


@dataclass(frozen=True)
class InventoryView:
    """group -> hosts (children flattened, inventory order kept) and host -> variables."""

    groups: Mapping[str, Sequence[str]]
    hostvars: Mapping[str, Mapping[str, Any]]

    @classmethod
    def from_ansible_list(cls, data: Mapping[str, object]) -> InventoryView:
        """Builds the view from `ansible-inventory --list` JSON."""
        meta = data.get("_meta", {})
        hostvars = dict(meta.get("hostvars", {})) if isinstance(meta, Mapping) else {}
        groups: dict[str, list[str]] = {}

        def hosts_of(group: str, seen: frozenset[str]) -> list[str]:
            if group in groups:
                return groups[group]
            entry = data.get(group, {})
            found: list[str] = []
            if isinstance(entry, Mapping):
                found.extend(entry.get("hosts", []))
                for child in entry.get("children", []):
                    if child not in seen:
                        found.extend(hosts_of(child, seen | {child}))
            ordered = list(dict.fromkeys(found))
            groups[group] = ordered
            return ordered

        for name in data:
            if name != "_meta":
                hosts_of(name, frozenset({name}))
        for host in hostvars:
            groups.setdefault("all", [])
            if host not in groups["all"]:
                groups["all"].append(host)
        return cls(groups=groups, hostvars=hostvars)

    def hosts(self, group: str) -> list[str]:
        return list(self.groups.get(group, []))

    def groups_of(self, host: str) -> list[str]:
        return [group for group, members in self.groups.items() if host in members]

    def province_var(self, name: str) -> Any:
        """A group_vars/all variable: every host carries it, the first one that has it answers."""
        for variables in self.hostvars.values():
            if name in variables:
                return variables[name]
        return None


def matches_pattern(view: InventoryView, host: str, pattern: str | None, aliases: Iterable[str] = ()) -> bool:
    """A small subset of Ansible host patterns: terms separated by ',' or ':', each a
    host or group name with shell-style wildcards; a term starting with '!' excludes.
    Hosts match when some positive term matches (or there are only exclusions) and
    no exclusion does. `aliases`: other names the host answers to (a commune's label
    and code for its gateway)."""
    if not pattern:
        return True
    terms = [term.strip() for term in pattern.replace(":", ",").split(",") if term.strip()]
    positive = [term for term in terms if not term.startswith("!")]
    negative = [term[1:] for term in terms if term.startswith("!")]
    names = [host, *aliases, *view.groups_of(host)]

    def hit(term: str) -> bool:
        return any(fnmatch.fnmatchcase(name, term) for name in names)

    selected = any(hit(term) for term in positive) if positive else True
    return selected and not any(hit(term) for term in negative)


def _ansible_env() -> dict[str, str]:
    """The settings a run of the playbooks would have, so the workspace's other files (mapping,
    state, reports, lab) are ignored as they are then."""
    from controller.run import COLLECTION_CONFIG, ansible_content, ansible_env

    content = ansible_content()
    if not content.collection:
        return ansible_env(content.folder)
    return {
        "ANSIBLE_INVENTORY_IGNORE_REGEX": COLLECTION_CONFIG["defaults"]["inventory_ignore_patterns"],
        "ANSIBLE_FORCE_COLOR": "false",
    }


def load_inventory(workspace: Path) -> InventoryView:
    """`ansible-inventory --list` of the workspace."""
    from controller.run import inventory_sources

    env = {**os.environ, **_ansible_env()}
    binary = Path(sys.executable).with_name("ansible-inventory")
    command = [str(binary) if binary.exists() else "ansible-inventory"]
    for source in inventory_sources(workspace, lab=False):
        command += ["-i", source]
    done = subprocess.run([*command, "--list"], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise UserError(f"ansible-inventory could not read {workspace}: {done.stderr.strip()}")
    return InventoryView.from_ansible_list(json.loads(done.stdout))
