"""`mergectl lab check DIR [--limit PATTERN]`: what a PC behind each lab gateway can do.

From every lab client (the PC on the government VLAN of a commune), through podman exec:
- its DHCP lease is in the government subnet, from its gateway, which is also the
  resolver the lease names;
- every new commune name of the province zone resolves through that resolver, with the
  answers the primary (ns1) serves;
- the core's loopback answers ping;
- the gateway's policy: each TCP service of `province_services` is reached (connected,
  or refused by a server with nothing listening: either way it crossed the gateway and
  the core), a port no service opens is dropped at the gateway (its `denied` counter
  counts it), another commune's LAN is not reached, an address outside the plan dies at
  the gateway, and a plan address that lives outside the lab (the VM prefix) is dropped
  by the core's leak guard, whose counter proves it never left.

Probes toward anything outside the lab are only sent once the guard is seen loaded on
the gateway and the core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from controller.lab import podman
from controller.lab.lifecycle import load_inventory
from controller.lab.plan import CORE, GATEWAY, SERVER, InventoryView, lab_prefix, matches_pattern
from controller.lab.plumbing import read_routing
from controller.lab.routing import GUARD_FORWARD_COUNTER, GUARD_TABLE, LabRouting, province_var
from controller.lab.verdict import (
    OUTSIDE_THE_PLAN,
    CheckRow,
    TcpProbe,
    commune_names,
    in_prefix,
    lan_vlan,
    parse_counter,
    parse_dig_answers,
    parse_lease,
    render_table,
    service_probes,
    vm_probe_address,
)

Printer = Callable[[str], None]
LEASE_WAIT_SECONDS = 45
LAB_LIMITS = (
    "the lab's LAN carries only the government VLAN, untagged (no 802.1Q in container kernels): "
    "Party/one-stop/VC VLAN isolation is proven by 'molecule test -s network', not here",
)


def _sh(container: str, script: str, timeout: float = 120) -> tuple[int, str]:
    done = podman.exec_script(container, script, timeout=timeout)
    return done.returncode, (done.stdout + done.stderr).strip()


@dataclass(frozen=True)
class Commune:
    label: str
    gateway: str
    gateway_container: str
    client_container: str
    gov_prefix: str
    gov_gateway: str


def _communes(view: InventoryView, routing: LabRouting, limit: str | None) -> list[Commune]:
    prefix = lab_prefix(routing.province)
    found = []
    for entry in routing.hosts:
        if entry.kind != GATEWAY or not matches_pattern(view, entry.host, limit):
            continue
        variables = view.hostvars.get(entry.host, {})
        label = str(variables.get("commune_label") or entry.host.removesuffix("-gw"))
        vlan = lan_vlan(variables) or {}
        found.append(
            Commune(
                label,
                entry.host,
                entry.container,
                f"{prefix}{label}-client",
                str(vlan.get("prefix", "")),
                str(vlan.get("gateway", "")),
            )
        )
    return found


def _plumbing_rows(routing: LabRouting) -> tuple[list[CheckRow], bool]:
    """The lab's own wiring first: without it the rest means nothing (or is unsafe)."""
    rows: list[CheckRow] = []
    guard_everywhere = True
    for entry in routing.hosts:
        if entry.kind not in {CORE, SERVER, GATEWAY}:
            continue
        for interface, address in entry.addresses:
            code, output = _sh(entry.container, f"ip -4 -o address show dev {interface}", 30)
            present = code == 0 and f" {address} " in f" {output} "
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
            code, output = _sh(
                entry.container, f"nft list counter inet {GUARD_TABLE} {GUARD_FORWARD_COUNTER}", 30
            )
            loaded = code == 0 and parse_counter(output) is not None
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


def _wait_for_lease(commune: Commune) -> tuple[dict[str, str], str]:
    """The lease file and the address on eth0; asks networkd to renew once if the lease is
    slow to come (the gateway's DHCP server may have started after the client gave up)."""
    deadline = time.monotonic() + LEASE_WAIT_SECONDS
    renewed = False
    while True:
        _, output = _sh(
            commune.client_container,
            "cat /run/systemd/netif/leases/* 2>/dev/null; echo ==; ip -4 -o address show dev eth0",
            30,
        )
        lease_text, _, address_text = output.partition("==")
        lease = parse_lease(lease_text)
        fields = address_text.split()
        address = fields[fields.index("inet") + 1] if "inet" in fields else ""
        if lease.get("ADDRESS") and address:
            return lease, address
        if time.monotonic() >= deadline:
            return lease, address
        if not renewed and time.monotonic() > deadline - LEASE_WAIT_SECONDS + 10:
            _sh(commune.client_container, "networkctl renew eth0 || networkctl reconfigure eth0", 30)
            renewed = True
        time.sleep(2)


def _dig(container: str, server: str, names: list[str]) -> tuple[dict[str, list[str]], str]:
    queries = " ".join(f"{name} A" for name in names)
    code, output = _sh(container, f"dig +time=2 +tries=2 +noall +answer @{server} {queries}", 300)
    return parse_dig_answers(output), ("" if code == 0 else output[-200:])


def _tcp(container: str, address: str, port: int) -> str:
    """connected | refused | timeout | error: ..."""
    _, output = _sh(container, f"timeout 4 bash -c '</dev/tcp/{address}/{port}' 2>&1; echo rc=$?", 30)
    if output.endswith("rc=0"):
        return "connected"
    if "refused" in output.lower():
        return "refused"
    if output.endswith("rc=124"):
        return "timeout"
    return "error: " + output.replace("\n", " ")[-80:]


def _ping(container: str, address: str) -> bool:
    code, _ = _sh(container, f"ping -n -q -c 2 -W 2 {address} >/dev/null", 30)
    return code == 0


def _policy_denied(gateway_container: str) -> int:
    code, output = _sh(gateway_container, "nft list chain inet commune_lan forward", 30)
    return (parse_counter(output) or 0) if code == 0 else -1


def _guard_drops(container: str) -> int:
    code, output = _sh(container, f"nft list counter inet {GUARD_TABLE} {GUARD_FORWARD_COUNTER}", 30)
    return (parse_counter(output) or 0) if code == 0 else -1


def _check_commune(
    commune: Commune,
    others: list[Commune],
    view: InventoryView,
    routing: LabRouting,
    guard_everywhere: bool,
    core_container: str,
) -> list[CheckRow]:
    rows: list[CheckRow] = []
    label = commune.label

    def row(check: str, expected: str, observed: str, passed: bool) -> None:
        rows.append(CheckRow(label, check, expected, observed, passed))

    lease, address = _wait_for_lease(commune)
    leased = lease.get("ADDRESS", "")
    row(
        "DHCP lease",
        f"in {commune.gov_prefix} from {commune.gov_gateway}",
        f"{address or 'no address'} from {lease.get('SERVER_ADDRESS', '-')}",
        bool(leased)
        and in_prefix(leased, commune.gov_prefix)
        and lease.get("SERVER_ADDRESS") == commune.gov_gateway
        and address.split("/")[0] == leased,
    )
    resolver = (lease.get("DNS") or "").split()[0] if lease.get("DNS") else ""
    row("resolver by DHCP", commune.gov_gateway, resolver or "none", resolver == commune.gov_gateway)
    if not leased:
        return rows

    names = commune_names(view.hostvars, view.hosts("communes"))
    primary = province_var(view, "province_dns_primary") or {}
    primary_address = str(primary.get("address", "")) if isinstance(primary, dict) else ""
    via_gateway, gateway_error = _dig(commune.client_container, resolver or commune.gov_gateway, names)
    missing = [name for name in names if not via_gateway.get(name)]
    row(
        "commune names via its resolver",
        f"{len(names)}/{len(names)} answer A",
        f"{len(names) - len(missing)}/{len(names)}"
        + (f"; missing {', '.join(missing[:3])}{'...' if len(missing) > 3 else ''}" if missing else "")
        + (f" ({gateway_error})" if gateway_error and missing else ""),
        bool(names) and not missing,
    )
    if primary_address:
        authoritative, _ = _dig(commune.client_container, primary_address, names)
        differing = [n for n in names if sorted(via_gateway.get(n, [])) != sorted(authoritative.get(n, []))]
        sample = names[0] if names else ""
        sample_answer = ",".join(via_gateway.get(sample, []))
        row(
            "answers = primary's",
            f"same as ns1 {primary_address}",
            f"{len(names) - len(differing)}/{len(names)} equal (e.g. {sample} {sample_answer})",
            bool(names) and not differing,
        )

    if routing.core_loopback:
        reached = _ping(commune.client_container, routing.core_loopback)
        row(
            "ping core loopback",
            f"{routing.core_loopback} answers",
            "answers" if reached else "no reply",
            reached,
        )

    services = province_var(view, "province_services") or []
    for probe in service_probes(services if isinstance(services, list) else [], routing.vm_prefix):
        rows.append(_tcp_row(commune, probe))

    if not guard_everywhere:
        row("outside the lab", "probes sent", "NOT sent: the leak guard is not loaded everywhere", False)
        return rows

    vm_address = vm_probe_address(routing.vm_prefix)
    if vm_address:
        before = _guard_drops(core_container)
        outcome = _tcp(commune.client_container, vm_address, 443)
        after = _guard_drops(core_container)
        row(
            "VM prefix (no VM in lab)",
            f"{vm_address} tcp/443 dropped by core guard",
            f"{outcome}, core guard +{after - before}",
            outcome == "timeout" and after - before >= 1,
        )
    for other in others:
        if other.label == label or not other.gov_gateway:
            continue
        before = _policy_denied(commune.gateway_container)
        reached = _ping(commune.client_container, other.gov_gateway)
        after = _policy_denied(commune.gateway_container)
        row(
            f"other commune {other.label}",
            f"{other.gov_gateway} not reached, denied at gateway",
            f"{'answers' if reached else 'no reply'}, gateway denied +{after - before}",
            not reached and after - before >= 1,
        )
    before_gateway = _policy_denied(commune.gateway_container)
    before_core = _guard_drops(core_container)
    reached = _ping(commune.client_container, OUTSIDE_THE_PLAN)
    after_gateway = _policy_denied(commune.gateway_container)
    after_core = _guard_drops(core_container)
    row(
        "outside the plan",
        f"{OUTSIDE_THE_PLAN} dropped at the gateway",
        f"{'answers' if reached else 'no reply'}, gateway denied +{after_gateway - before_gateway}, "
        f"core guard +{after_core - before_core}",
        not reached and after_gateway - before_gateway >= 1 and after_core == before_core,
    )
    return rows


def _tcp_row(commune: Commune, probe: TcpProbe) -> CheckRow:
    before = _policy_denied(commune.gateway_container) if not probe.expect_reach else 0
    outcome = _tcp(commune.client_container, probe.address, probe.port)
    if probe.expect_reach:
        return CheckRow(
            commune.label,
            f"policy allows {probe.label}",
            f"{probe.address}:{probe.port} reached",
            outcome + (" (crossed, nothing listening)" if outcome == "refused" else ""),
            outcome in {"connected", "refused"},
        )
    after = _policy_denied(commune.gateway_container)
    return CheckRow(
        commune.label,
        f"policy denies {probe.label}",
        f"{probe.address}:{probe.port} dropped at gateway",
        f"{outcome}, gateway denied +{after - before}",
        outcome == "timeout" and after - before >= 1,
    )


def run_check(workspace: Path, limit: str | None = None, out: Printer = print) -> int:
    started = time.monotonic()
    routing = read_routing(workspace)
    view = load_inventory(workspace)
    communes = _communes(view, routing, limit)
    # every lab commune, limited or not, is "another commune" the checked one must not reach
    every_commune = _communes(view, routing, None)
    rows, guard_everywhere = _plumbing_rows(routing)
    if not communes:
        rows.append(
            CheckRow("lab", "communes to check", f"a lab gateway matching {limit or 'all'}", "none", False)
        )
    cores = [entry.container for entry in routing.hosts if entry.kind == CORE]
    for commune in communes:
        out(f"checking {commune.label} from {commune.client_container} ...")
        rows.extend(
            _check_commune(commune, every_commune, view, routing, guard_everywhere, cores[0] if cores else "")
        )
    out(render_table(rows))
    for note in LAB_LIMITS:
        out(f"not shown in the lab: {note}")
    failed = sum(1 for r in rows if not r.passed)
    out(f"lab check {'PASSED' if not failed else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0
