"""Placement of VMs on hypervisors: deterministic, stable, balanced, anti-affine, never over capacity.

Rules, in order:
1. A recorded placement never moves (stable under additions). A recorded VM that is
   no longer requested is released; one whose host left province.yml is a problem.
2. New VMs are placed in a fixed order (group, then name), so input order never matters.
3. Each goes to a host with room for all three resources (after the overcommit
   policy), preferring hosts that hold no VM of its own group (a commune's iDesk and
   TTHC on different hosts), then the least loaded by memory (used / capacity), then
   the host name.
4. The whole plan is computed before anything is recorded: if any VM does not fit,
   the result carries the problems and no placement should be written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from controller.capacity.model import (
    RESOURCE_WORDS,
    RESOURCES,
    Hypervisor,
    Overcommit,
    Profile,
    Resources,
    VmRequest,
)


@dataclass
class HostLoad:
    host: Hypervisor
    capacity: Resources
    used: Resources = field(default_factory=Resources)
    vms: list[str] = field(default_factory=list)
    free: Resources = field(init=False)

    def __post_init__(self) -> None:
        self.free = self.capacity - self.used

    def take(self, name: str, need: Resources) -> None:
        self.used = self.used + need
        self.free = self.capacity - self.used
        self.vms.append(name)

    @property
    def memory_load(self) -> float:
        return self.used.memory_gib / self.capacity.memory_gib if self.capacity.memory_gib else 1.0


@dataclass
class PlacementResult:
    placements: dict[str, str]  # VM name -> hypervisor name, kept and new
    kept: list[str]
    added: list[str]
    released: list[str]
    loads: dict[str, HostLoad]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _amount(value: float, resource: str, unit_only: bool = False) -> str:
    number = f"{value:.1f}".rstrip("0").rstrip(".")
    words = RESOURCE_WORDS[resource]
    return f"{number} {words.split()[0] if unit_only else words}"


def place(
    hosts: Iterable[Hypervisor],
    profiles: Mapping[str, Profile],
    policy: Overcommit,
    requests: Iterable[VmRequest],
    recorded: Mapping[str, str] | None = None,
) -> PlacementResult:
    """Place every requested VM; `recorded` (VM name -> host) are earlier placements that stay put."""
    recorded = dict(recorded or {})
    loads = {host.name: HostLoad(host, host.capacity(policy)) for host in sorted(hosts, key=lambda h: h.name)}
    wanted = {request.name: request for request in requests}
    problems: list[str] = []
    placements: dict[str, str] = {}
    group_hosts: dict[str, set[str]] = {}

    for name in sorted(wanted):
        if wanted[name].profile not in profiles:
            problems.append(f"{name}: no VM profile {wanted[name].profile!r} in province.yml")
    if problems:
        return PlacementResult({}, [], [], [], loads, problems)

    released = sorted(name for name in recorded if name not in wanted)
    kept: list[str] = []
    for name in sorted(name for name in recorded if name in wanted):
        host_name = recorded[name]
        request = wanted[name]
        if host_name not in loads:
            problems.append(
                f"{name} is recorded on {host_name}, which is no longer a hypervisor in province.yml; "
                f"migrate the VM and edit state/placement.yml, or put {host_name} back"
            )
            continue
        loads[host_name].take(name, profiles[request.profile].resources)
        placements[name] = host_name
        group_hosts.setdefault(request.group, set()).add(host_name)
        kept.append(name)
    for load in loads.values():
        for resource in RESOURCES:
            used, capacity = getattr(load.used, resource), getattr(load.capacity, resource)
            if used > capacity + 1e-9:
                problems.append(
                    f"{load.host.name} already holds {_amount(used, resource)} of placed VMs but offers "
                    f"only {_amount(capacity, resource)} under the overcommit policy; "
                    "raise its size in province.yml or move VMs away"
                )

    new = sorted((wanted[name] for name in wanted if name not in placements and name not in recorded),
                 key=lambda request: (request.group, request.name))
    free_before = sum((load.free for load in loads.values()), Resources())
    added: list[str] = []
    unplaced: list[VmRequest] = []
    for request in new:
        need = profiles[request.profile].resources
        fitting = [load for load in loads.values() if need.fits_in(load.free)]
        if not fitting:
            unplaced.append(request)
            continue
        siblings = group_hosts.get(request.group, set())
        apart = [load for load in fitting if load.host.name not in siblings]
        best = min(apart or fitting, key=lambda load: (load.memory_load, load.host.name))
        best.take(request.name, need)
        placements[request.name] = best.host.name
        group_hosts.setdefault(request.group, set()).add(best.host.name)
        added.append(request.name)

    if unplaced:
        problems.extend(_explain(new, unplaced, profiles, loads, free_before))
    return PlacementResult(placements, kept, added, released, loads, problems)


def _explain(
    new: list[VmRequest],
    unplaced: list[VmRequest],
    profiles: Mapping[str, Profile],
    loads: Mapping[str, HostLoad],
    free_before: Resources,
) -> list[str]:
    """Say why the plan does not fit: short in total, or fragmented across hosts."""
    need = sum((profiles[request.profile].resources for request in new), Resources())
    count = len(loads)
    short = [
        f"{len(new)} new VMs need {_amount(getattr(need, resource), resource)}, "
        f"{_amount(max(getattr(free_before, resource), 0), resource, unit_only=True)} free on {count} host"
        f"{'s' if count != 1 else ''}"
        for resource in RESOURCES
        if getattr(need, resource) > getattr(free_before, resource) + 1e-9
    ]
    if short:
        return [
            "the plan does not fit the Integration Centre: " + "; ".join(short)
            + f" ({len(unplaced)} VMs left unplaced, first {unplaced[0].name}); "
            "add hypervisors, enlarge them or shrink the VM profiles in province.yml"
        ]
    messages = []
    for request in unplaced[:5]:
        size = profiles[request.profile].resources
        roomiest = max(loads.values(), key=lambda load: (load.free.memory_gib, load.host.name), default=None)
        detail = "" if roomiest is None else (
            f"; most free memory on {roomiest.host.name}: "
            + ", ".join(_amount(max(getattr(roomiest.free, r), 0), r) for r in RESOURCES))
        messages.append(
            f"{request.name} ({', '.join(_amount(getattr(size, r), r) for r in RESOURCES)}) fits on no "
            f"single host although the total would suffice{detail}"
        )
    if len(unplaced) > 5:
        messages.append(f"... and {len(unplaced) - 5} more VMs that fit on no single host")
    return messages
