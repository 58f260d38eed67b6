"""Value types of the capacity plan. Sizes are whole units: vCPU, GiB of memory, GiB of disk."""

from __future__ import annotations

from dataclasses import dataclass

RESOURCES = ("vcpu", "memory_gib", "disk_gib")
RESOURCE_WORDS = {"vcpu": "vCPU", "memory_gib": "GiB memory", "disk_gib": "GiB disk"}


@dataclass(frozen=True, order=True)
class Resources:
    vcpu: float = 0
    memory_gib: float = 0
    disk_gib: float = 0

    def __add__(self, other: Resources) -> Resources:
        return Resources(self.vcpu + other.vcpu, self.memory_gib + other.memory_gib,
                         self.disk_gib + other.disk_gib)

    def __sub__(self, other: Resources) -> Resources:
        return Resources(self.vcpu - other.vcpu, self.memory_gib - other.memory_gib,
                         self.disk_gib - other.disk_gib)

    def fits_in(self, room: Resources) -> bool:
        # A tiny tolerance: overcommit ratios like 1.1 make float capacities.
        return (self.memory_gib <= room.memory_gib + 1e-9 and self.vcpu <= room.vcpu + 1e-9
                and self.disk_gib <= room.disk_gib + 1e-9)


@dataclass(frozen=True)
class Overcommit:
    """How far the sum of guests may exceed a host's physical size, per resource."""

    cpu: float = 4.0
    memory: float = 1.0
    disk: float = 1.0


@dataclass(frozen=True)
class Hypervisor:
    name: str
    cpu_cores: int
    memory_gib: int
    storage_gib: int
    address: str | None = None

    def capacity(self, policy: Overcommit) -> Resources:
        return Resources(self.cpu_cores * policy.cpu, self.memory_gib * policy.memory,
                         self.storage_gib * policy.disk)


@dataclass(frozen=True)
class Profile:
    """A VM size (`idesk`, `tthc`)."""

    name: str
    vcpu: int
    memory_gib: int
    disk_gib: int

    @property
    def resources(self) -> Resources:
        return Resources(self.vcpu, self.memory_gib, self.disk_gib)


@dataclass(frozen=True, order=True)
class VmRequest:
    """One VM the plan needs: system `profile` for the new commune `group` (its unit code)."""

    group: str  # the anti-affinity group: a commune's VMs avoid sharing a host
    name: str  # inventory host name, e.g. idesk-muine
    profile: str
