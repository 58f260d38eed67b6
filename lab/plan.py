"""Which containers and podman networks a lab slice needs: pure, no podman, no files.

The lab ("province in a box") runs one container per inventory host of a slice:
the provincial core, the Integration Centre servers, the first N commune gateways
with a LAN client each, and the old district hosts those communes draw from.

Networks (all names start `mergectl-lab-<province>-`, so they never meet anything
else on the machine; subnets come from 172.30.0.0/16, never the real address plan):
- `ic`: Integration Centre servers, the core and the old district hosts; NAT'd, so
  roles can apt-get inside;
- `transport`: the data line between the core and the gateways (the /31 link
  addresses are added by the network roles on the same interface); NAT'd too;
- `lan-<label>`: one per commune, gateway + client, no IPAM and internal, so the
  gateway's own DHCP server is the only one the client hears. It carries the
  government VLAN;
- `party-<label>`: the same for the Party VLAN (gateway + `<label>-party-client`), when
  the commune's VLAN plan has one. Container kernels here cannot tag 802.1Q, so each
  VLAN the lab shows gets its own untagged network, as a switch's access ports would.

Interfaces are named by the lab, not by podman's order: a container's attachments
are listed in the order below and get eth0, eth1, ... accordingly.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from netaddr import IPNetwork

from controller import names
from controller.inventory_view import InventoryView, matches_pattern

DEFAULT_IMAGE = "localhost/mergectl-bookworm:bookworm"  # built by scripts/setup.sh
LAB_LABEL = "mergectl.lab"  # value: the province label
LAB_SPEC_LABEL = "mergectl.lab.spec"  # hash of what the container was started with
LAB_POOL = IPNetwork("172.30.0.0/16")
# Where the lab looks for free /24s first: high in the pool, away from the low numbers
# Molecule scenarios tend to pick.
_SUBNET_SEARCH_ORDER = [*range(200, 250), *range(100, 200)]

CORE = "core"
SERVER = "server"
GATEWAY = "gateway"
CLIENT = "client"
OLD_DISTRICT = "old_district"

IC, TRANSPORT, LAN = "ic", "transport", "lan"
# The Party block's LAN: a network role, and the name the VLAN plan gives the Party VLAN.
PARTY = "party"
PARTY_VLAN = "party"
# Which VLAN of the commune each LAN-side network role carries untagged.
LAN_VLAN_OF_ROLE = {LAN: "gov", PARTY: PARTY_VLAN}

# Groups whose hosts are Integration Centre servers when `integration_centre` is absent.
_IC_SERVER_GROUPS = ("dns_servers", "mail_servers", "directory_servers", "portals", "archive_servers")


class LabPlanError(ValueError):
    """The inventory cannot be turned into a lab (missing core, no communes, ...)."""


@dataclass(frozen=True)
class LabNetwork:
    name: str
    role: str  # ic | transport | lan
    subnet: str | None  # None: no IPAM (the LANs)
    internal: bool
    commune: str | None = None


@dataclass(frozen=True)
class Attachment:
    role: str  # ic | transport | lan
    network: str
    interface: str


@dataclass(frozen=True)
class LabContainer:
    host: str  # inventory host name, also the container's hostname and DNS alias
    name: str  # podman container name
    kind: str  # core | server | gateway | client | old_district
    attachments: tuple[Attachment, ...]
    in_inventory: bool = True  # False for a LAN client the inventory does not list

    def spec_hash(self, image: str) -> str:
        """Changes whenever the container would be started differently; `up`
        recreates a container whose label differs."""
        spec = {
            "image": image,
            "host": self.host,
            "attachments": [(a.role, a.network, a.interface) for a in self.attachments],
        }
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def interfaces(self) -> dict[str, str]:
        return {attachment.role: attachment.interface for attachment in self.attachments}

    @property
    def lan_attachment(self) -> Attachment | None:
        """A client's port on a commune LAN (government or Party VLAN); None elsewhere."""
        return next((a for a in self.attachments if a.role in LAN_VLAN_OF_ROLE), None)

    @property
    def vlan_ports(self) -> dict[str, str]:
        """VLAN name -> the untagged port carrying it (a gateway's LAN side)."""
        return {LAN_VLAN_OF_ROLE[a.role]: a.interface for a in self.attachments if a.role in LAN_VLAN_OF_ROLE}


@dataclass(frozen=True)
class LabPlan:
    province: str
    networks: tuple[LabNetwork, ...]
    containers: tuple[LabContainer, ...]
    notes: tuple[str, ...] = field(default=())

    def container(self, host: str) -> LabContainer:
        for container in self.containers:
            if container.host == host:
                return container
        raise KeyError(host)

    def hosts(self, kind: str | None = None) -> list[str]:
        return [c.host for c in self.containers if kind is None or c.kind == kind]


def lab_prefix(province: str) -> str:
    return f"mergectl-lab-{province}-"


def free_subnets(count: int, used: Iterable[str]) -> list[str]:
    """The first `count` /24s of the lab pool that overlap no subnet in `used`."""
    taken = [IPNetwork(subnet) for subnet in used]
    found: list[str] = []
    for third in _SUBNET_SEARCH_ORDER:
        candidate = IPNetwork(f"172.30.{third}.0/24")
        if any(candidate.first <= other.last and other.first <= candidate.last for other in taken):
            continue
        found.append(str(candidate))
        if len(found) == count:
            return found
    raise LabPlanError(
        "no free /24 left in 172.30.0.0/16 for the lab's networks; remove unused podman networks"
    )


def _commune_label(view: InventoryView, gateway: str) -> str:
    label = view.hostvars.get(gateway, {}).get("commune_label")
    return str(label) if label else names.label_of_gateway(gateway)


def has_party_vlan(variables: Mapping[str, object]) -> bool:
    """The commune's rendered VLAN plan has a Party VLAN with a prefix (the lab shows it)."""
    vlans = variables.get("commune_vlans")
    return isinstance(vlans, list) and any(
        isinstance(vlan, Mapping) and vlan.get("name") == PARTY_VLAN and vlan.get("prefix") for vlan in vlans
    )


def party_client_of(label: str) -> str:
    return names.party_client_host(label)


def _old_districts_of(view: InventoryView, gateway: str, label: str) -> list[str]:
    """Old district hosts a commune draws from: through the `from_<prov>_<district>` /
    `district_<prov>_<district>` group pair, or the old host's successor list."""
    found: list[str] = []
    for group in view.groups_of(gateway):
        if group.startswith("from_"):
            found.extend(view.hosts("district_" + group.removeprefix("from_")))
    for host in view.hosts("retiring_districts"):
        successors = view.hostvars.get(host, {}).get("old_district_successors") or []
        if isinstance(successors, list) and label in successors:
            found.append(host)
    retiring = set(view.hosts("retiring_districts"))
    return [host for host in dict.fromkeys(found) if host in retiring or not retiring]


def build_plan(
    view: InventoryView,
    province: str,
    *,
    communes: int | None = 2,
    limit: str | None = None,
    hypervisors: bool = False,
    used_subnets: Iterable[str] = (),
    existing_subnets: Mapping[str, str] | None = None,
) -> LabPlan:
    """The containers and networks of one lab slice.

    `communes`: how many gateways (in inventory order) after `limit` filtered them;
    None means all that match. `limit` keeps only matching hosts, plus what a kept
    gateway needs (its client, its old district hosts, the core). `existing_subnets`
    (network name -> subnet) keeps the subnets of lab networks already there, so a
    re-run plans exactly what is running; `used_subnets` are every other network's.
    """
    existing_subnets = dict(existing_subnets or {})
    prefix = lab_prefix(province)
    notes: list[str] = []

    core_hosts = view.hosts("dataline_core")
    if not core_hosts:
        raise LabPlanError(
            "the inventory has no host in group dataline_core (core1); was it rendered by "
            "'mergectl inventory'?"
        )
    gateways_all = view.hosts("communes")
    if not gateways_all:
        raise LabPlanError("the inventory has no host in group communes")

    gateways = [
        gw
        for gw in gateways_all
        if matches_pattern(view, gw, limit)
        or (
            limit
            and any(
                matches_pattern(view, old, limit)
                for old in _old_districts_of(view, gw, _commune_label(view, gw))
            )
        )
    ]
    if communes is not None:
        if communes < 0:
            raise LabPlanError("--communes must be 0 or more")
        gateways = gateways[:communes]

    if view.hosts("integration_centre"):
        servers = view.hosts("integration_centre")
    else:
        servers = list(dict.fromkeys(h for g in _IC_SERVER_GROUPS for h in view.hosts(g)))
    skipped_hypervisors = [h for h in servers if h in view.hosts("hypervisors")]
    if not hypervisors:
        servers = [h for h in servers if h not in skipped_hypervisors]
        if skipped_hypervisors:
            notes.append(f"hypervisors left out ({', '.join(skipped_hypervisors)}); --hypervisors adds them")
    servers = [h for h in sorted(servers) if matches_pattern(view, h, limit)]

    ic_net = prefix + "ic"
    transport_net = prefix + "transport"
    wanted_subnets = [name for name in (ic_net, transport_net) if name not in existing_subnets]
    other_used = [subnet for name, subnet in existing_subnets.items()] + list(used_subnets)
    fresh = iter(free_subnets(len(wanted_subnets), other_used) if wanted_subnets else [])
    subnet_of = {name: existing_subnets.get(name) or next(fresh) for name in (ic_net, transport_net)}

    networks: list[LabNetwork] = [
        LabNetwork(ic_net, IC, subnet_of[ic_net], internal=False),
        LabNetwork(transport_net, TRANSPORT, subnet_of[transport_net], internal=False),
    ]

    def attach(*roles_and_networks: tuple[str, str]) -> tuple[Attachment, ...]:
        return tuple(
            Attachment(role, network, f"eth{index}")
            for index, (role, network) in enumerate(roles_and_networks)
        )

    containers: list[LabContainer] = []
    for core in core_hosts[:1]:
        containers.append(
            LabContainer(core, prefix + core, CORE, attach((TRANSPORT, transport_net), (IC, ic_net)))
        )
    containers.extend(LabContainer(host, prefix + host, SERVER, attach((IC, ic_net))) for host in servers)

    old_hosts: list[str] = []
    all_hosts = set(view.groups.get("all", [])) | set(view.hostvars)
    for gateway in gateways:
        label = _commune_label(view, gateway)
        lan_net = f"{prefix}lan-{label}"
        networks.append(LabNetwork(lan_net, LAN, None, internal=True, commune=label))
        gateway_ports = [(TRANSPORT, transport_net), (LAN, lan_net)]
        party_net = f"{prefix}party-{label}"
        with_party = has_party_vlan(view.hostvars.get(gateway, {}))
        if with_party:
            networks.append(LabNetwork(party_net, PARTY, None, internal=True, commune=label))
            gateway_ports.append((PARTY, party_net))
        containers.append(LabContainer(gateway, prefix + gateway, GATEWAY, attach(*gateway_ports)))
        client = names.client_host(label)
        containers.append(
            LabContainer(
                client, prefix + client, CLIENT, attach((LAN, lan_net)), in_inventory=client in all_hosts
            )
        )
        if with_party:
            party_client = party_client_of(label)
            containers.append(
                LabContainer(
                    party_client,
                    prefix + party_client,
                    CLIENT,
                    attach((PARTY, party_net)),
                    in_inventory=party_client in all_hosts,
                )
            )
        old_hosts.extend(_old_districts_of(view, gateway, label))
    containers.extend(
        LabContainer(host, prefix + host, OLD_DISTRICT, attach((IC, ic_net)))
        for host in dict.fromkeys(old_hosts)
    )

    if len(core_hosts) > 1:
        notes.append(f"only {core_hosts[0]} of dataline_core is started")
    return LabPlan(province, tuple(networks), tuple(containers), tuple(notes))
