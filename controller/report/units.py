"""Which inventory host belongs to which new commune, old district or the whole province.

Read from state/rendered.yml (the communes' labels and the old districts' hosts, as the last
`mergectl inventory` wrote them) with the naming rules of controller/names.py, and from
province.yml's Integration Centre servers and hypervisors (province-wide hosts). A host of
none of them (a lab container, a host the inventory no longer has) counts for nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from controller import names

# The workstreams shown per commune; decommissioning is per old district, "other" is nobody's.
COMMUNE_WORKSTREAMS = ("network", "dns", "mail", "integration_centre", "portals")
# The commune's own hosts a workstream needs before the commune counts as applied in it
# (the other workstreams run on province-wide hosts only).
IC_SYSTEMS = ("idesk", "tthc")


@dataclass
class HostIndex:
    owner: dict[str, str] = field(default_factory=dict)  # host -> new commune code
    own: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (code, workstream) -> hosts
    districts: list[str] = field(default_factory=list)  # old district hosts
    central: set[str] = field(default_factory=set)

    def counts_for(self, host: str, code: str) -> bool:
        return self.owner.get(host) == code or host in self.central


def host_index(rendered: dict[str, Any] | None, province: dict[str, Any] | None) -> HostIndex:
    index = HostIndex()
    communes = rendered.get("communes") if rendered else None
    hosts = set(rendered.get("hosts") or []) if rendered else set()
    for code, entry in (communes or {}).items() if isinstance(communes, dict) else ():
        label = entry.get("label") if isinstance(entry, dict) else None
        if not isinstance(label, str):
            continue
        gateway = names.gateway_host(label)
        vms = [names.vm_name(system, label) for system in IC_SYSTEMS]
        for host in (gateway, names.client_host(label), names.party_client_host(label), *vms):
            index.owner[host] = str(code)
        index.own[(str(code), "network")] = [gateway]
        index.own[(str(code), "integration_centre")] = [vm for vm in vms if vm in hosts]
    districts = rendered.get("old_districts") if rendered else None
    for entry in (districts or {}).values() if isinstance(districts, dict) else ():
        if isinstance(entry, dict) and isinstance(entry.get("host"), str):
            index.districts.append(entry["host"])
    index.districts.sort()
    centre = (province or {}).get("integration_centre")
    for section in ("servers", "hypervisors"):
        items = centre.get(section) if isinstance(centre, dict) else None
        for item in items if isinstance(items, list) else ():
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                index.central.add(item["name"])
    return index
