"""What a survey is checked against: mapping.yml, province.yml as the engineer wrote it (before
the survey feeds its e-ID codes), and the codes already planned in state/allocations.yml."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from controller.errors import Diagnostics, InvalidInput
from controller.model import Mapping
from controller.province import ProvinceConfig, load_province
from controller.survey.holders import Holders
from controller.workspace import Workspace


@dataclass(frozen=True)
class PlannedCode:
    commune: str  # new unit code
    path: Path
    line: int | None


@dataclass
class Context:
    ws: Workspace
    mapping: Mapping
    holders: Holders
    province: ProvinceConfig
    planned: dict[str, PlannedCode] = field(default_factory=dict)  # e-ID code -> the commune planned


def planned_codes(ws: Workspace, diagnostics: Diagnostics) -> dict[str, PlannedCode]:
    """The e-ID codes the allocation has planned for new communes ({} before the first inventory)."""
    from controller.allocate.allocations_state import load_state_with_lines, state_path

    state, lines, found = load_state_with_lines(ws.state_dir)
    diagnostics.extend(found)
    path = state_path(ws.state_dir)
    return {entry.edoc_code: PlannedCode(code, path, lines.line(("communes", code, "edoc_code")))
            for code, entry in state.communes.items() if entry.edoc_code}


def load_context(ws: Workspace) -> Context:
    """The context of a workspace; InvalidInput when mapping.yml, province.yml or the state is wrong."""
    mapping = ws.load_mapping()
    province, diagnostics = load_province(ws.province_path, mapping)
    planned = planned_codes(ws, diagnostics)
    if province is None or diagnostics:
        raise InvalidInput(diagnostics)
    return Context(ws, mapping, Holders(mapping), province, planned)
