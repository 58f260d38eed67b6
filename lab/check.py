"""`mergectl lab check DIR [--limit PATTERN]`: what a PC behind each lab gateway can do.

From every lab client (the PC on the government VLAN of a commune, and the PC on its
Party VLAN where the plan has one), through podman exec:
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
  by the core's leak guard, whose counter proves it never left;
- the Party VLAN: the Party client's lease is in the Party subnet from its gateway, it
  resolves the commune names and reaches the province services as the policy allows every
  client VLAN, and it can NOT reach the government client (ping, and tcp/22 that the
  gateway itself does reach), nor the government client it: the gateway's `denied`
  counter grows each time.

Probes toward anything outside the lab are only sent once the guard is seen loaded on
the gateway and the core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from controller.errors import EXIT_FAILED
from lab import podman
from lab.lifecycle import load_inventory
from lab.plan import (
    CORE,
    GATEWAY,
    PARTY_VLAN,
    SERVER,
    InventoryView,
    lab_prefix,
    matches_pattern,
    party_client_of,
)
from lab.plumbing import read_routing
from lab.routing import GUARD_FORWARD_COUNTER, GUARD_TABLE, LabRouting, province_var
from lab.verdict import (
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
_Outcome = TypeVar("_Outcome")
LEASE_WAIT_SECONDS = 45
LAB_LIMITS = (
    "each lab gateway carries only the government and Party VLANs, each untagged on its own port "
    "(no 802.1Q in container kernels): 802.1Q tagging and the one-stop, management and VC VLANs "
    "are proven by 'molecule test -s network', not here",
)
# A port the image's sshd listens on in every client: the gateway reaches it, the other
# VLAN must not.
CLIENT_SERVICE_PORT = 22


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
    # empty when the commune's VLAN plan has no Party VLAN
    party_client_container: str = ""
    party_prefix: str = ""
    party_gateway: str = ""


def _communes(view: InventoryView, routing: LabRouting, limit: str | None) -> list[Commune]:
    prefix = lab_prefix(routing.province)
    found = []
    for entry in routing.hosts:
        if entry.kind != GATEWAY or not matches_pattern(view, entry.host, limit):
            continue
        variables = view.hostvars.get(entry.host, {})
        label = str(variables.get("commune_label") or entry.host.removesuffix("-gw"))
        vlan = lan_vlan(variables) or {}
        party = lan_vlan(variables, PARTY_VLAN) or {}
        found.append(
            Commune(
                label,
                entry.host,
                entry.container,
                f"{prefix}{label}-client",
                str(vlan.get("prefix", "")),
                str(vlan.get("gateway", "")),
                f"{prefix}{party_client_of(label)}" if party.get("prefix") else "",
                str(party.get("prefix", "")),
                str(party.get("gateway", "")),
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


def _wait_for_lease(client_container: str) -> tuple[dict[str, str], str]:
    """The lease file and the address on eth0; asks networkd to renew once if the lease is
    slow to come (the gateway's DHCP server may have started after the client gave up)."""
    deadline = time.monotonic() + LEASE_WAIT_SECONDS
    renewed = False
    while True:
        _, output = _sh(
            client_container,
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
            _sh(client_container, "networkctl renew eth0 || networkctl reconfigure eth0", 30)
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


def _denied_during(gateway_container: str, probe: Callable[[], _Outcome]) -> tuple[_Outcome, int]:
    """What `probe` returned, and how many packets the gateway's policy denied meanwhile:
    "no reply" only counts as the policy's doing when its counter moved."""
    before = _policy_denied(gateway_container)
    outcome = probe()
    return outcome, _policy_denied(gateway_container) - before


def _guard_drops(container: str) -> int:
    code, output = _sh(container, f"nft list counter inet {GUARD_TABLE} {GUARD_FORWARD_COUNTER}", 30)
    return (parse_counter(output) or 0) if code == 0 else -1


def _lease_rows(
    label: str, vlan: str, client_container: str, prefix: str, gateway: str
) -> tuple[list[CheckRow], str, str]:
    """The client's lease and resolver rows; returns them with the leased address and the
    resolver the lease names ("" when there is none)."""
    lease, address = _wait_for_lease(client_container)
    leased = lease.get("ADDRESS", "")
    resolver = (lease.get("DNS") or "").split()[0] if lease.get("DNS") else ""
    rows = [
        CheckRow(
            label,
            f"{vlan}DHCP lease",
            f"in {prefix} from {gateway}",
            f"{address or 'no address'} from {lease.get('SERVER_ADDRESS', '-')}",
            bool(leased)
            and in_prefix(leased, prefix)
            and lease.get("SERVER_ADDRESS") == gateway
            and address.split("/")[0] == leased,
        ),
        CheckRow(label, f"{vlan}resolver by DHCP", gateway, resolver or "none", resolver == gateway),
    ]
    return rows, leased, resolver


def _names_row(
    label: str, vlan: str, client_container: str, resolver: str, names: list[str]
) -> tuple[CheckRow, dict[str, list[str]]]:
    answers, error = _dig(client_container, resolver, names)
    missing = [name for name in names if not answers.get(name)]
    return (
        CheckRow(
            label,
            f"{vlan}commune names via its resolver",
            f"{len(names)}/{len(names)} answer A",
            f"{len(names) - len(missing)}/{len(names)}"
            + (f"; missing {', '.join(missing[:3])}{'...' if len(missing) > 3 else ''}" if missing else "")
            + (f" ({error})" if error and missing else ""),
            bool(names) and not missing,
        ),
        answers,
    )


def _check_commune(
    commune: Commune,
    others: list[Commune],
    view: InventoryView,
    routing: LabRouting,
    guard_everywhere: bool,
    core_container: str,
) -> tuple[list[CheckRow], str]:
    """The government client's rows, and its leased address ("" without a lease)."""
    rows: list[CheckRow] = []
    label = commune.label

    def row(check: str, expected: str, observed: str, passed: bool) -> None:
        rows.append(CheckRow(label, check, expected, observed, passed))

    lease_rows, leased, resolver = _lease_rows(
        label, "", commune.client_container, commune.gov_prefix, commune.gov_gateway
    )
    rows.extend(lease_rows)
    if not leased:
        return rows, ""

    names = commune_names(view.hostvars, view.hosts("communes"))
    primary = province_var(view, "province_dns_primary") or {}
    primary_address = str(primary.get("address", "")) if isinstance(primary, dict) else ""
    names_row, via_gateway = _names_row(
        label, "", commune.client_container, resolver or commune.gov_gateway, names
    )
    rows.append(names_row)
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
        rows.append(_tcp_row(commune, commune.client_container, "", probe))

    if not guard_everywhere:
        row("outside the lab", "probes sent", "NOT sent: the leak guard is not loaded everywhere", False)
        return rows, leased

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
    if not any(other.label != label and other.gov_gateway for other in others):
        rows.append(
            CheckRow(
                label,
                "other commune",
                "another lab commune's LAN not reached",
                "SKIP: only one commune in the lab (lab up --communes 2 shows it)",
                False,
                skipped=True,
            )
        )
    for other in others:
        if other.label == label or not other.gov_gateway:
            continue
        reached, denied = _denied_during(
            commune.gateway_container, partial(_ping, commune.client_container, other.gov_gateway)
        )
        row(
            f"other commune {other.label}",
            f"{other.gov_gateway} not reached, denied at gateway",
            f"{'answers' if reached else 'no reply'}, gateway denied +{denied}",
            not reached and denied >= 1,
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
    return rows, leased


def _check_party(
    commune: Commune, gov_address: str, view: InventoryView, routing: LabRouting
) -> list[CheckRow]:
    """The Party VLAN's client: what the policy gives every client VLAN, and no way to
    the government VLAN's hosts (nor theirs to it)."""
    label = commune.label
    vlan = "Party VLAN: "
    if not commune.party_client_container:
        return [
            CheckRow(
                label,
                f"{vlan}isolation",
                "a Party VLAN in the commune's plan",
                "SKIP: the commune's VLAN plan has no party VLAN",
                False,
                skipped=True,
            )
        ]
    present, _ = _sh(commune.party_client_container, "true", 30)
    if present != 0:
        return [
            CheckRow(
                label,
                f"{vlan}client",
                f"{commune.party_client_container} running",
                "missing (run 'mergectl lab up' again)",
                False,
            )
        ]
    rows, leased, resolver = _lease_rows(
        label, vlan, commune.party_client_container, commune.party_prefix, commune.party_gateway
    )
    if not leased:
        return rows
    names = commune_names(view.hostvars, view.hosts("communes"))
    rows.append(
        _names_row(label, vlan, commune.party_client_container, resolver or commune.party_gateway, names)[0]
    )
    if routing.core_loopback:
        reached = _ping(commune.party_client_container, routing.core_loopback)
        rows.append(
            CheckRow(
                label,
                f"{vlan}ping core loopback",
                f"{routing.core_loopback} answers",
                "answers" if reached else "no reply",
                reached,
            )
        )
    services = province_var(view, "province_services") or []
    for probe in service_probes(services if isinstance(services, list) else [], routing.vm_prefix):
        rows.append(_tcp_row(commune, commune.party_client_container, vlan, probe))

    if not gov_address:
        rows.append(
            CheckRow(
                label,
                f"{vlan}government client not reached",
                "the government client's address",
                "none: its lease failed (above)",
                False,
            )
        )
        return rows
    # The government client must be alive for "no reply" to mean anything: the gateway
    # itself reaches it (its own traffic is not forwarded, so the policy does not apply).
    alive = _ping(commune.gateway_container, gov_address)
    reached, denied = _denied_during(
        commune.gateway_container, partial(_ping, commune.party_client_container, gov_address)
    )
    rows.append(
        CheckRow(
            label,
            f"{vlan}ping government client",
            f"{gov_address} alive (gateway reaches it), not reached from Party, denied at gateway",
            f"gateway {'reaches it' if alive else 'gets no reply'}; from Party "
            f"{'answers' if reached else 'no reply'}, gateway denied +{denied}",
            alive and not reached and denied >= 1,
        )
    )
    port = CLIENT_SERVICE_PORT
    from_gateway = _tcp(commune.gateway_container, gov_address, port)
    from_party, denied = _denied_during(
        commune.gateway_container, partial(_tcp, commune.party_client_container, gov_address, port)
    )
    rows.append(
        CheckRow(
            label,
            f"{vlan}tcp/{port} to government client",
            f"{gov_address}:{port} open to the gateway, dropped from Party",
            f"from gateway {from_gateway}; from Party {from_party}, gateway denied +{denied}",
            from_gateway in {"connected", "refused"} and from_party == "timeout" and denied >= 1,
        )
    )
    back, denied = _denied_during(commune.gateway_container, partial(_ping, commune.client_container, leased))
    rows.append(
        CheckRow(
            label,
            "government client -> Party client",
            f"{leased} not reached, denied at gateway",
            f"{'answers' if back else 'no reply'}, gateway denied +{denied}",
            not back and denied >= 1,
        )
    )
    return rows


def _tcp_row(commune: Commune, client_container: str, vlan: str, probe: TcpProbe) -> CheckRow:
    before = _policy_denied(commune.gateway_container) if not probe.expect_reach else 0
    outcome = _tcp(client_container, probe.address, probe.port)
    if probe.expect_reach:
        return CheckRow(
            commune.label,
            f"{vlan}policy allows {probe.label}",
            f"{probe.address}:{probe.port} reached",
            outcome + (" (crossed, nothing listening)" if outcome == "refused" else ""),
            outcome in {"connected", "refused"},
        )
    after = _policy_denied(commune.gateway_container)
    return CheckRow(
        commune.label,
        f"{vlan}policy denies {probe.label}",
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
        commune_rows, gov_address = _check_commune(
            commune, every_commune, view, routing, guard_everywhere, cores[0] if cores else ""
        )
        rows.extend(commune_rows)
        if commune.party_client_container:
            out(f"checking {commune.label}'s Party VLAN from {commune.party_client_container} ...")
        rows.extend(_check_party(commune, gov_address, view, routing))
    out(render_table(rows))
    for note in LAB_LIMITS:
        out(f"not shown in the lab: {note}")
    failed = sum(1 for r in rows if r.failed)
    out(f"lab check {'PASSED' if not failed else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return EXIT_FAILED if failed else 0
