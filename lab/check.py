"""`mergectl lab check DIR [--limit PATTERN]`: what a PC behind each lab gateway can do.

From every lab client (the PC on the government VLAN of a commune, and the PC on its
Party VLAN where the plan has one), through podman exec, the probes of lab/probes.py:
- its DHCP lease is in its VLAN's subnet, from its gateway, which is also the
  resolver the lease names;
- every new commune name of the province zone resolves through that resolver (from the
  government client: with the answers the primary, ns1, serves);
- the core's loopback answers ping;
- the gateway's policy: each TCP service of `province_services` is reached (connected,
  or refused by a server with nothing listening: either way it crossed the gateway and
  the core) and a port no service opens is dropped at the gateway (its `denied` counter
  counts it), from every client VLAN alike;
- from the government client: another commune's LAN is not reached, an address outside
  the plan dies at the gateway, and a plan address that lives outside the lab (the VM
  prefix) is dropped by the core's leak guard, whose counter proves it never left;
- from the Party client: it can NOT reach the government client (ping, and tcp/22 that
  the gateway itself does reach), nor the government client it: the gateway's `denied`
  counter grows each time.

Probes toward anything outside the lab are only sent once the guard is seen loaded on
the gateway and the core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from controller import names
from controller.errors import EXIT_FAILED
from lab import shell
from lab.clients import CLIENT_KINDS, GOVERNMENT, PARTY, Client, Commune, LabFacts, Session
from lab.lifecycle import load_inventory
from lab.plan import CORE, GATEWAY, SERVER, InventoryView, lab_prefix, matches_pattern
from lab.plumbing import read_routing
from lab.probes import check_client
from lab.routing import GUARD_TABLE, LabRouting, province_var
from lab.verdict import CheckRow, commune_names, lan_vlan, render_table, service_probes

Printer = Callable[[str], None]
LAB_LIMITS = (
    "each lab gateway carries only the government and Party VLANs, each untagged on its own port "
    "(no 802.1Q in container kernels): 802.1Q tagging and the one-stop, management and VC VLANs "
    "are proven by 'molecule test -s network', not here",
)


def communes_of(view: InventoryView, routing: LabRouting, limit: str | None) -> list[Commune]:
    prefix = lab_prefix(routing.province)
    found = []
    for entry in routing.hosts:
        if entry.kind != GATEWAY or not matches_pattern(view, entry.host, limit):
            continue
        variables = view.hostvars.get(entry.host, {})
        label = str(variables.get("commune_label") or names.label_of_gateway(entry.host))
        hosts = {GOVERNMENT: names.client_host(label), PARTY: names.party_client_host(label)}
        clients = []
        for kind in CLIENT_KINDS:
            vlan = lan_vlan(variables, kind.vlan) or {}
            # the government client is always planned; another only with its VLAN's prefix
            planned = kind == GOVERNMENT or bool(vlan.get("prefix"))
            clients.append(
                Client(
                    kind,
                    f"{prefix}{hosts[kind]}" if planned else "",
                    str(vlan.get("prefix", "")),
                    str(vlan.get("gateway", "")),
                )
            )
        found.append(Commune(label, entry.container, tuple(clients)))
    return found


def _plumbing_rows(routing: LabRouting) -> tuple[list[CheckRow], bool]:
    """The lab's own wiring first: without it the rest means nothing (or is unsafe)."""
    rows: list[CheckRow] = []
    guard_everywhere = True
    for entry in routing.hosts:
        if entry.kind not in {CORE, SERVER, GATEWAY}:
            continue
        for interface, address in entry.addresses:
            present = shell.has_address(entry.container, interface, address)
            rows.append(
                CheckRow(
                    "lab",
                    f"plan address on {entry.host}",
                    f"{address} on {interface}",
                    "present" if present else "missing (run 'mergectl lab up' again)",
                    present,
                )
            )
        if entry.guarded:
            loaded = shell.guard_loaded(entry.container)
            guard_everywhere = guard_everywhere and loaded
            rows.append(
                CheckRow(
                    "lab",
                    f"leak guard on {entry.host}",
                    f"table inet {GUARD_TABLE} loaded",
                    "loaded" if loaded else "MISSING",
                    loaded,
                )
            )
    return rows, guard_everywhere


def run_check(workspace: Path, limit: str | None = None, out: Printer = print) -> int:
    started = time.monotonic()
    routing = read_routing(workspace)
    view = load_inventory(workspace)
    communes = communes_of(view, routing, limit)
    rows, guard_everywhere = _plumbing_rows(routing)
    if not communes:
        rows.append(
            CheckRow("lab", "communes to check", f"a lab gateway matching {limit or 'all'}", "none", False)
        )
    cores = [entry.container for entry in routing.hosts if entry.kind == CORE]
    primary = province_var(view, "province_dns_primary") or {}
    services = province_var(view, "province_services") or []
    facts = LabFacts(
        routing=routing,
        names=commune_names(view.hostvars, view.hosts("communes")),
        primary_address=str(primary.get("address", "")) if isinstance(primary, dict) else "",
        services=service_probes(services if isinstance(services, list) else [], routing.vm_prefix),
        guard_everywhere=guard_everywhere,
        core_container=cores[0] if cores else "",
        # every lab commune, limited or not, is "another commune" the checked one must not reach
        communes=communes_of(view, routing, None),
    )
    for commune in communes:
        leases: dict[str, str] = {}
        for client in commune.clients:
            if client.container:
                out(f"checking {client.kind.of(commune.label)} from {client.container} ...")
            session = Session(commune, client, leases=dict(leases))
            rows.extend(check_client(session, facts))
            leases[client.kind.vlan] = session.leased
    out(render_table(rows))
    for note in LAB_LIMITS:
        out(f"not shown in the lab: {note}")
    failed = sum(1 for r in rows if r.failed)
    out(f"lab check {'PASSED' if not failed else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return EXIT_FAILED if failed else 0
