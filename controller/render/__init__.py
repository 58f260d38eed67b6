"""Rendering: allocations -> InventoryTree (+ contributions) -> files.

`build_inventory` is pure (returns the tree and its files); `write_workspace`
is the edge that writes them and the `state/rendered.yml` snapshot.
"""

from __future__ import annotations

from pathlib import Path

from controller.allocate.result import Allocations
from controller.contrib import contributions
from controller.errors import Diagnostics, InvalidInput
from controller.fsguard import remove_stale_temps
from controller.model import Mapping
from controller.province import ProvinceConfig
from controller.render.build import build_tree
from controller.render.snapshot import snapshot
from controller.render.tree import Group, InventoryTree
from controller.render.writer import GENERATED_MARKER, WriteCounts, dump, render_files, write_inventory
from controller.workspace import Workspace
from controller.yamlio import atomic_write

__all__ = [
    "GENERATED_MARKER",
    "Group",
    "InventoryTree",
    "build_inventory",
    "render_files",
    "snapshot",
    "snapshot_text",
    "write_workspace",
]


def build_inventory(
    workspace: Workspace, mapping: Mapping, province: ProvinceConfig, allocations: Allocations
) -> tuple[InventoryTree, dict[str, str]]:
    """The tree (after every contribution) and the files it becomes; InvalidInput on problems."""
    tree = build_tree(allocations, province)
    diagnostics = Diagnostics()
    for contribution in contributions():
        if contribution.render is not None:
            contribution.render(workspace, mapping, province, allocations, tree, diagnostics)
    if diagnostics:
        raise InvalidInput(diagnostics)
    return tree, render_files(tree)


def snapshot_text(tree: InventoryTree, allocations: Allocations) -> str:
    """`state/rendered.yml` as the render writes it (plan compares it like any other file)."""
    return dump(snapshot(allocations, list(tree.host_vars)))


def write_workspace(
    directory: Path, tree: InventoryTree, files: dict[str, str], allocations: Allocations
) -> WriteCounts:
    """Write the inventory and the snapshot; the caller holds the workspace lock."""
    counts = write_inventory(directory, files)
    rendered = Path(directory) / "state" / "rendered.yml"
    text = snapshot_text(tree, allocations)
    stale = remove_stale_temps([rendered.parent])
    if not rendered.exists() or rendered.read_text(encoding="utf-8") != text:
        atomic_write(rendered, text)
    return WriteCounts(counts.written, counts.unchanged, counts.removed, counts.stale_temps + stale)
