"""InventoryTree: the inventory in memory, before it is written.

The renderer fills it from the allocations; contributions (`controller.contrib`,
their `render` hook) add to it; the writer turns it
into files. Groups keep insertion order; group names are `[a-z0-9_]`.

    tree.add_group("idesk_vms", parent="ic_vms")
    tree.add_host("idesk-muine", groups=["idesk_vms"], vars={"ansible_host": "10.241.0.10"})
    tree.set_host_vars("muine-gw", {"commune_idesk_host": "idesk-muine"})   # merged into its host_vars
    tree.set_group_vars("all", "accounts", {...})       # -> group_vars/all/accounts.yml
    tree.add_file("reports/tenants.json", text)          # any other generated file, relative to DIR
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_GROUP = re.compile(r"^[a-z_][a-z0-9_]*$")
_HOST = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


@dataclass
class Group:
    name: str
    hosts: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


@dataclass
class InventoryTree:
    groups: dict[str, Group] = field(default_factory=dict)
    host_vars: dict[str, dict[str, Any]] = field(default_factory=dict)
    group_vars: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=dict
    )  # group -> file stem -> vars
    files: dict[str, str] = field(default_factory=dict)  # extra generated files, path relative to DIR
    parents: dict[str, list[str]] = field(default_factory=dict)

    def add_group(self, name: str, parent: str | None = None) -> Group:
        if not _GROUP.match(name):
            raise ValueError(f"invalid group name {name!r}: use [a-z0-9_]")
        group = self.groups.setdefault(name, Group(name))
        if parent is not None:
            self.add_group(parent)
            if name not in self.groups[parent].children:
                self.groups[parent].children.append(name)
                self.parents.setdefault(name, []).append(parent)
        return group

    def add_host(
        self, name: str, groups: list[str] | tuple[str, ...] = (), vars: dict[str, Any] | None = None
    ) -> None:
        if not _HOST.match(name):
            raise ValueError(f"invalid host name {name!r}")
        self.host_vars.setdefault(name, {})
        for group in groups:
            self.add_to_group(group, name)
        if vars:
            self.set_host_vars(name, vars)

    def add_to_group(self, group: str, host: str) -> None:
        members = self.add_group(group).hosts
        if host not in members:
            members.append(host)

    def set_host_vars(self, host: str, vars: dict[str, Any]) -> None:
        if host not in self.host_vars:
            raise KeyError(f"no host {host!r} in the inventory (add_host first)")
        self.host_vars[host].update(vars)

    def set_group_vars(self, group: str, stem: str, vars: dict[str, Any]) -> None:
        if group != "all":
            self.add_group(group)
        self.group_vars.setdefault(group, {})[stem] = vars

    def add_file(self, relative_path: str, text: str) -> None:
        if relative_path.startswith(("/", "..")) or "/../" in relative_path:
            raise ValueError(f"generated files stay inside the workspace: {relative_path!r}")
        self.files[relative_path] = text

    def roots(self) -> list[str]:
        return [name for name in self.groups if name not in self.parents]

    def hosts_in(self, group: str) -> list[str]:
        return list(self.groups[group].hosts) if group in self.groups else []
