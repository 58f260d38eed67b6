"""The data line's values both ends read, rendered once (docs/inventory-contract.md).

- `province_data_line` (group_vars/all/province.yml): what the commune gateway and the core
  must agree on, by site role: route metrics (static routes on both ends), BGP local
  preference, BGP timers. Roles `data_line` and `dataline_core` default to it.
- `core_peers`, `core_old_endpoints`, `core_active_addresses`
  (group_vars/dataline_core/data_line.yml): the core's lists, built from the commune host
  vars and the old units' records exactly as rendered, so a role never walks `hostvars` to
  derive addresses.

Everything here works on the contract's own shapes (the dicts the renderer writes), so the
Molecule scenario's hand-written inventory is checked against the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from controller import names

# Both ends of a line apply these by the site's role (main | secondary): the main line wins.
DATA_LINE_PARAMETERS: dict[str, dict[str, int]] = {
    "metrics": {"main": 100, "secondary": 200},
    "bgp_local_preference": {"main": 200, "secondary": 100},
    "bgp_timers": {"keepalive": 10, "hold": 30, "connect": 10},
}


def province_data_line() -> dict[str, dict[str, int]]:
    return {name: dict(values) for name, values in DATA_LINE_PARAMETERS.items()}


def core_peers(communes: Iterable[Mapping[str, Any]], vc_vlan: str) -> list[dict[str, Any]]:
    """One peer per site of every commune (its host vars), in inventory order.

    `prefixes`: what the core routes over that site (static) or accepts from it (bgp): the
    commune's LAN supernet, its VC prefix and the site's loopback."""
    peers = []
    for commune in communes:
        vc = [vlan["prefix"] for vlan in commune.get("commune_vlans") or [] if vlan["name"] == vc_vlan]
        for site in commune.get("commune_sites") or []:
            peers.append(
                {
                    "key": f"{commune['commune_label']}-{site['name']}",
                    "commune": commune["commune_label"],
                    "role": site.get("role") or "main",
                    "routing": site.get("routing") or "static",
                    "asn": commune.get("commune_asn"),
                    "link_prefix": site["link_prefix"],
                    "core_address": site["core_address"],
                    "local_address": site["local_address"],
                    "prefixes": [commune["commune_lan_prefix"], *vc, f"{site['loopback']}/32"],
                }
            )
    return peers


def core_old_endpoints(old_units: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every old unit's and old district's endpoint with its fate; keys follow the core's peer
    files (`old-<code>`, `district-<province label>-<label>`)."""
    found = []
    for unit in old_units.get("old_units") or []:
        if unit.get("endpoint"):
            found.append(
                {
                    "key": names.old_unit_peer_key(str(unit["code"])),
                    "code": str(unit["code"]),
                    "kind": "commune",
                    "name": unit["name"],
                    "owner": f"old:{unit['code']}",
                    "endpoint": dict(unit["endpoint"]),
                    "reused_by": unit.get("endpoint_reused_by"),
                }
            )
    for district in old_units.get("old_districts") or []:
        if district.get("endpoint"):
            found.append(
                {
                    "key": names.old_district_peer_key(district["province_label"], district["label"]),
                    "code": str(district["code"]),
                    "kind": "district",
                    "name": district["name"],
                    "owner": f"old:{district['code']}",
                    "endpoint": dict(district["endpoint"]),
                    "reused_by": district.get("endpoint_reused_by"),
                }
            )
    return found


def core_active_addresses(communes: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every address an active site uses (link prefix, both link addresses, loopback)."""
    return [
        str(site[key])
        for commune in communes
        for site in commune.get("commune_sites") or []
        for key in ("link_prefix", "core_address", "local_address", "loopback")
    ]


def core_vars(
    communes: Iterable[Mapping[str, Any]], old_units: Mapping[str, Any], vc_vlan: str
) -> dict[str, Any]:
    """group_vars/dataline_core/data_line.yml."""
    communes = list(communes)
    return {
        "core_peers": core_peers(communes, vc_vlan),
        "core_old_endpoints": core_old_endpoints(old_units),
        "core_active_addresses": core_active_addresses(communes),
    }
