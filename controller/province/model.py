"""The typed form of province.yml (`ProvinceConfig` and its parts) and the rules of the VLAN split."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netaddr import IPAddress, IPNetwork, IPSet

from controller.province.portals import DEFAULT_CHOICE, PortalChoice
from controller.province.report_settings import ReportSettings
from controller.tasks.model import PlanTask
from controller.yamlio import LineIndex

POOL_NAMES = (
    "commune_lans",
    "dataline_links",
    "loopbacks",
    "video_conference",
    "legacy_links",
    "legacy_loopbacks",
)
SERVER_ROLES = ("dataline_core", "dns_primary", "dns_secondary", "mail", "directory", "portal", "archive")
SITE_ROLES = ("main", "secondary")
# Whose HQ a site is (plan 2495 §1.2: a data line at the Party committee's HQ AND at the
# People's Committee's); `both` when the two share a building.
PEOPLE_COMMITTEE = "people_committee"
PARTY_COMMITTEE = "party_committee"
BOTH_COMMITTEES = "both"
HQ_OF = (PEOPLE_COMMITTEE, PARTY_COMMITTEE, BOTH_COMMITTEES)
# The sites a commune gets without a `sites:` entry. `hq` keeps the name it had when it was
# the only default site, so allocations made then still belong to it.
HQ_SITE = "hq"
PARTY_SITE = "party"
ROUTING = ("static", "bgp")
VC_ROOMS = ("gov", "party")

NOWHERE = IPNetwork("0.0.0.0/32")  # stands in for a prefix that failed to parse (already reported)


# Level-1 codes of the 63 former provinces that absorb others (edoc-codes.md); any other is configured.
KNOWN_LEVEL1 = {"lamdong": "H36", "daklak": "H15", "hanoi": "H26", "hochiminh": "H29"}


@dataclass(frozen=True)
class Vlan:
    name: str
    id: int
    prefixlen: int
    dhcp: bool
    description: str = ""


@dataclass(frozen=True)
class Server:
    name: str
    role: str
    address: IPAddress
    fqdn: str
    ipv6: str | None = None


@dataclass(frozen=True)
class Hypervisor:
    name: str
    address: IPAddress
    vcpus: int
    memory_gb: int
    disk_gb: int


@dataclass(frozen=True)
class SiteSpec:
    """One HQ site of a new commune; addresses are the operator's when given, else allocated."""

    name: str
    role: str = "main"
    postal_address: str = ""
    routing: str = "static"
    link_prefix: IPNetwork | None = None
    loopback: IPAddress | None = None
    # None with `reuse_default` = apply the default rule; None without it = reuse nothing.
    reuses_old_endpoint: str | None = None
    reuse_default: bool = True
    hq_of: str = PEOPLE_COMMITTEE

    @property
    def people_committee(self) -> bool:
        return self.hq_of in (PEOPLE_COMMITTEE, BOTH_COMMITTEES)

    @property
    def party_committee(self) -> bool:
        return self.hq_of in (PARTY_COMMITTEE, BOTH_COMMITTEES)

    @property
    def operator_assigned(self) -> bool:
        return self.link_prefix is not None


_DEFAULT_SITES = (
    SiteSpec(name=HQ_SITE, role="main", hq_of=PEOPLE_COMMITTEE),
    SiteSpec(name=PARTY_SITE, role="secondary", hq_of=PARTY_COMMITTEE),
)
_SHARED_SITES = (SiteSpec(name=HQ_SITE, role="main", hq_of=BOTH_COMMITTEES),)


@dataclass(frozen=True)
class LegacyEndpoint:
    """An old unit's or district's existing data line, as the operator reports it."""

    link_prefix: IPNetwork | None = None
    loopback: IPAddress | None = None
    line_id: str = ""


@dataclass(frozen=True)
class EdocConfig:
    level1: str
    pattern: str = "{level1}.{seq:03d}"
    first_seq: int = 1
    issued: tuple[str, ...] = ()
    old_codes: dict[str, str] = field(default_factory=dict)  # old unit/district code -> its code (closed)

    def format(self, seq: int) -> str:
        return self.pattern.format(level1=self.level1, seq=seq)


@dataclass(frozen=True)
class QuarantinePolicy:
    """Released resources stay out of use until BOTH hold: `generations` allocation
    generations have passed since the release and (when set) `until` has passed."""

    generations: int = 2
    until: dt.date | None = None

    def releases(self, released_generation: int, current_generation: int, today: dt.date) -> bool:
        if current_generation < released_generation + self.generations:
            return False
        return self.until is None or today > self.until


# RFC 6996: the 4-byte private AS range; 4294967295 is reserved (RFC 7300).
PRIVATE_ASN_FIRST = 4_200_000_000
PRIVATE_ASN_LAST = 4_294_967_294


@dataclass(frozen=True)
class AsnRange:
    """Where the communes' AS numbers come from: first + the commune code (allocate/asn.py)."""

    first: int = PRIVATE_ASN_FIRST
    last: int = PRIVATE_ASN_FIRST + 99_999  # official commune codes have five digits

    def __contains__(self, asn: object) -> bool:
        return isinstance(asn, int) and self.first <= asn <= self.last

    def __str__(self) -> str:
        return f"{self.first}-{self.last}"


def reserved_asn_problem(asn: int) -> str | None:
    """Why `asn` may not be used on a BGP session (None when it may)."""
    if asn in (0, 23456, 65535, 4_294_967_295):
        return f"AS {asn} is reserved (0, 23456 AS_TRANS, 65535, 4294967295)"
    if 64496 <= asn <= 64511 or 65536 <= asn <= 65551:
        return f"AS {asn} is reserved for documentation (RFC 5398)"
    if 65552 <= asn <= 131071:
        return f"AS {asn} is reserved (RFC 6793)"
    return None


@dataclass
class ProvinceConfig:
    name: str
    label: str
    domain: str
    mail_domain: str
    directory_base_dn: str
    pools: dict[str, IPNetwork]
    vlans: list[Vlan]
    vc_vlan: Vlan
    lan_prefixlen: int
    ic_prefix: IPNetwork
    vm_prefix: IPNetwork
    servers: list[Server]
    hypervisors: list[Hypervisor]
    core_loopback: IPAddress
    core_asn: int
    tasks: tuple[PlanTask, ...]
    lookup_until: dt.date
    quarantine: QuarantinePolicy
    edoc: EdocConfig
    sites: dict[str, list[SiteSpec]] = field(default_factory=dict)
    vc_macs: dict[str, dict[str, str]] = field(default_factory=dict)
    legacy_endpoints: dict[str, LegacyEndpoint] = field(default_factory=dict)
    commune_asns: AsnRange = field(default_factory=AsnRange)
    # Communes whose Party committee and People's Committee share one building: one site.
    shared_hq: frozenset[str] = frozenset()
    # `communes.<code>.portal`: only the communes that chose; portal_of gives the default to the rest.
    portals: dict[str, PortalChoice] = field(default_factory=dict)
    report: ReportSettings | None = None  # `report:`, for `mergectl report --mail`
    raw: dict[str, Any] = field(default_factory=dict)
    lines: LineIndex = field(default_factory=LineIndex)
    path: Path = Path("province.yml")

    @property
    def deadlines(self) -> dict[str, dt.date]:
        """task id -> its date, for the tasks with a date of their own (a relative task's date
        depends on recorded events: controller/tasks/schedule.py)."""
        return {task.id: task.due for task in self.tasks if task.due is not None}

    def line(self, *path: str | int) -> int | None:
        return self.lines.line(tuple(path))

    def servers_by_role(self, role: str) -> list[Server]:
        return [server for server in self.servers if server.role == role]

    def sites_of(self, new_code: str) -> list[SiteSpec]:
        """The commune's sites: its `sites:` entry, else the People's Committee HQ (`hq`) and the
        Party committee HQ (`party`), or one `hq` for both when they share a building."""
        default = _SHARED_SITES if new_code in self.shared_hq else _DEFAULT_SITES
        return self.sites.get(new_code) or list(default)

    def portal_of(self, new_code: str) -> PortalChoice:
        """The commune's portal choice; a commune that has not chosen gets a new portal."""
        return self.portals.get(new_code, DEFAULT_CHOICE)

    def default_party_site(self, new_code: str, site: SiteSpec) -> bool:
        """A Party committee site the commune has by default (not listed under `sites:`)."""
        return new_code not in self.sites and site.name == PARTY_SITE


def lan_prefixlen_for(vlans: list[Vlan]) -> int:
    """Smallest supernet that holds the VLAN plan when split in order with alignment."""
    for prefixlen in range(30, 7, -1):
        if _split_fits(vlans, prefixlen):
            return prefixlen
    return 8


def _split_fits(vlans: list[Vlan], prefixlen: int) -> bool:
    try:
        split_lan(IPNetwork(f"10.0.0.0/{prefixlen}"), vlans)
    except ValueError:
        return False
    return True


def split_lan(supernet: IPNetwork, vlans: list[Vlan]) -> list[tuple[Vlan, IPNetwork]]:
    """First-fit split of a commune LAN in VLAN-plan order (aligned): the contract's commune_vlans."""
    free = IPSet([supernet])
    result = []
    for vlan in vlans:
        chosen = None
        for block in free.iter_cidrs():
            if block.prefixlen <= vlan.prefixlen:
                chosen = IPNetwork(f"{block.network}/{vlan.prefixlen}")
                break
        if chosen is None:
            raise ValueError(f"VLAN {vlan.name} /{vlan.prefixlen} does not fit in {supernet}")
        free.remove(chosen)
        result.append((vlan, chosen))
    return result
