"""`mergectl capacity DIR`: the Integration Centre's VM placement and free capacity."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from controller.capacity.model import RESOURCES
from controller.errors import Diagnostics, InvalidInput
from controller.names import vm_name
from controller.workspace import Workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "capacity",
        help="show where the iDesk/TTHC VMs run and what each hypervisor has left",
        description=(
            "Place one iDesk and one TTHC VM per new commune on integration_centre.hypervisors\n"
            "(ic_vms section of province.yml) against state/placement.yml, and show per host\n"
            "capacity after overcommit, used and free vCPU / GiB memory / GiB disk.\n"
            "Read-only: `mergectl inventory` records new placements. Exit 3 when the plan does\n"
            "not fit, with what is needed and what is free."
        ),
        epilog="example: mergectl capacity bt --vms",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument("--vms", action="store_true", help="also list every VM with its host and address")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.set_defaults(handler=run)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def run(args: argparse.Namespace) -> int:
    from controller.allocate import allocate_workspace, validated_inputs
    from controller.contrib.integration_centre import capacity_plan

    workspace = Workspace(args.workspace)
    inputs = validated_inputs(workspace)
    _state, allocations, _changed = allocate_workspace(workspace, inputs, write=False)
    diagnostics = Diagnostics()
    plan = capacity_plan(workspace, inputs.province, allocations, diagnostics)
    if diagnostics or plan is None:
        raise InvalidInput(diagnostics)
    result = plan.result
    hosts = []
    for name, load in result.loads.items():
        hosts.append({
            "host": name,
            "vms": len(load.vms),
            **{f"capacity_{r}": getattr(load.capacity, r) for r in RESOURCES},
            **{f"used_{r}": getattr(load.used, r) for r in RESOURCES},
            **{f"free_{r}": getattr(load.free, r) for r in RESOURCES},
        })
    vms = [{"vm": vm.name, "host": vm.host, "system": vm.system, "commune": vm.commune, "address": vm.address,
            "new": vm.name in result.added} for vm in plan.state.placements.values()]
    if args.json:
        print(json.dumps({"hosts": hosts, "vms": vms, "released": [vm.name for vm in plan.state.released],
                          "overcommit": vars(plan.config.overcommit)}, ensure_ascii=False, indent=2))
        return 0
    policy = plan.config.overcommit
    print(f"{workspace.dir}: {len(vms)} VMs on {len(hosts)} hypervisors "
          f"(overcommit cpu {policy.cpu:g}, memory {policy.memory:g}, disk {policy.disk:g}); "
          f"{len(result.kept)} recorded, {len(result.added)} new, {len(result.released)} released")
    print(f"{'host':<10} {'VMs':>4} {'vCPU used/cap':>15} {'GiB mem used/cap':>18} {'GiB disk used/cap':>19}")
    for row in hosts:
        cells = [f"{_number(row[f'used_{r}'])}/{_number(row[f'capacity_{r}'])}" for r in RESOURCES]
        print(f"{row['host']:<10} {row['vms']:>4} {cells[0]:>15} {cells[1]:>18} {cells[2]:>19}")
    host_of = {vm.name: vm.host for vm in plan.state.placements.values()}
    together = [c.label for c in allocations.communes
                if host_of.get(vm_name("idesk", c.label)) is not None
                and host_of.get(vm_name("idesk", c.label)) == host_of.get(vm_name("tthc", c.label))]
    affine = len(together)
    print(f"communes with iDesk and TTHC on the same host: {affine}")
    if args.vms:
        for vm in sorted(vms, key=lambda item: str(item["vm"])):
            print(f"  {vm['vm']:<28} {vm['host']:<8} {vm['address']:<15} {'new' if vm['new'] else ''}")
    if result.added:
        print("run `mergectl inventory DIR` to record the new placements")
    return 0
