"""Validation of a whole workspace: mapping.yml, then province.yml, then every workstream's own checks.

All problems are collected into one Diagnostics so `mergectl validate` reports
everything in one run. Workstreams add checks without editing this file: a
contribution (`controller.contrib.MODULES`) with a `validate` hook is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from controller.contrib import ContributionUnavailable, contributions
from controller.errors import Diagnostics
from controller.mapping_io import read_mapping
from controller.model import Mapping
from controller.sources.rows import build_mapping, check_rows  # re-exported: the mapping rules
from controller.workspace import Workspace

if TYPE_CHECKING:
    from controller.contrib import Validate
    from controller.province import ProvinceConfig

__all__ = [
    "CheckerUnavailable",
    "build_mapping",
    "check_rows",
    "contrib_validators",
    "validate_province",
    "validate_workspace",
]


class CheckerUnavailable(Exception):
    """A checker could not be imported: validation would be incomplete, so it does not say "valid"."""


def contrib_validators() -> list[tuple[str, Validate]]:
    """(contribution name, validate hook) of every contribution that has one, in their order.

    A contribution that cannot be imported (a missing dependency, a syntax error) is never
    skipped: "valid" must mean every checker ran."""
    try:
        found = contributions()
    except ContributionUnavailable as error:
        raise CheckerUnavailable(
            f"checker {error.module} cannot run ({type(error.error).__name__}: {error.error}); the "
            "workspace was not fully validated: repair the installation "
            "(pip install -r requirements.txt, pip install -e .)"
        ) from error
    return [(contribution.name, contribution.validate) for contribution in found if contribution.validate]


def validate_province(ws: Workspace, mapping: Mapping, diagnostics: Diagnostics) -> ProvinceConfig | None:
    """province.yml checked by controller.province (pools, overlaps, sizes, domains); None when absent."""
    from controller import province as province_module

    if not ws.province_path.exists():
        diagnostics.add(ws.province_path, None, "file not found",
                        hint="re-run `mergectl import` to write the commented default")
        return None
    province, found = province_module.load_province(ws.province_path, mapping)
    diagnostics.extend(found)
    if province is not None:
        from controller.survey.edoc import with_surveyed_codes

        province = with_surveyed_codes(ws, mapping, province, diagnostics)
    return province


def validate_workspace(ws: Workspace) -> tuple[Mapping | None, ProvinceConfig | None, Diagnostics]:
    """(mapping, province config, diagnostics) of a workspace; later checks run only on valid inputs."""
    diagnostics = Diagnostics()
    mapping, found = read_mapping(ws.mapping_path)
    diagnostics.extend(found)
    if mapping is None:
        return None, None, diagnostics
    province = validate_province(ws, mapping, diagnostics)
    if province is None:
        return mapping, None, diagnostics
    for _name, validate in contrib_validators():
        validate(ws, mapping, province, diagnostics)
    if not diagnostics:
        diagnostics.extend(check_allocation_inputs(ws, mapping, province))
    return mapping, province, diagnostics


def check_allocation_inputs(ws: Workspace, mapping: Mapping, province: ProvinceConfig) -> Diagnostics:
    """The state as loaded, and the operator's addresses against it (what `inventory` refuses)."""
    import datetime as dt

    from controller.allocate.allocations_state import load_state_with_lines, state_path
    from controller.allocate.collisions import check_operator_addresses, check_state
    from controller.allocate.pipeline import legacy_identities

    today = dt.date.today()
    state, lines, diagnostics = load_state_with_lines(ws.state_dir)
    if diagnostics:
        return diagnostics
    path = state_path(ws.state_dir)
    diagnostics = check_state(state, path, lines, province.quarantine, today)
    diagnostics.extend(
        check_operator_addresses(
            province, state, state.generation + 1, today, legacy_identities(mapping), path, lines
        )
    )
    return diagnostics
