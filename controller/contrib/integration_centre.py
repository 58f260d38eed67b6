"""Integration Centre contribution: the `ic_vms` section of province.yml and the VM hosts.

Adds `idesk-<label>` / `tthc-<label>` to `idesk_vms` / `tthc_vms` (children of `ic_vms`)
with `vm_*` host vars, placed by `controller.capacity`. The placement is recorded in
`state/placement.yml` as a generated file of the render, so it is written (atomically,
under the workspace lock) only by `mergectl inventory`, never by `plan`, and only when
the whole inventory is written. A plan that does not fit is a diagnostic: nothing is written.
"""

from __future__ import annotations

from controller.allocate.result import Allocations
from controller.capacity.config import SECTION, SYSTEMS, TEMPLATE_SECTION, load_ic_config
from controller.capacity.model import RESOURCE_WORDS, RESOURCES, Resources
from controller.capacity.placement_plan import CapacityPlan, Commune, compute_plan
from controller.capacity.placement_state import HEADER, load_placement
from controller.contrib import Contribution
from controller.errors import Diagnostics
from controller.model import Mapping
from controller.province import ProvinceConfig
from controller.render.tree import InventoryTree
from controller.workspace import Workspace
from controller.yamlio import dump_yaml

__all__ = ["CONTRIBUTION", "capacity_plan"]


def validate(
    workspace: Workspace, mapping: Mapping, province: ProvinceConfig, diagnostics: Diagnostics
) -> None:
    """The section's values, and whether the communes' VMs can fit at all (before any allocation)."""
    found = Diagnostics()
    config = load_ic_config(province, found)
    diagnostics.extend(found)
    if found or not config.hypervisors:
        return
    communes = len(mapping.new_units)
    need = sum((config.profiles[system].resources for system in SYSTEMS), Resources())
    total = sum((host.capacity(config.overcommit) for host in config.hypervisors), Resources())
    for resource in RESOURCES:
        needed, available = getattr(need, resource) * communes, getattr(total, resource)
        if needed > available + 1e-9:
            words = RESOURCE_WORDS[resource]
            diagnostics.add(
                province.path, province.line("integration_centre", "hypervisors"),
                f"the VMs of {communes} communes (iDesk + TTHC) need {needed:g} {words}, "
                f"{available:g} {words.split()[0]} available on {len(config.hypervisors)} hosts "
                "under the overcommit policy",
                key="integration_centre.hypervisors",
                hint="add or enlarge hypervisors, or shrink ic_vms.profiles",
            )


def capacity_plan(
    workspace: Workspace, province: ProvinceConfig, allocations: Allocations, diagnostics: Diagnostics
) -> CapacityPlan | None:
    """The plan for the workspace's communes against the recorded placement; None when inputs are bad."""
    found = Diagnostics()
    config = load_ic_config(province, found)
    previous, state_problems = load_placement(workspace.state_dir)
    found.extend(state_problems)
    if found:
        diagnostics.extend(found)
        return None
    communes = [Commune(c.code, c.label, c.name) for c in allocations.communes]
    plan = compute_plan(communes, config, province.vm_prefix, previous)
    for problem in plan.problems:
        line = province.line(SECTION) or province.line("integration_centre", "hypervisors")
        diagnostics.add(province.path, line, problem, key="integration_centre.hypervisors / ic_vms")
    return plan


def render(
    workspace: Workspace,
    mapping: Mapping,
    province: ProvinceConfig,
    allocations: Allocations,
    inventory: InventoryTree,
    diagnostics: Diagnostics,
) -> None:
    plan = capacity_plan(workspace, province, allocations, diagnostics)
    if plan is None or not plan.ok:
        return
    communes = {c.code: c for c in allocations.communes}
    prefixlen = plan.vm_prefix.prefixlen
    for name in sorted(plan.state.placements):
        vm = plan.state.placements[name]
        commune = communes[vm.commune]
        profile = plan.config.profiles[vm.system]
        inventory.add_host(name, [f"{vm.system}_vms"], {
            "ansible_host": vm.address,
            "vm_hypervisor": vm.host,
            "vm_profile": vm.system,
            "vm_vcpu": profile.vcpu,
            "vm_memory_gib": profile.memory_gib,
            "vm_disk_gib": profile.disk_gib,
            "vm_address": vm.address,
            "vm_prefixlen": prefixlen,
            "vm_gateway": str(plan.gateway),
            "vm_commune_code": commune.code,
            "vm_commune_label": commune.label,
            "vm_commune_name": commune.name,
            "vm_commune_fqdn": commune.fqdn,
        })
        if commune.host in inventory.host_vars:
            systems = inventory.host_vars[commune.host].get("commune_ic_vms", {})
            inventory.set_host_vars(commune.host, {
                "commune_ic_vms": {**systems, vm.system: {"host": name, "address": vm.address}}
            })
    inventory.add_file("state/placement.yml", dump_yaml(plan.state.to_dict(), header=HEADER))


CONTRIBUTION = Contribution(
    name="integration_centre", template_section=TEMPLATE_SECTION, validate=validate, render=render
)
