"""Readers of the network core, Integration Centre and plan sections: VLANs, AS numbers, servers,
hypervisors."""

from __future__ import annotations

import re

from netaddr import IPAddress, IPNetwork

from controller.model import Mapping
from controller.province.model import (
    PRIVATE_ASN_FIRST,
    PRIVATE_ASN_LAST,
    SERVER_ROLES,
    AsnRange,
    Hypervisor,
    Server,
    Vlan,
    reserved_asn_problem,
)
from controller.values import valid_domain
from controller.yamlio import KeyPath
from controller.yamlreader import YamlReader

_VLAN_NAME = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
_HOST_NAME = re.compile(r"^[a-z][a-z0-9-]{0,62}$")


def read_commune_asns(reader: YamlReader, core_asn: int | None, mapping: Mapping) -> AsnRange:
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


def read_vlans(reader: YamlReader) -> list[Vlan]:
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


def read_vc_vlan(reader: YamlReader, vlans: list[Vlan]) -> Vlan:
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


def read_servers(reader: YamlReader, ic_prefix: IPNetwork | None, domain: str) -> list[Server]:
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
        ipv6 = reader.ipv6_address((*keypath, "ipv6"))
        if ipv6 is not None:
            if ipv6 in addresses:
                reader.error((*keypath, "ipv6"), f"{ipv6} is also {addresses[ipv6]}'s address")
            addresses[ipv6] = name
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
            servers.append(Server(name, role, address, fqdn, str(ipv6) if ipv6 is not None else None))
    for role in ("dataline_core", "dns_primary", "mail", "directory", "portal", "archive"):
        count = sum(1 for server in servers if server.role == role)
        if count != 1:
            reader.error(
                ("integration_centre", "servers"), f"expected exactly one {role} server, found {count}"
            )
    return servers


def read_hypervisors(
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
