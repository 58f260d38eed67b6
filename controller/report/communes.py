"""Each new commune's state per workstream, from the run store and the last check.

failed: a host that counts for the commune (its own, or a province-wide one) failed the last run
of the workstream that touched it, or the check has a FAIL for it; verified: the check has a
PASS and no FAIL for it; applied: every host that counts for it finished its last run of the
workstream without failure, the commune's own hosts included; planned: recorded nowhere yet;
unknown: neither a run store nor a check to tell.
"""

from __future__ import annotations

from controller.model import Mapping
from controller.report.checks import CheckView
from controller.report.model import APPLIED, FAILED, PLANNED, UNKNOWN, VERIFIED, CommuneRow, Failure
from controller.report.runs import Outcome, RunsView
from controller.report.units import COMMUNE_WORKSTREAMS, HostIndex


def unit_state(
    outcomes: list[tuple[str, str]],
    required: list[str],
    failures: list[Failure],
    verdict: str | None,
    known: bool,
) -> str:
    """outcomes: (host, state) of the hosts that count; required: hosts that must have applied."""
    if failures or verdict == "FAIL" or any(state == FAILED for _, state in outcomes):
        return FAILED
    if verdict == "PASS":
        return VERIFIED
    applied = {host for host, state in outcomes if state == APPLIED}
    if outcomes and len(applied) == len(outcomes) and set(required) <= applied:
        return APPLIED
    return PLANNED if known else UNKNOWN


def commune_rows(
    mapping: Mapping, index: HostIndex, runs: RunsView | None, check: CheckView | None
) -> list[CommuneRow]:
    known = runs is not None or check is not None
    by_workstream: dict[str, list[tuple[str, Outcome]]] = {}
    for (host, workstream), outcome in runs.outcomes.items() if runs else ():
        by_workstream.setdefault(workstream, []).append((host, outcome))
    rows = []
    for code, unit in sorted(mapping.new_units.items()):
        row = CommuneRow(code, unit.name, unit.latitude, unit.longitude, {})
        for workstream in COMMUNE_WORKSTREAMS:
            counted = [
                (host, outcome)
                for host, outcome in by_workstream.get(workstream, [])
                if index.counts_for(host, code)
            ]
            failures = [failure for _, outcome in counted for failure in outcome.failures]
            if check is not None:
                failures += check.failures(workstream, commune=code)
            verdict = check.verdict(workstream, commune=code) if check is not None else None
            row.workstreams[workstream] = unit_state(
                [(host, outcome.state) for host, outcome in counted],
                index.own.get((code, workstream), []),
                failures,
                verdict,
                known,
            )
            row.failures += failures
        rows.append(row)
    return rows


def district_states(index: HostIndex, runs: RunsView | None, check: CheckView | None) -> dict[str, str]:
    """Old district host -> its decommissioning state (the same rules, per host)."""
    known = runs is not None or check is not None
    states = {}
    for host in index.districts:
        outcome = runs.outcomes.get((host, "decommissioning")) if runs else None
        failures = list(outcome.failures) if outcome else []
        if check is not None:
            failures += check.failures("decommissioning", host=host)
        verdict = check.verdict("decommissioning", host=host) if check is not None else None
        outcomes = [(host, outcome.state)] if outcome else []
        states[host] = unit_state(outcomes, [host], failures, verdict, known)
    return states
