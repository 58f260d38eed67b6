"""Stable allocation: labels, prefixes, sites, legacy endpoints, e-doc codes, quarantine.

`allocate()` is pure (mapping, province, previous state, today) -> (state, allocations,
diagnostics); `allocate_workspace()` is the edge that reads the workspace and, when
asked, writes `state/allocations.yml` atomically under the workspace lock.

One job per module: `pipeline` (the order of the allocation steps), `pools` (first fit),
`view` (the `Allocations` the renderer reads, module `result`), `reuse` (which site keeps
which old line), `successions` (primary successors and fates), `collisions` and
`quarantine` (checks and releases), `allocations_state` (`state/allocations.yml`), `asn`.
Names and labels come from `controller.names`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from controller.allocate.allocations_state import (
    State,
    load_state,
    load_state_with_lines,
    save_state,
    state_path,
)
from controller.allocate.collisions import check_state
from controller.allocate.pipeline import allocate
from controller.allocate.result import (
    Allocations,
    CommuneAllocation,
    OldDistrictAllocation,
    OldUnitAllocation,
)
from controller.errors import InvalidInput
from controller.model import Mapping
from controller.province import ProvinceConfig
from controller.workspace import Workspace

__all__ = [
    "Allocations",
    "CommuneAllocation",
    "OldDistrictAllocation",
    "OldUnitAllocation",
    "State",
    "Validated",
    "allocate",
    "allocate_workspace",
    "load_state",
    "save_state",
    "validated_inputs",
]


@dataclass
class Validated:
    mapping: Mapping
    province: ProvinceConfig


def validated_inputs(workspace: Workspace) -> Validated:
    """mapping + province of a workspace; InvalidInput with every problem otherwise."""
    from controller.validate import validate_workspace

    workspace.require()
    mapping, province, diagnostics = validate_workspace(workspace)
    if diagnostics or mapping is None or province is None:
        raise InvalidInput(diagnostics)
    return Validated(mapping, province)


def allocate_workspace(
    workspace: Workspace, inputs: Validated, *, write: bool, today: dt.date | None = None
) -> tuple[State, Allocations, bool]:
    """(state, allocations, changed). With `write`, the caller must hold `workspace.lock()`."""
    today = today or dt.date.today()
    previous, lines, diagnostics = load_state_with_lines(workspace.state_dir)
    path = state_path(workspace.state_dir)
    if not diagnostics:
        diagnostics = check_state(previous, path, lines, inputs.province.quarantine, today)
    if diagnostics:
        raise InvalidInput(diagnostics)
    state, allocations, found = allocate(
        inputs.mapping, inputs.province, previous, today, state_path=path, state_lines=lines
    )
    if found:
        raise InvalidInput(found)
    changed = state.generation != previous.generation or not state_path(workspace.state_dir).exists()
    if write and changed:
        save_state(workspace.state_dir, state)
    return state, allocations, changed
