"""`lab up` / `lab down` / `lab status`: reconcile podman with the plan of a slice.

`up` is idempotent: what runs as planned is left alone, what is missing is started,
what the plan no longer holds (a smaller slice) or holds differently is removed or
recreated. `down` removes exactly the containers and networks carrying this
province's lab label (and named with the lab prefix), then the overlay.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from controller.errors import EXIT_FAILED, UserError
from controller.inventory_view import InventoryView, load_inventory
from controller.names import label as name_label
from controller.yamlio import atomic_write
from lab import overlay as overlay_io
from lab import plumbing, podman
from lab.plan import (
    CLIENT,
    CORE,
    DEFAULT_IMAGE,
    GATEWAY,
    LAB_SPEC_LABEL,
    OLD_DISTRICT,
    LabPlan,
    LabPlanError,
    build_plan,
    lab_prefix,
)
from lab.routing import build_routing

SEED_PLAYBOOK = Path("playbooks") / "lab" / "seed-old-districts.yml"

Printer = Callable[[str], None]


@dataclass(frozen=True)
class UpOptions:
    communes: int | None = 2
    limit: str | None = None
    hypervisors: bool = False
    image: str = DEFAULT_IMAGE
    seed: bool = True
    reseed: bool = False


def province_of(view: InventoryView, workspace: Path) -> str:
    for variables in view.hostvars.values():
        if variables.get("province_label"):
            return str(variables["province_label"])
    return name_label(workspace.resolve().name) or "lab"


def _plan_and_view(workspace: Path, options: UpOptions) -> tuple[LabPlan, InventoryView]:
    view = load_inventory(workspace)
    province = province_of(view, workspace)
    existing = {
        name: (net.get("subnets") or [{}])[0].get("subnet")
        for name, net in podman.lab_networks(province).items()
    }
    existing_subnets = {name: subnet for name, subnet in existing.items() if subnet}
    used = [
        subnet
        for name, subnets in podman.network_subnets().items()
        if name not in existing
        for subnet in subnets
    ]
    try:
        plan = build_plan(
            view,
            province,
            communes=options.communes,
            limit=options.limit,
            hypervisors=options.hypervisors,
            used_subnets=used,
            existing_subnets=existing_subnets,
        )
    except LabPlanError as error:
        raise UserError(str(error)) from None
    return plan, view


def up(workspace: Path, options: UpOptions, out: Printer = print) -> LabPlan:
    started = time.monotonic()
    if not podman.image_exists(options.image):
        raise UserError(f"image {options.image} is missing; build it with scripts/setup.sh")
    plan, view = _plan_and_view(workspace, options)
    try:
        routing = build_routing(plan, view)
    except LabPlanError as error:
        raise UserError(str(error)) from None
    if routing is None:
        plan_notes = [*plan.notes, "the inventory has no address plan: the lab routes nothing of it"]
    else:
        plan_notes = [*plan.notes, *routing.notes]
    for note in plan_notes:
        out(f"note: {note}")
    wanted = {c.name: c for c in plan.containers}
    running = podman.lab_containers(plan.province)

    doomed: list[str] = []
    for name, current in sorted(running.items()):
        container = wanted.get(name)
        if container is None:
            out(f"removing {name} (not in this slice)")
            doomed.append(name)
        elif current.labels.get(LAB_SPEC_LABEL) != container.spec_hash(options.image):
            out(f"recreating {name} (started differently before)")
            doomed.append(name)
    podman.remove_containers(doomed)
    running = podman.lab_containers(plan.province)

    planned_networks = {n.name for n in plan.networks}
    existing_networks = podman.lab_networks(plan.province)
    for name in sorted(set(existing_networks) - planned_networks):
        if name.startswith(lab_prefix(plan.province)):
            out(f"removing network {name} (not in this slice)")
            podman.remove_network(name)
    for network in plan.networks:
        if network.name not in existing_networks:
            out(f"creating network {network.name} ({network.subnet or 'no IPAM'})")
            podman.create_network(network, plan.province)

    created: list[str] = []
    for container in plan.containers:
        found = running.get(container.name)
        if found is None:
            wiring = ", ".join(f"{a.interface}={a.role}" for a in container.attachments)
            out(f"starting {container.name} ({container.kind}: {wiring})")
            podman.start_container(container, options.image, plan.province)
            created.append(container.name)
        elif found.state != "running":
            out(f"restarting {container.name} (was {found.state})")
            podman._podman(["start", container.name])
            created.append(container.name)

    states = podman.wait_booted([c.name for c in plan.containers])
    for container in plan.containers:
        # the hosts whose links systemd-networkd configures (data line, commune LAN)
        booted = states.get(container.name) in {"running", "degraded"}
        if container.kind in {CORE, GATEWAY, CLIENT} and booted:
            podman.make_sys_read_only(container.name)
        lan = container.lan_attachment
        if container.kind == CLIENT and booted and lan is not None:
            podman.configure_dhcp_client(container.name, lan.interface)
    not_booted = {name: state for name, state in states.items() if state not in {"running", "degraded"}}
    path = overlay_io.write_overlay(workspace, plan, podman.addresses([c.name for c in plan.containers]))
    out(f"wrote {path}")
    if not_booted:
        raise UserError(
            "systemd did not finish booting in: "
            + ", ".join(f"{name} ({state})" for name, state in sorted(not_booted.items()))
        )
    if routing is not None:
        out(f"wrote {plumbing.write_routing(workspace, routing)}")
        plumbing.apply_routing(routing, out)
    out(
        f"lab {plan.province}: {len(plan.containers)} containers ({len(created)} started now), "
        f"{len(plan.networks)} networks, up in {time.monotonic() - started:.1f} s"
    )
    if options.seed:
        seed_old_districts(workspace, plan, out, force=options.reseed)
    return plan


SEEDED_FILE = "seeded.json"  # in DIR/lab/: container name -> id of every container seeded


def seed_old_districts(workspace: Path, plan: LabPlan, out: Printer, *, force: bool = False) -> None:
    """Runs the seeding playbook once per set of containers: a re-run of `up` with the same
    containers skips it (it takes minutes); a recreated container is seeded again."""
    from controller.run import RunRequest, print_result, repo_root, run_playbook

    hosts = plan.hosts(OLD_DISTRICT)
    playbook = repo_root() / SEED_PLAYBOOK
    if not hosts:
        return
    if not playbook.is_file():
        out(f"note: {SEED_PLAYBOOK} does not exist yet; old district hosts are not seeded")
        return
    marker = overlay_io.overlay_path(workspace).parent / SEEDED_FILE
    current = {name: c.id for name, c in podman.lab_containers(plan.province).items()}
    try:
        seeded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        seeded = {}
    if not force and seeded == current:
        out("old district hosts already seeded in these containers (--reseed to run it again)")
        return
    out(f"seeding old district hosts ({', '.join(hosts)}) with {SEED_PLAYBOOK}")
    # No host limit beyond the lab itself: the playbook also prepares the archive host.
    result = run_playbook(
        RunRequest(
            workspace=workspace,
            playbook=playbook,
            lab=True,
            extravars={"mergectl_lab_seed_hosts": list(hosts)},
        ),
        out=out,
    )
    print_result(result, out)
    if not result.ok:
        marker.unlink(missing_ok=True)
        raise UserError(f"seeding the old district hosts failed; see {result.run_dir}")
    atomic_write(marker, json.dumps(current, indent=2, sort_keys=True) + "\n")


def _province_for_down(workspace: Path) -> str:
    path = overlay_io.overlay_path(workspace)
    if path.is_file():
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        province = (
            (((data.get("all") or {}).get("children") or {}).get(overlay_io.LAB_GROUP) or {})
            .get("vars", {})
            .get("lab_province")
        )
        if province:
            return str(province)
    return province_of(load_inventory(workspace), workspace)


def down(workspace: Path, out: Printer = print) -> int:
    started = time.monotonic()
    province = _province_for_down(workspace)
    prefix = lab_prefix(province)
    containers = [name for name in podman.lab_containers(province) if name.startswith(prefix)]
    for name in sorted(containers):
        out(f"removing {name}")
    podman.remove_containers(sorted(containers))
    networks = [name for name in podman.lab_networks(province) if name.startswith(prefix)]
    for name in sorted(networks):
        out(f"removing network {name}")
        podman.remove_network(name)
    if overlay_io.remove_overlay(workspace):
        out(f"removed {overlay_io.overlay_path(workspace)}")
    out(
        f"lab {province}: {len(containers)} containers and {len(networks)} networks removed in "
        f"{time.monotonic() - started:.1f} s"
    )
    return len(containers) + len(networks)


def status(workspace: Path, out: Printer = print) -> int:
    """Prints containers (state, systemd) and networks; returns 0 when all are healthy."""
    province = _province_for_down(workspace)
    containers = podman.lab_containers(province)
    networks = podman.lab_networks(province)
    if not containers and not networks:
        out(f"lab {province}: nothing running (start it with 'mergectl lab up {workspace}')")
        return 0
    unhealthy = 0
    out(f"{'container':<44} {'state':<10} systemd")
    for name, container in sorted(containers.items()):
        system = podman.system_state(name) if container.state == "running" else "-"
        healthy = container.state == "running" and system in {"running", "degraded"}
        unhealthy += 0 if healthy else 1
        out(f"{name:<44} {container.state:<10} {system}")
    out(f"{'network':<44} subnet")
    for name, network in sorted(networks.items()):
        subnets = ", ".join(s.get("subnet", "") for s in network.get("subnets") or []) or "no IPAM"
        out(f"{name:<44} {subnets}")
    overlay = overlay_io.overlay_path(workspace)
    out(f"overlay: {overlay}" + ("" if overlay.is_file() else " (missing: run 'mergectl lab up' again)"))
    return EXIT_FAILED if unhealthy else 0
