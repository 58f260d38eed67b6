"""`mergectl lab check DIR [--limit PATTERN]`: `mergectl check` against the lab, and what a PC
behind each lab gateway can do.

First the acceptance check of the control node (controller/check/), from this machine against
the lab containers' addresses (lab/reach.py): names and serials at both name servers, MX, DKIM,
portals over HTTPS with the lab's CA, SMTP/IMAPS banners, the lab gateways' loopbacks.

Then what only the lab's clients can show: from every lab client (the PC on the government
VLAN of a commune, and the PC on its Party VLAN where the plan has one), through podman exec,
the probes of lab/probes.py:
- its DHCP lease is in its VLAN's subnet, from its gateway, which is also the
  resolver the lease names;
- every new commune name of the province zone resolves through that resolver (from the
  government client: to the portal's address, the answer the check above found the name
  servers give);
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
the gateway and the core. Both parts go into one table and DIR/state/check.json (lab: true).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from controller import names
from controller.check.results import SKIP, CheckResult, new_run, ordered, write_check
from controller.check.service import Checked, check_inventory, read_facts
from controller.check.table import render_table, summary_line
from controller.errors import EXIT_FAILED, EXIT_OK, UserError
from controller.inventory_view import InventoryView, load_inventory, matches_pattern
from lab import shell
from lab.clients import CLIENT_KINDS, GOVERNMENT, PARTY, Client, Commune, LabFacts, Session
from lab.plan import CORE, GATEWAY, SERVER, lab_prefix
from lab.plumbing import read_routing
from lab.probes import check_client
from lab.reach import NOT_IN_SLICE, LabReach, lab_ca_bundle, overlay_hosts
from lab.routing import GUARD_TABLE, LabRouting, province_var
from lab.verdict import LAB_ROWS, CheckRow, commune_names, lan_vlan, service_probes, to_result

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
        code = str(variables.get("commune_code") or "")
        found.append(Commune(label, entry.container, tuple(clients), entry.host, code))
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
                    LAB_ROWS,
                    f"plan address on {entry.host}",
                    f"{address} on {interface}",
                    "present" if present else "missing (run 'mergectl lab up' again)",
                    present,
                    host=entry.host,
                )
            )
        if entry.guarded:
            loaded = shell.guard_loaded(entry.container)
            guard_everywhere = guard_everywhere and loaded
            rows.append(
                CheckRow(
                    LAB_ROWS,
                    f"leak guard on {entry.host}",
                    f"table inet {GUARD_TABLE} loaded",
                    "loaded" if loaded else "MISSING",
                    loaded,
                    host=entry.host,
                )
            )
    return rows, guard_everywhere


def control_node_check(
    workspace: Path, view: InventoryView, routing: LabRouting, limit: str | None, out: Printer
) -> Checked:
    """`mergectl check`'s checks, from this machine against the lab's containers."""
    from controller.run import ansible_content

    started = time.monotonic()
    hosts = overlay_hosts(workspace)
    cores = [entry.container for entry in routing.hosts if entry.kind == CORE]
    facts = read_facts(view)
    servers = {
        kind: server.host for kind, server in (("portal", facts.portal), ("mail", facts.mail)) if server
    }
    ca_file = lab_ca_bundle(workspace, hosts, servers, ansible_content().folder)
    reach = LabReach(hosts, cores[0] if cores else "")
    checked = check_inventory(view, limit=limit, reach=reach, ca_file=ca_file, facts=facts)
    out(
        f"mergectl check against the lab: {len(checked.results)} checks in "
        f"{time.monotonic() - started:.1f} s (CA: {ca_file or 'none in the lab yet'})"
    )
    return checked


def fold_outside_the_slice(results: list[CheckResult]) -> list[CheckResult]:
    """One row for the hosts the lab slice does not hold, rather than one per host."""
    outside = [r for r in results if r.status == SKIP and NOT_IN_SLICE in r.detail]
    if not outside:
        return results
    hosts = sorted({r.host for r in outside if r.host})
    folded = CheckResult(
        check=",".join(sorted({r.check for r in outside})),
        workstream=outside[0].workstream if len({r.workstream for r in outside}) == 1 else "other",
        commune=None,
        host=None,
        target=f"{len(outside)} checks of {len(hosts)} hosts ({', '.join(hosts[:3])}"
        + (", ...)" if len(hosts) > 3 else ")"),
        status=SKIP,
        detail=f"{NOT_IN_SLICE} (mergectl lab up --communes N)",
    )
    return [r for r in results if r not in outside] + [folded]


def client_rows(view: InventoryView, routing: LabRouting, limit: str | None, out: Printer) -> list[CheckRow]:
    """What only the lab's clients can show, after the lab's own wiring."""
    communes = communes_of(view, routing, limit)
    rows, guard_everywhere = _plumbing_rows(routing)
    if not communes:
        rows.append(
            CheckRow(LAB_ROWS, "communes to check", f"a lab gateway matching {limit or 'all'}", "none", False)
        )
    cores = [entry.container for entry in routing.hosts if entry.kind == CORE]
    portal = province_var(view, "province_portal") or {}
    services = province_var(view, "province_services") or []
    facts = LabFacts(
        routing=routing,
        names=commune_names(view.hostvars, view.hosts("communes")),
        expected_address=str(portal.get("address", "")) if isinstance(portal, dict) else "",
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
    return rows


def run_check(workspace: Path, limit: str | None = None, out: Printer = print) -> int:
    started = time.monotonic()
    routing = read_routing(workspace)
    view = load_inventory(workspace)
    labels: dict[str, str] = {}
    try:
        checked = control_node_check(workspace, view, routing, limit, out)
        results, labels = fold_outside_the_slice(checked.results), checked.commune_labels
    except UserError as error:
        # a limit that names only lab clients or old hosts: the clients' part still runs
        out(f"mergectl check: {error}")
        results = []
    rows = client_rows(view, routing, limit, out)
    codes = {commune.label: commune.code for commune in communes_of(view, routing, None)}
    check_run = new_run(ordered([*results, *(to_result(row, codes) for row in rows)]), limit=limit, lab=True)
    path = write_check(workspace, check_run)
    out(render_table(check_run.results, labels))
    for note in LAB_LIMITS:
        out(f"not shown in the lab: {note}")
    out(f"lab {summary_line(check_run, time.monotonic() - started)}; written to {path}")
    return EXIT_FAILED if check_run.failed else EXIT_OK
