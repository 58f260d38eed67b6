"""Pure parts of `mergectl lab check`: what to probe, how to read the answers, the results.

Nothing here runs a command; lab/check.py runs the probes in the containers
and hands their output to these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from netaddr import AddrFormatError, IPAddress, IPNetwork

from controller.check.results import CheckResult

# Documentation address (RFC 5737): nothing real ever answers it, and the probe toward
# it must die at the gateway.
OUTSIDE_THE_PLAN = "198.51.100.7"
# A port no province service opens: the gateway's policy must drop it.
UNOPENED_PORT = 22
# The commune column of the rows about the lab's own wiring (plan addresses, leak guard).
LAB_ROWS = "lab"


@dataclass(frozen=True)
class CheckRow:
    commune: str
    check: str
    expected: str
    observed: str
    passed: bool
    # a check the lab slice cannot make (the observed text says why): neither passed nor
    # failed, and shown as SKIP so nobody mistakes it for a pass
    skipped: bool = False
    host: str | None = None  # the inventory host it is about (the commune's gateway)

    @property
    def failed(self) -> bool:
        return not self.passed and not self.skipped

    @property
    def result(self) -> str:
        return "SKIP" if self.skipped else "PASS" if self.passed else "FAIL"


@dataclass(frozen=True)
class TcpProbe:
    """A TCP connection attempt from the client: `reach` when the policy lets it through
    (connected, or refused by the server: either way it crossed the gateway and the core),
    `dropped` when it must time out."""

    label: str
    address: str
    port: int
    expect_reach: bool


@dataclass(frozen=True)
class CounterChange:
    """An nft counter read before and after a probe, None for a read that failed. A probe
    judged by the counter's move cannot pass on a reading that never happened: with either
    read missing, the counter neither grew nor stayed unchanged."""

    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def grew(self) -> bool:
        delta = self.delta
        return delta is not None and delta >= 1

    @property
    def unchanged(self) -> bool:
        return self.delta == 0

    def __str__(self) -> str:
        delta = self.delta
        if delta is not None:
            return f"+{delta}"
        failed = [side for side, value in (("before", self.before), ("after", self.after)) if value is None]
        return f"? (counter unreadable {' and '.join(failed)} the probe)"


def parse_lease(text: str) -> dict[str, str]:
    """systemd-networkd's lease file (/run/systemd/netif/leases/<ifindex>): KEY=VALUE lines."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() and not key.startswith("#"):
            found[key.strip()] = value.strip()
    return found


def parse_dig_answers(text: str) -> dict[str, list[str]]:
    """`dig +noall +answer` output -> owner name (lower case, no final dot) -> A addresses."""
    answers: dict[str, list[str]] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[2].upper() == "IN" and fields[3].upper() == "A":
            answers.setdefault(fields[0].rstrip(".").lower(), []).append(fields[4])
    return answers


def parse_counter(text: str) -> int | None:
    """Packets of the last `counter packets N` in `nft list ...` output (a named counter
    or the last counter of a chain: the policy's "denied" rule)."""
    found = re.findall(r"packets (\d+)", text)
    return int(found[-1]) if found else None


def commune_names(hostvars: Mapping[str, Mapping[str, Any]], gateways: Sequence[str]) -> list[str]:
    """Every new commune's name in the province zone, in inventory order."""
    names = []
    for gateway in gateways:
        domain = hostvars.get(gateway, {}).get("commune_domain")
        if domain:
            names.append(str(domain).rstrip(".").lower())
    return list(dict.fromkeys(names))


def lan_vlan(variables: Mapping[str, Any], name: str = "gov") -> Mapping[str, Any] | None:
    for vlan in variables.get("commune_vlans") or []:
        if isinstance(vlan, Mapping) and vlan.get("name") == name:
            return vlan
    return None


def in_prefix(address: str, prefix: str) -> bool:
    try:
        return IPAddress(address.split("/")[0]) in IPNetwork(prefix)
    except (AddrFormatError, ValueError):
        return False


def service_probes(services: Iterable[Mapping[str, Any]], vm_prefix: str | None) -> list[TcpProbe]:
    """One probe per TCP service at an address (the policy opens it: expect reach), one
    toward the VM prefix (opened too, but no VM lives in the lab: the core's guard must
    drop it) and one toward a port nothing opens on the first service's address."""
    probes: list[TcpProbe] = []
    seen: set[tuple[str, int]] = set()
    for service in services:
        if str(service.get("proto", "")).lower() != "tcp" or not service.get("address"):
            continue
        key = (str(service["address"]), int(service["port"]))
        if key in seen:
            continue
        seen.add(key)
        probes.append(TcpProbe(f"{service.get('name', 'service')} tcp/{key[1]}", key[0], key[1], True))
    if probes:
        first = probes[0].address
        if (first, UNOPENED_PORT) not in seen:
            probes.append(TcpProbe(f"unopened tcp/{UNOPENED_PORT}", first, UNOPENED_PORT, False))
    return probes


def vm_probe_address(vm_prefix: str | None) -> str | None:
    if not vm_prefix:
        return None
    network = IPNetwork(vm_prefix)
    return str(IPAddress(network.last - 1)) if network.size > 2 else None


def check_id(text: str) -> str:
    """A row's dotted id in check.json: `lab.` and its name ("Party VLAN: DHCP lease" ->
    lab.party_vlan_dhcp_lease)."""
    return "lab." + re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def workstream_of(row: CheckRow) -> str:
    """Names and answers are DNS's; leases, routes and the gateway's policy the network's; the
    lab's own wiring belongs to no workstream."""
    if row.commune == LAB_ROWS:
        return "other"
    return "dns" if any(word in row.check for word in ("names", "answers", "resolver")) else "network"


def to_result(row: CheckRow, codes: Mapping[str, str]) -> CheckResult:
    """A row as `mergectl check` keeps its results; `codes`: commune label -> code."""
    return CheckResult(
        check=check_id(row.check),
        workstream=workstream_of(row),
        commune=codes.get(row.commune) or None,
        host=row.host,
        target=row.check,
        status=row.result,
        detail=f"{row.observed} (expected {row.expected})" if row.passed or not row.skipped else row.observed,
    )
