"""The rendered snapshot (`state/rendered.yml`): what `plan` compares against.

A flat, reviewable summary of everything a workstream acts on, keyed by stable
identities. `inventory` writes it; `plan` builds the same from an in-memory
allocation and diffs the two.
"""

from __future__ import annotations

from typing import Any

from controller.allocate.result import Allocations

SNAPSHOT_VERSION = 1


def snapshot(allocations: Allocations, hosts: list[str]) -> dict[str, Any]:
    return {
        "version": SNAPSHOT_VERSION,
        "province": allocations.province,
        "generation": allocations.generation,
        "communes": {
            commune.code: {
                "name": commune.name,
                "label": commune.label,
                "domain": commune.fqdn,
                "mail_domain": commune.mail_domain,
                "lan_prefix": str(commune.lan_prefix),
                "vc_prefix": str(commune.vc_prefix),
                "vc_rooms": {room.room: str(room.address) for room in commune.vc_rooms},
                "edoc_code": commune.edoc_code,
                "portal": {"keep": commune.portal_inherits_from, "chosen": commune.portal_chosen},
                "sites": {
                    site.name: {
                        "link_prefix": str(site.endpoint.link_prefix),
                        "loopback": str(site.endpoint.loopback),
                        "operator_assigned": site.endpoint.operator_assigned,
                        "reuses_old_endpoint": site.reuses_old_endpoint,
                    }
                    for site in commune.sites
                },
            }
            for commune in allocations.communes
        },
        "old_units": {
            unit.code: {
                "name": unit.name,
                "fate": unit.fate,
                "successors": [successor.code for successor in unit.successors],
                "lookup_fqdn": unit.lookup_fqdn,
                "endpoint": str(unit.endpoint.link_prefix),
                "endpoint_reused_by": unit.endpoint_reused_by,
            }
            for unit in allocations.old_units
        },
        "old_districts": {
            district.key: {
                "host": district.host,
                "lookup_fqdn": district.lookup_fqdn,
                "endpoint": str(district.endpoint.link_prefix),
                "endpoint_reused_by": district.endpoint_reused_by,
            }
            for district in allocations.old_districts
        },
        "hosts": sorted(hosts),
    }
