"""Allocations -> InventoryTree, per docs/inventory-contract.md (hosts, groups, variables)."""

from __future__ import annotations

from typing import Any

from controller.allocate.result import (
    Allocations,
    CommuneAllocation,
    Endpoint,
    OldDistrictAllocation,
    OldUnitAllocation,
)
from controller.province import ProvinceConfig, Server
from controller.render.data_line import core_vars, province_data_line
from controller.render.paths import CORE_GROUP, DATA_LINE_STEM, OLD_UNITS_GROUP
from controller.render.tree import InventoryTree

# Lean structure (Ansible slows with many groups and dense membership): one flat
# level of groups under `all`, children only where the contract asks for them.
SERVER_GROUPS = {
    "dataline_core": "dataline_core",
    "dns_primary": "dns_primary",
    "dns_secondary": "dns_secondary",
    "mail": "mail_servers",
    "directory": "directory_servers",
    "portal": "portals",
    "archive": "archive_servers",
}


def build_tree(allocations: Allocations, province: ProvinceConfig) -> InventoryTree:
    tree = InventoryTree()
    for group in ("communes", "commune_clients", CORE_GROUP, "integration_centre"):
        tree.add_group(group)
    for child in (
        "dns_servers",
        "mail_servers",
        "directory_servers",
        "portals",
        "archive_servers",
        "hypervisors",
    ):
        tree.add_group(child, parent="integration_centre")
    tree.add_group("dns_primary", parent="dns_servers")
    tree.add_group("dns_secondary", parent="dns_servers")
    tree.add_group("ic_vms")
    tree.add_group("idesk_vms", parent="ic_vms")
    tree.add_group("tthc_vms", parent="ic_vms")
    tree.add_group("retiring_districts")
    # Only these hosts read the old units' records (DNS look-up names, portals, the core's
    # terminations, decommissioning). Under `all` every host would carry them, and
    # `ansible-inventory --list` copies group vars into each host: O(hosts x old units).
    tree.add_group(OLD_UNITS_GROUP)
    for reader in ("integration_centre", CORE_GROUP, "retiring_districts"):
        tree.add_group(reader, parent=OLD_UNITS_GROUP)

    for server in province.servers:
        tree.add_host(server.name, [SERVER_GROUPS[server.role]], _server_vars(server, province))
    for hypervisor in province.hypervisors:
        tree.add_host(
            hypervisor.name,
            ["hypervisors"],
            {
                "ansible_host": str(hypervisor.address),
                "hypervisor_capacity": {
                    "vcpus": hypervisor.vcpus,
                    "memory_gb": hypervisor.memory_gb,
                    "disk_gb": hypervisor.disk_gb,
                },
            },
        )
    communes = []
    for commune in allocations.communes:
        communes.append(commune_vars(commune))
        tree.add_host(commune.host, ["communes", *commune.district_groups], communes[-1])
        tree.add_host(commune.client_host, ["commune_clients"], _client_vars(commune))
    for district in allocations.old_districts:
        tree.add_host(district.host, ["retiring_districts", district.group], _district_vars(district))

    old = old_units_vars(allocations)
    tree.set_group_vars("all", "province", province_vars(allocations, province))
    tree.set_group_vars(OLD_UNITS_GROUP, "old_units", old)
    # The core's peers, old endpoints and active addresses: derived here once, read by the roles.
    tree.set_group_vars(CORE_GROUP, DATA_LINE_STEM, core_vars(communes, old, province.vc_vlan.name))
    return tree


def _server_vars(server: Server, province: ProvinceConfig) -> dict[str, Any]:
    data: dict[str, Any] = {"ansible_host": str(server.address), "server_fqdn": server.fqdn}
    if server.role == "dataline_core":
        data["core_loopback"] = str(province.core_loopback)
        data["core_asn"] = province.core_asn
    if server.ipv6:
        data["server_ipv6"] = server.ipv6
    return data


def _server_ref(server: Server) -> dict[str, Any]:
    data: dict[str, Any] = {"name": server.name, "fqdn": server.fqdn, "address": str(server.address)}
    if server.ipv6:
        data["ipv6"] = server.ipv6
    return data


def province_vars(allocations: Allocations, province: ProvinceConfig) -> dict[str, Any]:
    def one(role: str) -> dict[str, Any]:
        return _server_ref(province.servers_by_role(role)[0])

    dns = [one("dns_primary"), *(_server_ref(s) for s in province.servers_by_role("dns_secondary"))]
    services = [
        *(
            {"name": "dns", "proto": proto, "port": 53, "address": server["address"]}
            for server in dns
            for proto in ("udp", "tcp")
        ),
        *(
            {"name": name, "proto": "tcp", "port": port, "address": one("mail")["address"]}
            for name, port in (("smtp", 25), ("submission", 587), ("imaps", 993))
        ),
        {"name": "ldaps", "proto": "tcp", "port": 636, "address": one("directory")["address"]},
        {"name": "portal", "proto": "tcp", "port": 443, "address": one("portal")["address"]},
        {"name": "idesk", "proto": "tcp", "port": 443, "prefix": str(province.vm_prefix)},
        {"name": "tthc", "proto": "tcp", "port": 443, "prefix": str(province.vm_prefix)},
    ]
    core = province.servers_by_role("dataline_core")[0]
    return {
        "province_name": province.name,
        "province_label": province.label,
        "province_domain": province.domain,
        "province_mail_domain": province.mail_domain,
        "province_edoc_level1": province.edoc.level1,
        "province_directory_base_dn": province.directory_base_dn,
        "province_dns_primary": dns[0],
        "province_dns_secondaries": dns[1:],
        "province_mail": one("mail"),
        "province_directory": one("directory"),
        "province_portal": one("portal"),
        "province_archive": one("archive"),
        "province_integration_centre_prefix": str(province.ic_prefix),
        "province_vm_prefix": str(province.vm_prefix),
        "province_core": {
            "name": core.name,
            "loopback": str(province.core_loopback),
            "asn": province.core_asn,
        },
        # what both ends of every data line apply by site role (metrics, local preference, timers)
        "province_data_line": province_data_line(),
        "province_vlan_plan": [
            {
                "name": v.name,
                "id": v.id,
                "prefixlen": v.prefixlen,
                "dhcp": v.dhcp,
                "description": v.description,
            }
            for v in province.vlans
        ],
        "province_vc_vlan": {"name": province.vc_vlan.name, "id": province.vc_vlan.id},
        "province_services": services,
        "province_lookup_until": province.lookup_until.isoformat(),
        "province_quarantine_until_generations": province.quarantine.generations,
        "province_quarantine_until_date": province.quarantine.until.isoformat()
        if province.quarantine.until
        else None,
        "province_deadlines": {name: day.isoformat() for name, day in province.deadlines.items()},
        "province_generation": allocations.generation,
        "province_hypervisors": [h.name for h in province.hypervisors],
    }


def _endpoint_vars(endpoint: Endpoint) -> dict[str, Any]:
    return endpoint.as_dict()


def commune_vars(commune: CommuneAllocation) -> dict[str, Any]:
    vlans = [
        {
            "name": vlan.name,
            "id": vlan.id,
            "prefix": str(prefix),
            "gateway": str(prefix[1]),
            "dhcp": vlan.dhcp,
        }
        for vlan, prefix in commune.vlans
    ]
    vlans.append(
        {
            "name": commune.vc_vlan.name,
            "id": commune.vc_vlan.id,
            "prefix": str(commune.vc_prefix),
            "gateway": str(commune.vc_gateway),
            "dhcp": commune.vc_vlan.dhcp,
        }
    )
    sites = []
    for site in commune.sites:
        sites.append(
            {
                "name": site.name,
                "role": site.role,
                "hq_of": site.hq_of,
                "postal_address": site.postal_address,
                **{key: value for key, value in _endpoint_vars(site.endpoint).items()},
                "routing": site.routing,
                "reuses_old_endpoint": site.reuses_old_endpoint,
            }
        )
    rooms = []
    for room in commune.vc_rooms:
        previous = (
            {"unit": room.previous_unit, "address": str(room.previous_address)}
            if room.previous_unit
            else None
        )
        rooms.append(
            {"room": room.room, "address": str(room.address), "mac": room.mac, "previous_endpoint": previous}
        )
    return {
        "commune_name": commune.name,
        "commune_short_name": commune.short_name,
        "commune_type": commune.type,
        "commune_code": commune.code,
        "commune_label": commune.label,
        "commune_domain": commune.fqdn,
        "commune_mail_domain": commune.mail_domain,
        "commune_lan_prefix": str(commune.lan_prefix),
        "commune_vlans": vlans,
        "commune_sites": sites,
        "commune_vc_rooms": rooms,
        "commune_edoc_code": commune.edoc_code,
        # the AS its bgp sites speak with (derived from the code, so every site of it agrees)
        "commune_asn": commune.asn,
        "commune_portal": {"fqdn": commune.fqdn, "inherits_from": commune.portal_inherits_from},
        "commune_formed_from": [
            {
                "code": old.code,
                "name": old.name,
                "district": old.district,
                "district_code": old.district_code,
                "province": old.province,
                "primary": old.primary,
                "fate": old.fate,
                "label": old.label,
                "domain": old.domain,
            }
            for old in commune.formed_from
        ],
        "ansible_host": str(commune.management_address),
    }


def _client_vars(commune: CommuneAllocation) -> dict[str, Any]:
    gov = next(prefix for vlan, prefix in commune.vlans if vlan.name == commune.vlans[0][0].name)
    return {
        "client_commune": commune.host,
        "client_vlan": commune.vlans[0][0].name,
        "client_address": str(gov[10]),
        "client_gateway": str(gov[1]),
        "ansible_host": str(gov[10]),
    }


def _district_vars(district: OldDistrictAllocation) -> dict[str, Any]:
    return {
        "old_district_name": district.name,
        "old_district_code": district.code,
        "old_district_label": district.label,
        "old_district_province": district.province,
        "old_district_province_label": district.province_label,
        "old_district_domain": district.lookup_fqdn,
        "old_district_successors": district.successors,
        "old_district_units": district.units,
        "old_district_endpoint": _endpoint_vars(district.endpoint),
        "old_district_endpoint_reused_by": district.endpoint_reused_by,
        "old_district_edoc_code": district.edoc_code,
        "old_district_active_site": district.endpoint_reused_by is not None,
        "ansible_host": str(district.endpoint.local_address),
    }


def _old_unit_dict(unit: OldUnitAllocation) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "label": unit.label,
        "district": unit.district,
        "district_code": unit.district_code,
        "district_label": unit.district_label,
        "province": unit.province,
        "province_label": unit.province_label,
        "fate": unit.fate,
        "successors": [{"code": s.code, "label": s.label, "primary": s.primary} for s in unit.successors],
        "lookup_fqdn": unit.lookup_fqdn,
        "endpoint": _endpoint_vars(unit.endpoint),
        "endpoint_reused_by": unit.endpoint_reused_by,
        "edoc_code": unit.edoc_code,
    }


def old_units_vars(allocations: Allocations) -> dict[str, Any]:
    return {
        "old_units": [_old_unit_dict(unit) for unit in allocations.old_units],
        "old_districts": [
            {
                "name": district.name,
                "code": district.code,
                "label": district.label,
                "province": district.province,
                "province_label": district.province_label,
                "host": district.host,
                "lookup_fqdn": district.lookup_fqdn,
                "successors": district.successors,
                "units": district.units,
                "endpoint": _endpoint_vars(district.endpoint),
                "endpoint_reused_by": district.endpoint_reused_by,
                "edoc_code": district.edoc_code,
            }
            for district in allocations.old_districts
        ],
    }
