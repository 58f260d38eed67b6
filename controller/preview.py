"""What a render would do, computed once for `plan` (to show it) and `inventory` (to do it).

read inputs -> validate -> allocate in memory -> render in memory -> compare with the
files on disk. Nothing is written here; `inventory` writes exactly `files` and the
state, and refuses a mass change first. Because both verbs use this one function,
`plan` cannot miss a change that `inventory` then makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from controller.allocate import Allocations, State, Validated, allocate_workspace, validated_inputs
from controller.allocate.allocations_state import state_text
from controller.change_plan import Plan, diff
from controller.change_plan_files import host_kinds, mass_changes
from controller.render import InventoryTree, build_inventory, snapshot
from controller.render.writer import FileChanges, compare
from controller.workspace import Workspace
from controller.yamlio import load_yaml

RENDERED = "state/rendered.yml"
ALLOCATIONS = "state/allocations.yml"


@dataclass
class Preview:
    inputs: Validated
    state: State
    allocations: Allocations
    state_changed: bool
    tree: InventoryTree
    files: dict[str, str]  # the inventory files (what write_inventory writes)
    changes: FileChanges  # inventory files + state/rendered.yml + state/allocations.yml vs the disk
    kinds: dict[str, str]  # host -> kind (gateways, ...), for summaries and the mass-change rule
    plan: Plan

    @property
    def refusals(self) -> list[str]:
        return self.plan.refusals


def preview(workspace: Workspace, inputs: Validated | None = None) -> Preview:
    inputs = inputs or validated_inputs(workspace)
    state, allocations, state_changed = allocate_workspace(workspace, inputs, write=False)
    tree, files = build_inventory(workspace, inputs.mapping, inputs.province, allocations)
    new_snapshot = snapshot(allocations, list(tree.host_vars))
    everything = {**files, RENDERED: _snapshot_text(new_snapshot)}
    if state_changed:
        everything[ALLOCATIONS] = state_text(state)
    changes = compare(workspace.dir, everything)
    on_disk_hosts = workspace.dir / "hosts.yml"
    kinds = host_kinds(files["hosts.yml"], _read(on_disk_hosts))

    rendered = workspace.dir / RENDERED
    previous: Any = load_yaml(rendered)[0] if rendered.exists() else None
    plan = diff(previous, new_snapshot)
    plan.files = changes
    plan.kinds = kinds
    plan.refusals.extend(mass_changes(changes, kinds))
    plan.notes.extend(allocations.notes)
    plan.notes.extend(
        f"would quarantine {item.kind} {item.value} ({item.owner}: {item.reason})"
        for item in allocations.released
    )
    return Preview(inputs, state, allocations, state_changed, tree, files, changes, kinds, plan)


def _snapshot_text(data: dict[str, Any]) -> str:
    from controller.render.writer import dump

    return dump(data)


def _read(path: Any) -> str | None:
    try:
        return str(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
