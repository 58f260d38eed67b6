"""The capacity plan of a workspace: which VMs the communes need, where they run, their addresses.

`compute_plan` is pure (communes, configuration, previous state) -> plan; it checks the
whole plan before anything is recorded. `record` writes `state/placement.yml` only when
the plan holds and differs from what is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from netaddr import IPAddress, IPNetwork

from controller.capacity.config import SYSTEMS, IcConfig
from controller.capacity.model import VmRequest
from controller.capacity.placement import PlacementResult, place
from controller.capacity.placement_state import PlacedVm, PlacementState, save_placement
from controller.names import vm_name


@dataclass(frozen=True)
class Commune:
    code: str
    label: str
    name: str = ""


@dataclass
class CapacityPlan:
    config: IcConfig
    result: PlacementResult
    state: PlacementState  # the state to record (previous one when the plan fails)
    previous: PlacementState
    vm_prefix: IPNetwork
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return self.state.to_dict() != self.previous.to_dict()

    @property
    def gateway(self) -> IPAddress:
        return IPAddress(self.vm_prefix.first + 1)


def requests_for(communes: Iterable[Commune]) -> list[VmRequest]:
    return [VmRequest(group=c.code, name=vm_name(system, c.label), profile=system)
            for c in communes for system in SYSTEMS]


def _address_pool(prefix: IPNetwork, offset: int) -> Iterable[IPAddress]:
    last = prefix.last - 1 if prefix.size > 2 else prefix.last  # skip the broadcast address
    for value in range(prefix.first + offset, last + 1):
        yield IPAddress(value)


def compute_plan(
    communes: Iterable[Commune], config: IcConfig, vm_prefix: IPNetwork, previous: PlacementState
) -> CapacityPlan:
    communes = list(communes)
    by_code = {commune.code: commune for commune in communes}
    requests = requests_for(communes)
    recorded = {name: vm.host for name, vm in previous.placements.items()}
    result = place(config.hypervisors, config.profiles, config.overcommit, requests, recorded)
    problems = list(result.problems)
    if problems:
        return CapacityPlan(config, result, previous, previous, vm_prefix, problems)

    held = {vm.address for vm in [*previous.placements.values(), *previous.released]}
    pool = _address_pool(vm_prefix, config.first_host_offset)
    free = (address for address in pool if str(address) not in held)
    state = PlacementState(released=list(previous.released))
    request_of = {request.name: request for request in requests}
    for name in result.kept:
        old = previous.placements[name]
        state.placements[name] = old
    for name in result.added:
        request = request_of[name]
        address = next(free, None)
        if address is None:
            problems.append(
                f"vm_prefix {vm_prefix} has no free address for {name} "
                f"(from offset {config.first_host_offset}, released addresses are not reused); "
                "give integration_centre.vm_prefix a shorter prefix"
            )
            break
        state.placements[name] = PlacedVm(name, result.placements[name], by_code[request.group].code,
                                          request.profile, str(address))
    for name in result.released:
        state.released.append(previous.placements[name])
    for vm in state.placements.values():
        if IPAddress(vm.address) not in vm_prefix:
            problems.append(f"{vm.name} holds {vm.address}, outside integration_centre.vm_prefix {vm_prefix}")
    if problems:
        return CapacityPlan(config, result, previous, previous, vm_prefix, problems)
    return CapacityPlan(config, result, state, previous, vm_prefix, [])


def record(plan: CapacityPlan, state_dir: Path) -> Path | None:
    """Write the new state if the plan holds and changed; returns the path written."""
    if not plan.ok or not plan.changed:
        return None
    return save_placement(state_dir, plan.state)
