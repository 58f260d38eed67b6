"""`state/placement.yml`: where each VM was placed and which address it holds.

Keyed by VM name (`idesk-<label>`), never by position. A VM whose commune left the
mapping is moved to `released` with its host and address; released addresses are
never handed out again automatically (an operator deletes the entry once the VM's
data is archived).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netaddr import AddrFormatError, IPAddress

from controller.errors import Diagnostics
from controller.yamlio import atomic_write, dump_yaml, parse_yaml

FILE_NAME = "placement.yml"
HEADER = (
    "Integration Centre VM placement, written by mergectl (controller/capacity).\n"
    "A recorded VM never moves. The one exception to 'do not edit' above: after migrating a VM\n"
    "by hand, change its host here, then run mergectl inventory."
)


@dataclass(frozen=True)
class PlacedVm:
    name: str
    host: str
    commune: str  # new unit code
    system: str  # idesk | tthc
    address: str

    def as_dict(self) -> dict[str, str]:
        return {"host": self.host, "commune": self.commune, "system": self.system, "address": self.address}


@dataclass
class PlacementState:
    placements: dict[str, PlacedVm] = field(default_factory=dict)
    released: list[PlacedVm] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "placements": {name: self.placements[name].as_dict() for name in sorted(self.placements)},
            "released": [{"vm": vm.name, **vm.as_dict()} for vm in self.released],
        }


def state_file(state_dir: Path) -> Path:
    return state_dir / FILE_NAME


def _placed(name: str, entry: Any, path: Path, line: int | None, diagnostics: Diagnostics) -> PlacedVm | None:
    if not isinstance(entry, dict):
        diagnostics.add(path, line, f"{name}: expected {{host, commune, system, address}}")
        return None
    missing = [key for key in ("host", "commune", "system", "address") if not entry.get(key)]
    if missing:
        diagnostics.add(path, line, f"{name}: missing {', '.join(missing)}")
        return None
    try:
        IPAddress(str(entry["address"]))
    except (AddrFormatError, ValueError):
        diagnostics.add(path, line, f"{name}: {entry['address']!r} is not an IP address")
        return None
    return PlacedVm(str(name), str(entry["host"]), str(entry["commune"]), str(entry["system"]),
                    str(entry["address"]))


def load_placement(state_dir: Path) -> tuple[PlacementState, Diagnostics]:
    path = state_file(state_dir)
    if not path.exists():
        return PlacementState(), Diagnostics()
    data, lines, diagnostics = parse_yaml(path)
    if diagnostics:
        return PlacementState(), diagnostics
    if not isinstance(data, dict):
        diagnostics.add(path, 1, "expected a mapping with placements and released")
        return PlacementState(), diagnostics
    state = PlacementState()
    placements = data.get("placements") or {}
    if not isinstance(placements, dict):
        diagnostics.add(path, lines.line(("placements",)), "placements: expected a mapping by VM name")
        placements = {}
    for name, entry in placements.items():
        vm = _placed(str(name), entry, path, lines.line(("placements", str(name))), diagnostics)
        if vm:
            state.placements[vm.name] = vm
    released = data.get("released") or []
    if not isinstance(released, list):
        diagnostics.add(path, lines.line(("released",)), "released: expected a list")
        released = []
    for position, entry in enumerate(released):
        name = str(entry.get("vm", "")) if isinstance(entry, dict) else ""
        vm = _placed(name or f"released[{position}]", entry, path, lines.line(("released", position)),
                     diagnostics)
        if vm:
            state.released.append(vm)
    addresses: dict[str, str] = {}
    for vm in [*state.placements.values(), *state.released]:
        if vm.address in addresses and addresses[vm.address] != vm.name:
            diagnostics.add(path, lines.line(("placements", vm.name)),
                            f"{vm.name} and {addresses[vm.address]} both hold {vm.address}")
        addresses.setdefault(vm.address, vm.name)
    return state, diagnostics


def save_placement(state_dir: Path, state: PlacementState) -> Path:
    path = state_file(state_dir)
    atomic_write(path, dump_yaml(state.to_dict(), header=HEADER))
    return path
