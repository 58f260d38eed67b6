"""Which new units each old unit passes into, and which of them inherits its data (the primary).

Read by the allocation pipeline (a new commune's label may take its primary old unit's
district), by the reuse claims (a site reuses its primary old unit's line by default) and
by the view (fates, successors, portal inheritance).
"""

from __future__ import annotations

from collections import defaultdict

from controller.model import Mapping, NewUnit, OldUnit

# Old unit code -> (new unit, primary) of each of its successions, new units in code order.
# A defaultdict: an old unit with no succession (refused by validate, possible in a
# hand-built mapping) has none rather than raising.
Successions = dict[str, list[tuple[NewUnit, bool]]]


def successions_by_old_code(mapping: Mapping) -> Successions:
    index: Successions = defaultdict(list)
    for code in sorted(mapping.new_units):
        unit = mapping.new_units[code]
        for succession in unit.formed_from:
            index[succession.old_code].append((unit, succession.primary))
    return index


def primary_of(successors: list[tuple[NewUnit, bool]]) -> NewUnit:
    if len(successors) == 1:
        return successors[0][0]
    return next((unit for unit, primary in successors if primary), successors[0][0])


def first_primary_old(unit: NewUnit, mapping: Mapping, successions: Successions) -> OldUnit | None:
    """The old unit the default rule picks: same code as the new unit, else the lowest primary code."""
    primaries = sorted(
        succession.old_code
        for succession in unit.formed_from
        if succession.old_code in mapping.old_units and primary_of(successions[succession.old_code]) is unit
    )
    if unit.code in primaries:
        return mapping.old_units[unit.code]
    return mapping.old_units[primaries[0]] if primaries else None


def fate(successors: list[tuple[NewUnit, bool]]) -> str:
    if not successors:
        return "dissolved"  # validate refuses this in mapping.yml; kept total for hand-built mappings
    if len(successors) > 1:
        return "split"
    unit = successors[0][0]
    return "kept" if len(unit.formed_from) == 1 else "merged"
