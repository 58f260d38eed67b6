"""The lab's routing: plan addresses that live in the lab, and a guard so none leave it. Pure.

Why the plan's own addresses, not lab ones: a commune gateway's resolver forwards to the
province DNS at its plan address (10.240.0.11), its data line routes the Integration
Centre prefix to the core, ns2 transfers from ns1's plan address. Rather than rewriting
those settings for the lab (and then testing a configuration production never runs), the
lab makes the plan true on its own wires:
- the core gets its plan address on the Integration Centre network (the IC servers'
  gateway, as in production) and forwards between the data line and the IC;
- every IC server gets its plan address on the same network, and routes the plan space
  (commune LANs, links, loopbacks, VMs...) back through the core;
- old district hosts reach the IC prefix on the link and the rest of the plan through
  the core too.

Why a guard: podman gives every container a default route through the host's NAT, which
is how apt reaches a mirror, and also how a plan address (10.x) would reach the host's
real network. So every lab host that forwards (core, gateways) loads the nftables table
`inet mergectl_lab_guard`: a forwarded packet whose destination is not a plan prefix that
lives in the lab is dropped and counted, as is a packet the host itself sends to the plan
space outside the lab. IC servers and old district hosts send the whole plan space to the
core (routes), so the core's guard covers them too.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork, cidr_merge

from lab.plan import (
    CORE,
    GATEWAY,
    LAB_POOL,
    OLD_DISTRICT,
    SERVER,
    InventoryView,
    LabPlan,
    LabPlanError,
)

GUARD_TABLE = "mergectl_lab_guard"
GUARD_FORWARD_COUNTER = "left_lab_forward"
GUARD_OUTPUT_COUNTER = "left_lab_output"
GUARD_FILE = "/run/mergectl-lab-guard.nft"
# Private blocks a province plan is drawn from; any plan prefix outside them is added.
# 172.16.0.0/12 is left out on purpose: the lab's own podman networks live in it.
_PLAN_BLOCKS = ("10.0.0.0/8", "192.168.0.0/16")


@dataclass(frozen=True)
class Route:
    destination: str
    via: str | None = None  # None: on the link of `interface`
    interface: str | None = None


@dataclass(frozen=True)
class HostRouting:
    host: str
    container: str
    kind: str
    addresses: tuple[tuple[str, str], ...] = ()  # (interface, address/prefixlen)
    routes: tuple[Route, ...] = ()
    # Forwarders only (core, gateways): the only destinations a forwarded packet may have.
    lab_destinations: tuple[str, ...] = ()

    @property
    def guarded(self) -> bool:
        return self.kind in {CORE, GATEWAY}


@dataclass(frozen=True)
class LabRouting:
    province: str
    integration_centre_prefix: str
    core_address: str  # the core's plan address on the IC network: the IC servers' gateway
    core_loopback: str | None
    vm_prefix: str | None
    plan_space: tuple[str, ...]
    hosts: tuple[HostRouting, ...]
    notes: tuple[str, ...] = field(default=())

    def host(self, name: str) -> HostRouting:
        for entry in self.hosts:
            if entry.host == name:
                return entry
        raise KeyError(name)

    def to_document(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "integration_centre_prefix": self.integration_centre_prefix,
            "core_address": self.core_address,
            "core_loopback": self.core_loopback,
            "vm_prefix": self.vm_prefix,
            "plan_space": list(self.plan_space),
            "notes": list(self.notes),
            "hosts": {
                entry.host: {
                    "container": entry.container,
                    "kind": entry.kind,
                    "addresses": [{"interface": i, "address": a} for i, a in entry.addresses],
                    "routes": [
                        {k: v for k, v in vars(route).items() if v is not None} for route in entry.routes
                    ],
                    "lab_destinations": list(entry.lab_destinations),
                }
                for entry in self.hosts
            },
        }

    @classmethod
    def from_document(cls, data: Mapping[str, Any]) -> LabRouting:
        hosts = tuple(
            HostRouting(
                host=name,
                container=str(entry["container"]),
                kind=str(entry["kind"]),
                addresses=tuple((a["interface"], a["address"]) for a in entry.get("addresses") or []),
                routes=tuple(
                    Route(r["destination"], r.get("via"), r.get("interface"))
                    for r in entry.get("routes") or []
                ),
                lab_destinations=tuple(entry.get("lab_destinations") or []),
            )
            for name, entry in (data.get("hosts") or {}).items()
        )
        return cls(
            province=str(data["province"]),
            integration_centre_prefix=str(data["integration_centre_prefix"]),
            core_address=str(data["core_address"]),
            core_loopback=data.get("core_loopback"),
            vm_prefix=data.get("vm_prefix"),
            plan_space=tuple(data.get("plan_space") or []),
            hosts=hosts,
            notes=tuple(data.get("notes") or []),
        )


def province_var(view: InventoryView, name: str) -> Any:
    return view.province_var(name)


def _network(value: object, what: str) -> IPNetwork:
    try:
        return IPNetwork(str(value))
    except (AddrFormatError, ValueError, TypeError):
        raise LabPlanError(f"{what}: {value!r} is not an IPv4 prefix or address") from None


def _address_in(value: object, prefix: IPNetwork) -> IPAddress | None:
    try:
        address = IPAddress(str(value))
    except (AddrFormatError, ValueError, TypeError):
        return None
    return address if address in prefix else None


def commune_prefixes(variables: Mapping[str, Any]) -> list[IPNetwork]:
    """Everything of one commune that routes: its LAN, every VLAN (the VC VLAN lives
    outside the LAN prefix), each site's link and loopback."""
    found: list[IPNetwork] = []
    if variables.get("commune_lan_prefix"):
        found.append(_network(variables["commune_lan_prefix"], "commune_lan_prefix"))
    for vlan in variables.get("commune_vlans") or []:
        if isinstance(vlan, Mapping) and vlan.get("prefix"):
            found.append(_network(vlan["prefix"], "commune_vlans.prefix"))
    for site in variables.get("commune_sites") or []:
        if not isinstance(site, Mapping):
            continue
        if site.get("link_prefix"):
            found.append(_network(site["link_prefix"], "commune_sites.link_prefix"))
        if site.get("loopback"):
            found.append(IPNetwork(f"{_network(site['loopback'], 'commune_sites.loopback').ip}/32"))
    return cidr_merge(found)


def plan_space(prefixes: Iterable[IPNetwork]) -> list[IPNetwork]:
    """The address blocks the plan uses: the private blocks, plus any plan prefix outside
    them. A plan prefix inside the lab's own pool would make the two indistinguishable."""
    blocks = [IPNetwork(block) for block in _PLAN_BLOCKS]
    extra: list[IPNetwork] = []
    for prefix in prefixes:
        if prefix.first <= LAB_POOL.last and LAB_POOL.first <= prefix.last:
            raise LabPlanError(
                f"the plan uses {prefix}, inside the lab's own pool {LAB_POOL}; the lab cannot "
                "keep plan and lab addresses apart"
            )
        if not any(prefix in block for block in blocks):
            extra.append(prefix)
    return cidr_merge(blocks + extra)


def _strs(networks: Iterable[IPNetwork]) -> tuple[str, ...]:
    return tuple(str(network) for network in networks)


def build_routing(plan: LabPlan, view: InventoryView) -> LabRouting | None:
    """Routing of a lab slice, from the rendered inventory (never the lab overlay: the
    plan addresses are the rendered `ansible_host` of each server and of the core).
    None when the inventory has no address plan (no Integration Centre prefix)."""
    notes: list[str] = []
    ic_value = province_var(view, "province_integration_centre_prefix")
    if not ic_value:
        # a hand-written inventory without an address plan: nothing of the plan to route
        return None
    ic_prefix = _network(ic_value, "province_integration_centre_prefix").cidr
    core_info = province_var(view, "province_core") or {}
    core_loopback = (
        IPNetwork(f"{_network(core_info['loopback'], 'province_core.loopback').ip}/32")
        if isinstance(core_info, Mapping) and core_info.get("loopback")
        else None
    )
    vm_value = province_var(view, "province_vm_prefix")
    vm_prefix = _network(vm_value, "province_vm_prefix").cidr if vm_value else None

    cores = plan.hosts(CORE)
    if not cores:
        raise LabPlanError("the lab slice has no core")
    core = plan.container(cores[0])
    core_address = _address_in(view.hostvars.get(core.host, {}).get("ansible_host"), ic_prefix)
    if core_address is None:
        # the core's management address is normally the IC's gateway; without one, take
        # the prefix's first address, which is what the rendered plan reserves for it
        core_address = IPAddress(ic_prefix.first + 1)
        notes.append(f"{core.host} has no address in {ic_prefix}; the lab gives it {core_address}")

    lab_communes: list[IPNetwork] = []
    gateway_prefixes: dict[str, list[IPNetwork]] = {}
    for host in plan.hosts(GATEWAY):
        prefixes = commune_prefixes(view.hostvars.get(host, {}))
        gateway_prefixes[host] = prefixes
        lab_communes.extend(prefixes)

    # what a gateway's data line sends to the core: the IC, the VMs, the core loopback
    toward_core = [p for p in (ic_prefix, vm_prefix, core_loopback) if p is not None]
    every_plan_prefix = list(toward_core)
    for host in view.hosts("communes"):
        every_plan_prefix.extend(commune_prefixes(view.hostvars.get(host, {})))
    space = plan_space(every_plan_prefix)
    prefixlen = ic_prefix.prefixlen

    hosts: list[HostRouting] = []
    for container in plan.containers:
        interfaces = container.interfaces
        ic_interface = interfaces.get("ic")
        if container.kind == CORE and container.host == core.host and ic_interface:
            hosts.append(
                HostRouting(
                    container.host,
                    container.name,
                    CORE,
                    addresses=((ic_interface, f"{core_address}/{prefixlen}"),),
                    lab_destinations=_strs(
                        cidr_merge([ic_prefix, *lab_communes, *([core_loopback] if core_loopback else [])])
                    ),
                )
            )
        elif container.kind == SERVER and ic_interface:
            address = _address_in(view.hostvars.get(container.host, {}).get("ansible_host"), ic_prefix)
            if address is None:
                notes.append(f"{container.host} has no plan address in {ic_prefix}; only its lab address")
                continue
            hosts.append(
                HostRouting(
                    container.host,
                    container.name,
                    SERVER,
                    addresses=((ic_interface, f"{address}/{prefixlen}"),),
                    routes=tuple(Route(str(block), str(core_address)) for block in space),
                )
            )
        elif container.kind == OLD_DISTRICT and ic_interface:
            hosts.append(
                HostRouting(
                    container.host,
                    container.name,
                    OLD_DISTRICT,
                    routes=(
                        Route(str(ic_prefix), None, ic_interface),
                        *(Route(str(block), str(core_address)) for block in space),
                    ),
                )
            )
        elif container.kind == GATEWAY:
            hosts.append(
                HostRouting(
                    container.host,
                    container.name,
                    GATEWAY,
                    lab_destinations=_strs(cidr_merge([*gateway_prefixes[container.host], *toward_core])),
                )
            )
    return LabRouting(
        province=plan.province,
        integration_centre_prefix=str(ic_prefix),
        core_address=str(core_address),
        core_loopback=str(core_loopback.ip) if core_loopback else None,
        vm_prefix=str(vm_prefix) if vm_prefix else None,
        plan_space=_strs(space),
        hosts=tuple(hosts),
        notes=tuple(notes),
    )


def guard_ruleset(entry: HostRouting, space: Sequence[str]) -> str:
    """The nftables file of a forwarder. Loaded as one transaction that replaces only this
    table (the commune gateway's own `inet commune_lan` is left alone). A drop in any base
    chain is final, so the accept here never opens what another table denies; its chains
    come after the gateway's policy (priority filter + 10), so the policy's own counters
    see what it denies and the guard catches only what the policy let through."""
    destinations = ", ".join(entry.lab_destinations) or "127.0.0.0/8"
    return f"""table inet {GUARD_TABLE}
delete table inet {GUARD_TABLE}
table inet {GUARD_TABLE} {{
	counter {GUARD_FORWARD_COUNTER} {{ }}
	counter {GUARD_OUTPUT_COUNTER} {{ }}
	set lab_destinations {{
		type ipv4_addr
		flags interval
		elements = {{ {destinations} }}
	}}
	set plan_space {{
		type ipv4_addr
		flags interval
		elements = {{ {", ".join(space)} }}
	}}
	chain forward {{
		type filter hook forward priority filter + 10; policy accept;
		ip daddr @lab_destinations accept
		counter name {GUARD_FORWARD_COUNTER} drop comment "would leave the lab"
	}}
	chain output {{
		type filter hook output priority filter + 10; policy accept;
		ip daddr @plan_space ip daddr != @lab_destinations \\
			counter name {GUARD_OUTPUT_COUNTER} drop comment "plan address outside the lab"
	}}
}}
"""


def plumbing_script(entry: HostRouting, space: Sequence[str]) -> str:
    """Shell run inside the container (podman exec): idempotent, stops at the first error."""
    lines = ["set -e"]
    for interface, address in entry.addresses:
        lines.append(f"ip address replace {shlex.quote(address)} dev {shlex.quote(interface)}")
    for route in entry.routes:
        command = f"ip route replace {shlex.quote(route.destination)}"
        if route.via:
            command += f" via {shlex.quote(route.via)}"
        if route.interface:
            command += f" dev {shlex.quote(route.interface)}"
        lines.append(command)
    if entry.guarded:
        lines += [
            # the image has no nftables; a gateway's role installs it later anyway
            "if ! command -v nft >/dev/null; then",
            "  export DEBIAN_FRONTEND=noninteractive",
            "  apt-get update -qq >/dev/null",
            "  apt-get install -y -qq --no-install-recommends nftables >/dev/null",
            "fi",
            f"cat > {GUARD_FILE} <<'MERGECTL_LAB_GUARD'",
            guard_ruleset(entry, space).rstrip("\n"),
            "MERGECTL_LAB_GUARD",
            f"nft -c -f {GUARD_FILE}",
            f"nft -f {GUARD_FILE}",
        ]
    return "\n".join(lines) + "\n"
