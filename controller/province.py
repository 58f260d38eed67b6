"""Provincial parameters (`province.yml`): typed, validated, with FILE:LINE diagnostics.

`import` writes a commented `province.yml` once (`province_template`); from then on
the engineer owns it. `load_province` turns it into a `ProvinceConfig` and reports
every problem at once: bad CIDRs, overlapping pools, pools too small for the plan
(needed vs available), bad domains, VLAN ids, operator-assigned addresses, e-doc
codes. Contribution modules read their own sections from `ProvinceConfig.raw`
(line numbers in `ProvinceConfig.lines`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netaddr import IPAddress, IPNetwork, IPSet

from controller.errors import Diagnostics
from controller.limits import PROVINCE_YML_MAX_BYTES
from controller.model import Mapping
from controller.names import normalize, province_label
from controller.values import valid_domain
from controller.yamlio import KeyPath, LineIndex, parse_yaml
from controller.yamlreader import YamlReader

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
ROUTING = ("static", "bgp")
VC_ROOMS = ("gov", "party")

_VLAN_NAME = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
_HOST_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
_SITE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")
_MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
EDOC_CODE = re.compile(r"^[A-Z0-9]+(\.[A-Z0-9]+)*$")
EDOC_LEVEL1 = re.compile(r"^[A-Z][0-9]{2}$")
# QCVN 102:2016, read right to left: 000.00.00.H30 (still seen, recognised, never issued).
EDOC_OLD_FORMAT = re.compile(r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$")
EDOC_MAX_LENGTH = 35
_NOWHERE = IPNetwork("0.0.0.0/32")  # stands in for a prefix that failed to parse (already reported)

DEFAULT_DEADLINES = {
    "plan_submitted": dt.date(2025, 6, 5),
    "data_lines_requested": dt.date(2025, 6, 9),
    "domains_and_codes_registered": dt.date(2025, 6, 12),
    "accounts_created": dt.date(2025, 6, 15),
    "systems_configured": dt.date(2025, 6, 20),
    "districts_backed_up": dt.date(2025, 6, 25),
    "in_service": dt.date(2025, 7, 1),
}

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

    @property
    def operator_assigned(self) -> bool:
        return self.link_prefix is not None


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
    deadlines: dict[str, dt.date]
    lookup_until: dt.date
    quarantine: QuarantinePolicy
    edoc: EdocConfig
    sites: dict[str, list[SiteSpec]] = field(default_factory=dict)
    vc_macs: dict[str, dict[str, str]] = field(default_factory=dict)
    legacy_endpoints: dict[str, LegacyEndpoint] = field(default_factory=dict)
    commune_asns: AsnRange = field(default_factory=AsnRange)
    raw: dict[str, Any] = field(default_factory=dict)
    lines: LineIndex = field(default_factory=LineIndex)
    path: Path = Path("province.yml")

    def line(self, *path: str | int) -> int | None:
        return self.lines.line(tuple(path))

    def servers_by_role(self, role: str) -> list[Server]:
        return [server for server in self.servers if server.role == role]

    def sites_of(self, new_code: str) -> list[SiteSpec]:
        return self.sites.get(new_code) or [SiteSpec(name="hq")]


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


# --------------------------------------------------------------------------- template


def default_domain(province: str) -> str:
    return f"{province_label(province)}.gov.vn"


def default_hypervisor_count(communes: int) -> int:
    """Two at least (one may fail); about 30 communes' VMs per 64-core / 512 GiB host."""
    return max(2, -(-communes // 30))


def province_template(mapping: Mapping) -> str:
    """A commented province.yml with defaults that make a fresh import work end to end."""
    label = province_label(mapping.province)
    level1 = KNOWN_LEVEL1.get(label, "H00")
    text = _TEMPLATE.format(
        province=mapping.province,
        label=label,
        domain=f"{label}.gov.vn",
        level1=level1,
        level1_note="" if label in KNOWN_LEVEL1 else "   # CHANGE ME: the province's level-1 code",
        communes=len(mapping.new_units),
        hypervisors="\n".join(
            f"    - {{name: hv{number}, address: 10.240.0.{100 + number}, "
            "vcpus: 64, memory_gb: 512, disk_gb: 8000}"
            for number in range(1, default_hypervisor_count(len(mapping.new_units)) + 1)
        ),
    )
    # Contribution modules append their own commented sections (accounts, VMs, DNS...).
    from controller import contrib

    for module in contrib.discover().values():
        section = getattr(module, "TEMPLATE_SECTION", "")
        if section:
            text += "\n" + section.strip("\n") + "\n"
    return text


_TEMPLATE = """\
# province.yml: the parameters only the provincial IT department knows.
# Written once by `mergectl import`; yours to edit from now on (re-imports keep it).
# `mergectl validate DIR` checks it; `mergectl plan DIR` shows what a change does.
province: {province}
domain: {domain}                  # communes get <label>.{domain}
mail_domain: {domain}             # province-level mail; communes get <label>.{domain}
directory_base_dn: dc={label},dc=gov,dc=vn

# Address pools. Used only where the operator (VNPT / Cuc Buu dien Trung uong) has
# not assigned addresses per site (see `sites:`). Pools must not overlap.
pools:
  commune_lans: 10.64.0.0/14      # one LAN supernet per commune, split by vlans below
  dataline_links: 10.250.0.0/18   # one /31 per HQ site; the core takes the even address
  loopbacks: 10.251.0.0/20        # one /32 per HQ site
  video_conference: 10.252.0.0/20 # one /28 per commune: gateway, gov room, party room
  legacy_links: 10.249.0.0/17     # planning/lab stand-ins for old units' existing lines
  legacy_loopbacks: 10.249.128.0/17

# Commune LAN split, in this order (the supernet size follows: /23 for this plan).
vlans:
  - {{name: gov, id: 10, prefixlen: 25, dhcp: true, description: "Khối chính quyền (People's Committee)"}}
  - {{name: party, id: 20, prefixlen: 26, dhcp: true, description: "Khối Đảng (Party committee)"}}
  - {{name: onestop, id: 30, prefixlen: 26, dhcp: true, description: "Bộ phận một cửa (one-stop desk)"}}
  - {{name: mgmt, id: 99, prefixlen: 28, dhcp: false, description: "Management"}}
vc_vlan: {{name: vc, id: 40, prefixlen: 28}}   # from pools.video_conference

# Specialised data network core (IP/MPLS PE side).
data_network:
  core_loopback: 10.251.15.255
  core_asn: 64512
  # Sites with `routing: bgp` peer with the core; their commune's AS is first + its code
  # (22918 -> 4200022918): stable, never reused. Private 4-byte range (RFC 6996).
  commune_asns: {{first: 4200000000, last: 4200099999}}

# Integration Centre (Trung tâm tích hợp dữ liệu): servers and hypervisors.
integration_centre:
  prefix: 10.240.0.0/24
  vm_prefix: 10.241.0.0/22        # iDesk / TTHC virtual machines
  servers:
    - {{name: core1, role: dataline_core, address: 10.240.0.1}}
    - {{name: ns1, role: dns_primary, address: 10.240.0.11, fqdn: ns1.{domain}}}
    - {{name: ns2, role: dns_secondary, address: 10.240.0.12, fqdn: ns2.{domain}}}
    - {{name: mail1, role: mail, address: 10.240.0.21, fqdn: mail.{domain}}}
    - {{name: ldap1, role: directory, address: 10.240.0.31, fqdn: ldap.{domain}}}
    - {{name: portal1, role: portal, address: 10.240.0.41, fqdn: portal.{domain}, ipv6: "fd68::41"}}
    - {{name: archive1, role: archive, address: 10.240.0.51, fqdn: archive.{domain}}}
  # Sized for {communes} communes (an iDesk and a TTHC VM each, see ic_vms); add hosts as needed.
  hypervisors:
{hypervisors}

# Deadlines of the plan, by task.
deadlines:
  plan_submitted: 2025-06-05
  data_lines_requested: 2025-06-09
  domains_and_codes_registered: 2025-06-12
  accounts_created: 2025-06-15
  systems_configured: 2025-06-20
  districts_backed_up: 2025-06-25
  in_service: 2025-07-01
lookup_until: 2030-07-01          # old names and portals stay reachable for look-up until then (5 years)

# Released addresses, domains, lines, accounts are not reused before BOTH: this many
# allocation generations have passed, and (if set) this date has passed.
quarantine: {{generations: 2, until: null}}

# Electronic identifier codes (mã định danh điện tử, Decision 20/2020/QĐ-TTg):
# <= 35 chars of A-Z 0-9 '.', groups left to right, first group = level-1 code.
edoc:
  level1: {level1}{level1_note}
  pattern: "{{level1}}.{{seq:03d}}"
  first_seq: 1
  issued: []                      # codes already issued in the province: never planned again
  old_codes: {{}}                   # old unit/district code -> its code, closed after the merger

# HQ sites per new commune code ({communes} communes). Without an entry a commune has
# one site `hq`. Operator-assigned addresses take precedence over the pools.
sites: {{}}
#  "22918":
#    - name: hq
#      role: main                  # main | secondary (diverse second line)
#      postal_address: "..."
#      routing: static             # static | bgp
#      link_prefix: 10.250.0.4/31  # operator-assigned, optional
#      loopback: 10.251.0.3        # operator-assigned, optional
#      reuses_old_endpoint: "22915"  # old unit or district code (or "Old province/District name")
#                                    # whose line it keeps; null = none

# Video-conference room MACs (default: deterministic locally-administered).
vc_macs: {{}}
#  "22918": {{gov: "02:4d:00:00:00:01", party: "02:4d:00:00:00:02"}}

# The existing lines of old units and districts, from the operator (keys: old unit
# code, old district code, or "Old province/District name"). Without an entry the
# legacy pools give stand-ins.
legacy_endpoints: {{}}
#  "22915": {{link_prefix: 10.10.5.6/31, loopback: 10.10.250.7, line_id: "BTN-0042"}}
"""


# --------------------------------------------------------------------------- loading


def valid_edoc_code(code: str) -> str | None:
    """None when `code` is a valid current-format code, else why not."""
    if len(code) > EDOC_MAX_LENGTH:
        return f"{code!r} is longer than {EDOC_MAX_LENGTH} characters"
    if not EDOC_CODE.match(code):
        return f"{code!r} may only hold A-Z, 0-9 and '.' in non-empty dot-separated groups"
    if not EDOC_LEVEL1.match(code.split(".")[0]):
        return f"{code!r} must start with a level-1 code (a letter and two digits, e.g. H36)"
    return None


def load_province(path: Path, mapping: Mapping) -> tuple[ProvinceConfig | None, Diagnostics]:
    """Read and validate `province.yml` against the mapping; (None, diagnostics) when it is unusable."""
    path = Path(path)
    data, lines, diagnostics = parse_yaml(path, max_bytes=PROVINCE_YML_MAX_BYTES, what="province.yml")
    if diagnostics:
        return None, diagnostics
    if not isinstance(data, dict):
        diagnostics.add(path, 1, "expected a mapping of provincial parameters at the top level")
        return None, diagnostics
    reader = YamlReader(path, data, lines, diagnostics)
    label = province_label(mapping.province)

    name = reader.text(("province",), mapping.province)
    if province_label(name or mapping.province) != label:
        reader.error(("province",), f"province {name!r} does not match mapping.yml's {mapping.province!r}")
    domain = reader.domain(("domain",), f"{label}.gov.vn")
    mail_domain = reader.domain(("mail_domain",), domain)
    base_dn = reader.text(("directory_base_dn",), ",".join(f"dc={part}" for part in domain.split(".")))

    pools: dict[str, IPNetwork] = {}
    reader.mapping(("pools",))
    for pool in POOL_NAMES:
        network = reader.network(("pools", pool))
        if network is not None:
            pools[pool] = network

    vlans = _read_vlans(reader)
    vc_vlan = _read_vc_vlan(reader, vlans)
    lan_prefixlen = lan_prefixlen_for(vlans) if vlans else 23

    ic_prefix = reader.network(("integration_centre", "prefix"))
    vm_prefix = reader.network(("integration_centre", "vm_prefix"))
    servers = _read_servers(reader, ic_prefix, domain)
    hypervisors = _read_hypervisors(reader, ic_prefix, servers)

    core_loopback = reader.address(("data_network", "core_loopback"))
    core_asn = reader.integer(("data_network", "core_asn"), 1, 4294967295, default=64512)
    commune_asns = _read_commune_asns(reader, core_asn, mapping)

    deadlines = dict(DEFAULT_DEADLINES)
    for key in reader.mapping(("deadlines",)):
        value = reader.date(("deadlines", str(key)))
        if value is not None:
            deadlines[str(key)] = value
    lookup_until = reader.date(("lookup_until",), default=dt.date(2030, 7, 1))

    reader.mapping(("quarantine",))
    generations = reader.integer(("quarantine", "generations"), 0, 1000, default=2)
    until = reader.date(("quarantine", "until"), required=False)
    policy = QuarantinePolicy(generations if generations is not None else 2, until)

    edoc = _read_edoc(reader, label)
    sites = _read_sites(reader, mapping)
    vc_macs = _read_vc_macs(reader, mapping)
    legacy = _read_legacy(reader, mapping)

    named = {
        **{f"pools.{key}": value for key, value in pools.items()},
        **({"integration_centre.prefix": ic_prefix} if ic_prefix is not None else {}),
        **({"integration_centre.vm_prefix": vm_prefix} if vm_prefix is not None else {}),
    }
    _check_overlaps(reader, named)
    if core_loopback is not None:
        for key, network in named.items():
            if core_loopback in network and key != "pools.loopbacks":
                reader.error(
                    ("data_network", "core_loopback"), f"{core_loopback} lies inside {key} {network}"
                )

    # Build the config even when something is wrong, so the checks below that need
    # several sections still run and every problem is reported in one go.
    config = ProvinceConfig(
        name=mapping.province,
        label=label,
        domain=domain,
        mail_domain=mail_domain,
        directory_base_dn=base_dn,
        pools=pools,
        vlans=vlans,
        vc_vlan=vc_vlan,
        lan_prefixlen=lan_prefixlen,
        ic_prefix=ic_prefix or _NOWHERE,
        vm_prefix=vm_prefix or _NOWHERE,
        servers=servers,
        hypervisors=hypervisors,
        core_loopback=core_loopback or _NOWHERE.ip,
        core_asn=core_asn or 64512,
        deadlines=deadlines,
        lookup_until=lookup_until or dt.date(2030, 7, 1),
        quarantine=policy,
        edoc=edoc,
        sites=sites,
        vc_macs=vc_macs,
        legacy_endpoints=legacy,
        commune_asns=commune_asns,
        raw=data,
        lines=lines,
        path=path,
    )
    _check_operator_addresses(reader, config)
    _check_capacity(reader, config, mapping)
    if diagnostics:
        return None, diagnostics
    return config, diagnostics


def _read_commune_asns(reader: YamlReader, core_asn: int | None, mapping: Mapping) -> AsnRange:
    """The communes' AS range; every commune's derived AS must fit and differ from the core's."""
    keypath: KeyPath = ("data_network", "commune_asns")
    if core_asn is not None and (problem := reserved_asn_problem(core_asn)):
        reader.error(("data_network", "core_asn"), problem, hint="use a private AS, e.g. 64512")
    if reader.get(keypath) is None:
        asns = AsnRange()
    else:
        reader.mapping(keypath)
        first = reader.integer((*keypath, "first"), PRIVATE_ASN_FIRST, PRIVATE_ASN_LAST)
        last = reader.integer((*keypath, "last"), PRIVATE_ASN_FIRST, PRIVATE_ASN_LAST)
        if first is None or last is None:  # reported by reader.integer, with the private range
            return AsnRange()
        if first > last:
            reader.error((*keypath, "last"), f"last {last} is below first {first}")
            return AsnRange()
        asns = AsnRange(first, last)
    if core_asn is not None and core_asn in asns:
        reader.error(
            ("data_network", "core_asn"),
            f"the core's AS {core_asn} lies inside data_network.commune_asns {asns}",
            hint="the core needs an AS no commune can get, e.g. 64512",
        )
    numeric = [code for code in mapping.new_units if code.isdigit()]
    if numeric:
        highest = max(numeric, key=int)
        if asns.first + int(highest) > asns.last:
            beyond = sum(1 for code in numeric if asns.first + int(code) > asns.last)
            reader.error(
                keypath,
                f"{beyond} commune(s) get an AS beyond {asns.last}: commune {highest} would be "
                f"AS {asns.first + int(highest)} (AS = first + commune code)",
                hint=f"raise last to at least {asns.first + int(highest)}",
            )
    return asns


def _read_vlans(reader: YamlReader) -> list[Vlan]:
    vlans: list[Vlan] = []
    seen_ids: dict[int, str] = {}
    seen_names: set[str] = set()
    for position, item in enumerate(reader.sequence(("vlans",))):
        keypath: KeyPath = ("vlans", position)
        if not isinstance(item, dict):
            reader.error(keypath, "expected {name, id, prefixlen, dhcp}")
            continue
        vlan = _read_vlan(reader, keypath)
        if vlan is None:
            continue
        if vlan.id in seen_ids:
            reader.error(
                (*keypath, "id"), f"VLAN id {vlan.id} is used twice ({seen_ids[vlan.id]}, {vlan.name})"
            )
        if vlan.name in seen_names:
            reader.error((*keypath, "name"), f"VLAN name {vlan.name!r} is used twice")
        seen_ids[vlan.id] = vlan.name
        seen_names.add(vlan.name)
        vlans.append(vlan)
    if not vlans:
        reader.error(("vlans",), "the VLAN plan is empty")
    elif not any(vlan.name == "mgmt" for vlan in vlans):
        reader.error(("vlans",), "the VLAN plan needs a `mgmt` VLAN (gateways are managed through it)")
    return vlans


def _read_vlan(reader: YamlReader, keypath: KeyPath, default_prefixlen: int | None = None) -> Vlan | None:
    name = reader.text((*keypath, "name"))
    if not _VLAN_NAME.match(name):
        reader.error((*keypath, "name"), f"invalid VLAN name {name!r}", hint="lower-case, e.g. gov")
        return None
    vlan_id = reader.integer((*keypath, "id"), 1, 4094)
    prefixlen = reader.integer((*keypath, "prefixlen"), 16, 30, default=default_prefixlen)
    dhcp = reader.get((*keypath, "dhcp"), True)
    if not isinstance(dhcp, bool):
        reader.error((*keypath, "dhcp"), f"expected true or false, got {dhcp!r}")
        dhcp = True
    if vlan_id is None or prefixlen is None:
        return None
    return Vlan(name, vlan_id, prefixlen, dhcp, reader.text((*keypath, "description")))


def _read_vc_vlan(reader: YamlReader, vlans: list[Vlan]) -> Vlan:
    vlan = _read_vlan(reader, ("vc_vlan",), default_prefixlen=28)
    if vlan is None:
        return Vlan("vc", 40, 28, True)
    if vlan.prefixlen > 29:
        reader.error(("vc_vlan", "prefixlen"), "the vc VLAN needs at least a /29 (gateway and two rooms)")
    for other in vlans:
        if other.id == vlan.id or other.name == vlan.name:
            reader.error(
                ("vc_vlan",), f"vc VLAN {vlan.name}/{vlan.id} clashes with VLAN {other.name}/{other.id}"
            )
    return vlan


def _read_servers(reader: YamlReader, ic_prefix: IPNetwork | None, domain: str) -> list[Server]:
    servers: list[Server] = []
    names: set[str] = set()
    addresses: dict[IPAddress, str] = {}
    for position, item in enumerate(reader.sequence(("integration_centre", "servers"))):
        keypath: KeyPath = ("integration_centre", "servers", position)
        if not isinstance(item, dict):
            reader.error(keypath, "expected {name, role, address}")
            continue
        name = reader.text((*keypath, "name"))
        role = reader.text((*keypath, "role"))
        address = reader.address((*keypath, "address"))
        if not _HOST_NAME.match(name):
            reader.error((*keypath, "name"), f"invalid host name {name!r}")
        elif name in names:
            reader.error((*keypath, "name"), f"server {name!r} is listed twice")
        if role not in SERVER_ROLES:
            reader.error(
                (*keypath, "role"), f"unknown role {role!r}", hint="one of " + ", ".join(SERVER_ROLES)
            )
        fqdn = reader.text((*keypath, "fqdn"), f"{name}.{domain}")
        if not valid_domain(fqdn):
            reader.error((*keypath, "fqdn"), f"invalid domain name {fqdn!r}")
        ipv6 = reader.get((*keypath, "ipv6"))
        if address is not None:
            if ic_prefix is not None and address not in ic_prefix:
                reader.error(
                    (*keypath, "address"), f"{address} is outside integration_centre.prefix {ic_prefix}"
                )
            if address in addresses:
                reader.error((*keypath, "address"), f"{address} is also {addresses[address]}'s address")
            addresses[address] = name
        names.add(name)
        if address is not None:
            servers.append(Server(name, role, address, fqdn, str(ipv6) if ipv6 else None))
    for role in ("dataline_core", "dns_primary", "mail", "directory", "portal", "archive"):
        count = sum(1 for server in servers if server.role == role)
        if count != 1:
            reader.error(
                ("integration_centre", "servers"), f"expected exactly one {role} server, found {count}"
            )
    return servers


def _read_hypervisors(
    reader: YamlReader, ic_prefix: IPNetwork | None, servers: list[Server]
) -> list[Hypervisor]:
    result: list[Hypervisor] = []
    taken = {server.address: server.name for server in servers}
    names = {server.name for server in servers}
    for position, item in enumerate(reader.sequence(("integration_centre", "hypervisors"))):
        keypath: KeyPath = ("integration_centre", "hypervisors", position)
        if not isinstance(item, dict):
            reader.error(keypath, "expected {name, address, vcpus, memory_gb, disk_gb}")
            continue
        name = reader.text((*keypath, "name"))
        if not _HOST_NAME.match(name) or name in names:
            reader.error((*keypath, "name"), f"invalid or duplicate host name {name!r}")
        names.add(name)
        address = reader.address((*keypath, "address"))
        vcpus = reader.integer((*keypath, "vcpus"), 1, 4096)
        memory = reader.integer((*keypath, "memory_gb"), 1, 1 << 20)
        disk = reader.integer((*keypath, "disk_gb"), 1, 1 << 30)
        if address is not None:
            if ic_prefix is not None and address not in ic_prefix:
                reader.error(
                    (*keypath, "address"), f"{address} is outside integration_centre.prefix {ic_prefix}"
                )
            if address in taken:
                reader.error((*keypath, "address"), f"{address} is also {taken[address]}'s address")
            taken[address] = name
        if address is not None and vcpus and memory and disk:
            result.append(Hypervisor(name, address, vcpus, memory, disk))
    if not result:
        reader.error(("integration_centre", "hypervisors"), "at least one hypervisor is needed")
    return result


def _read_edoc(reader: YamlReader, label: str) -> EdocConfig:
    level1 = reader.text(("edoc", "level1"), KNOWN_LEVEL1.get(label, ""))
    if not EDOC_LEVEL1.match(level1):
        reader.error(
            ("edoc", "level1"), f"invalid level-1 code {level1!r}", hint="a letter and two digits, e.g. H36"
        )
    pattern = reader.text(("edoc", "pattern"), "{level1}.{seq:03d}")
    first_seq = reader.integer(("edoc", "first_seq"), 0, 10**9, default=1) or 1
    try:
        sample = pattern.format(level1=level1, seq=first_seq)
        big = pattern.format(level1=level1, seq=first_seq + 9999)
    except (KeyError, IndexError, ValueError) as error:
        reader.error(
            ("edoc", "pattern"),
            f"invalid pattern {pattern!r}: {error}",
            hint="use {level1} and {seq}, e.g. {level1}.{seq:03d}",
        )
        sample = big = ""
    if sample:
        if "{seq" not in pattern:
            reader.error(("edoc", "pattern"), "the pattern must contain {seq} so codes differ")
        for code in (sample, big):
            problem = valid_edoc_code(code)
            if problem is None and not code.startswith(level1 + "."):
                problem = f"{code!r} must start with the level-1 code {level1} and a dot"
            if problem:
                reader.error(("edoc", "pattern"), f"pattern {pattern!r} gives an invalid code: {problem}")
                break
    issued: list[str] = []
    for position, code in enumerate(reader.sequence(("edoc", "issued"))):
        code = str(code).strip()
        if EDOC_OLD_FORMAT.match(code):
            issued.append(code)
            continue
        problem = valid_edoc_code(code)
        if problem:
            reader.error(("edoc", "issued", position), problem)
        else:
            issued.append(code)
    old_codes: dict[str, str] = {}
    for key, code in reader.mapping(("edoc", "old_codes")).items():
        code = str(code).strip()
        problem = None if EDOC_OLD_FORMAT.match(code) else valid_edoc_code(code)
        if problem:
            reader.error(("edoc", "old_codes", str(key)), problem)
        else:
            old_codes[str(key)] = code
    return EdocConfig(level1, pattern, first_seq, tuple(issued), old_codes)


def _read_sites(reader: YamlReader, mapping: Mapping) -> dict[str, list[SiteSpec]]:
    result: dict[str, list[SiteSpec]] = {}
    district_codes = district_identities(mapping)
    for code, items in reader.mapping(("sites",)).items():
        code = str(code)
        base: KeyPath = ("sites", code)
        if code not in mapping.new_units:
            reader.error(base, f"no new unit with code {code} in mapping.yml")
            continue
        if not isinstance(items, list) or not items:
            reader.error(base, "expected a non-empty list of sites")
            continue
        specs: list[SiteSpec] = []
        names: set[str] = set()
        for position, item in enumerate(items):
            keypath: KeyPath = (*base, position)
            if not isinstance(item, dict):
                reader.error(keypath, "expected a site {name, role, ...}")
                continue
            name = reader.text((*keypath, "name"))
            if not _SITE_NAME.match(name):
                reader.error((*keypath, "name"), f"invalid site name {name!r}", hint="lower-case, e.g. hq")
            elif name in names:
                reader.error((*keypath, "name"), f"site {name!r} is listed twice for {code}")
            names.add(name)
            role = reader.text((*keypath, "role"), "main" if position == 0 else "secondary")
            if role not in SITE_ROLES:
                reader.error((*keypath, "role"), f"unknown site role {role!r}", hint="main or secondary")
            routing = reader.text((*keypath, "routing"), "static")
            if routing not in ROUTING:
                reader.error((*keypath, "routing"), f"unknown routing {routing!r}", hint="static or bgp")
            link = reader.network((*keypath, "link_prefix"), required=False)
            if link is not None and link.prefixlen != 31:
                reader.error((*keypath, "link_prefix"), f"{link} must be a /31 data-line link")
                link = None
            loopback = reader.address((*keypath, "loopback"), required=False)
            if (reader.get((*keypath, "link_prefix")) is None) != (
                reader.get((*keypath, "loopback")) is None
            ):
                reader.error(keypath, "give both link_prefix and loopback when the operator assigned them")
            reuse_default = "reuses_old_endpoint" not in item
            reuse = item.get("reuses_old_endpoint")
            if reuse is not None:
                reuse = normalize(str(reuse))
                if reuse not in mapping.old_units and reuse not in district_codes:
                    reader.error(
                        (*keypath, "reuses_old_endpoint"), f"no old unit or district with code {reuse}"
                    )
            specs.append(
                SiteSpec(
                    name=name,
                    role=role,
                    postal_address=reader.text((*keypath, "postal_address")),
                    routing=routing,
                    link_prefix=link,
                    loopback=loopback,
                    reuses_old_endpoint=reuse,
                    reuse_default=reuse_default,
                )
            )
        if specs and not any(spec.role == "main" for spec in specs):
            reader.error(base, f"commune {code} has no site with role main")
        result[code] = specs
    return result


def _read_vc_macs(reader: YamlReader, mapping: Mapping) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    for code, rooms in reader.mapping(("vc_macs",)).items():
        code = str(code)
        if code not in mapping.new_units:
            reader.error(("vc_macs", code), f"no new unit with code {code} in mapping.yml")
            continue
        if not isinstance(rooms, dict):
            reader.error(("vc_macs", code), "expected {gov: MAC, party: MAC}")
            continue
        for room, mac in rooms.items():
            mac = str(mac).lower()
            if room not in VC_ROOMS:
                reader.error(("vc_macs", code, str(room)), f"unknown room {room!r}", hint="gov or party")
            elif not _MAC.match(mac):
                reader.error(("vc_macs", code, str(room)), f"invalid MAC address {mac!r}")
            else:
                result.setdefault(code, {})[str(room)] = mac
    return result


def _read_legacy(reader: YamlReader, mapping: Mapping) -> dict[str, LegacyEndpoint]:
    result: dict[str, LegacyEndpoint] = {}
    district_codes = district_identities(mapping)
    for key, item in reader.mapping(("legacy_endpoints",)).items():
        key = normalize(str(key))
        keypath: KeyPath = ("legacy_endpoints", key)
        if key not in mapping.old_units and key not in district_codes:
            reader.error(keypath, f"no old unit or district with code {key} in mapping.yml")
            continue
        if not isinstance(item, dict):
            reader.error(keypath, "expected {link_prefix, loopback, line_id}")
            continue
        link = reader.network((*keypath, "link_prefix"), required=False)
        if link is not None and link.prefixlen not in (30, 31):
            reader.error((*keypath, "link_prefix"), f"{link} must be a /31 or /30 link")
        loopback = reader.address((*keypath, "loopback"), required=False)
        result[key] = LegacyEndpoint(link, loopback, reader.text((*keypath, "line_id")))
    return result


def district_identities(mapping: Mapping) -> set[str]:
    """How province.yml may name an old district: its code, or "<old province>/<district name>"
    (a CSV import has no district codes)."""
    identities = set()
    for unit in mapping.old_units.values():
        identities.add(f"{unit.district.province}/{unit.district.name}")
        if unit.district.code:
            identities.add(unit.district.code)
    return identities


def _check_overlaps(reader: YamlReader, named: dict[str, IPNetwork]) -> None:
    items = sorted(named.items())
    for position, (first, first_net) in enumerate(items):
        for second, second_net in items[position + 1 :]:
            if (
                first_net in second_net
                or second_net in first_net
                or (first_net.first <= second_net.last and second_net.first <= first_net.last)
            ):
                reader.error(
                    tuple(second.split(".")),
                    f"{second} {second_net} overlaps {first} {first_net}",
                    hint="pools must not overlap",
                )


def _check_operator_addresses(reader: YamlReader, config: ProvinceConfig) -> None:
    """Operator-assigned addresses may lie anywhere except in our other pools; never on one another."""
    foreign = {
        name: network
        for name, network in config.pools.items()
        if name in ("commune_lans", "video_conference", "legacy_links", "legacy_loopbacks")
    }
    for name, prefix in (
        ("integration_centre.prefix", config.ic_prefix),
        ("integration_centre.vm_prefix", config.vm_prefix),
    ):
        if prefix != _NOWHERE:
            foreign[name] = prefix
    taken: dict[int, str] = {}
    for code, specs in sorted(config.sites.items()):
        for position, spec in enumerate(specs):
            keypath: KeyPath = ("sites", code, position)
            owner = f"site {spec.name} of {code}"
            for field_name, value in (("link_prefix", spec.link_prefix), ("loopback", spec.loopback)):
                if value is None:
                    continue
                network = IPNetwork(f"{value}/32") if isinstance(value, IPAddress) else value
                for pool, pool_net in foreign.items():
                    if network.first <= pool_net.last and pool_net.first <= network.last:
                        reader.error(
                            (*keypath, field_name), f"operator-assigned {value} lies inside {pool} {pool_net}"
                        )
                if int(config.core_loopback) in range(network.first, network.last + 1):
                    reader.error((*keypath, field_name), f"{value} is the core's loopback")
                for integer in range(network.first, network.last + 1):
                    if integer in taken:
                        reader.error(
                            (*keypath, field_name), f"operator-assigned {value} overlaps {taken[integer]}"
                        )
                        break
                for integer in range(network.first, network.last + 1):
                    taken[integer] = owner


def _check_capacity(reader: YamlReader, config: ProvinceConfig, mapping: Mapping) -> None:
    """Say needed vs available for every pool before the allocator starts (the whole plan must fit)."""
    communes = len(mapping.new_units)
    sites = sum(
        sum(1 for spec in config.sites_of(code) if not spec.operator_assigned) for code in mapping.new_units
    )
    legacy = len(mapping.old_units) + len(mapping.old_districts()) - len(config.legacy_endpoints)
    if not set(POOL_NAMES) <= set(config.pools):
        return  # a pool that did not parse is reported already; sizes would be noise
    loopback_pool = IPSet([config.pools["loopbacks"]]) - IPSet([f"{config.core_loopback}/32"])
    needs = [
        ("commune_lans", config.lan_prefixlen, communes, "LANs", IPSet([config.pools["commune_lans"]])),
        (
            "video_conference",
            config.vc_vlan.prefixlen,
            communes,
            "video-conference blocks",
            IPSet([config.pools["video_conference"]]),
        ),
        ("dataline_links", 31, sites, "site links", IPSet([config.pools["dataline_links"]])),
        ("loopbacks", 32, sites, "site loopbacks", loopback_pool),
        ("legacy_links", 31, legacy, "legacy links", IPSet([config.pools["legacy_links"]])),
        ("legacy_loopbacks", 32, legacy, "legacy loopbacks", IPSet([config.pools["legacy_loopbacks"]])),
    ]
    for pool, prefixlen, needed, what, free in needs:
        available = blocks_available(free, prefixlen)
        if available < needed:
            reader.error(
                ("pools", pool),
                f"{pool} {config.pools[pool]} holds {available} /{prefixlen} {what}, the plan needs {needed}",
                hint="give the pool a shorter prefix",
            )


def blocks_available(free: IPSet, prefixlen: int) -> int:
    """How many aligned /prefixlen blocks fit in `free`."""
    return sum(
        (1 << (prefixlen - block.prefixlen)) for block in free.iter_cidrs() if block.prefixlen <= prefixlen
    )
