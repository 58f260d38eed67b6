"""What allocation gives the renderer and the contribution modules (read-only views)."""

from __future__ import annotations

from dataclasses import dataclass, field

from netaddr import IPAddress, IPNetwork

from controller import names
from controller.allocate.allocations_state import QuarantineItem, State
from controller.province import Vlan


@dataclass(frozen=True)
class Endpoint:
    """A data-line endpoint: /31 link (core takes the even address) and a loopback."""

    link_prefix: IPNetwork
    loopback: IPAddress
    operator_assigned: bool

    @property
    def core_address(self) -> IPAddress:
        return IPAddress(self.link_prefix.first)

    @property
    def local_address(self) -> IPAddress:
        return IPAddress(self.link_prefix.last)

    def as_dict(self) -> dict[str, object]:
        return {
            "link_prefix": str(self.link_prefix),
            "core_address": str(self.core_address),
            "local_address": str(self.local_address),
            "loopback": str(self.loopback),
            "operator_assigned": self.operator_assigned,
        }


@dataclass(frozen=True)
class SiteAllocation:
    name: str
    role: str
    postal_address: str
    routing: str
    endpoint: Endpoint
    reuses_old_endpoint: str | None  # old unit code or old district code
    hq_of: str  # people_committee | party_committee | both (controller.province.HQ_OF)


@dataclass(frozen=True)
class FormedFrom:
    code: str
    name: str
    district: str
    district_code: str
    province: str
    primary: bool
    fate: str
    label: str
    domain: str


@dataclass(frozen=True)
class VcRoom:
    room: str  # gov | party
    address: IPAddress
    mac: str
    previous_unit: str | None
    previous_address: IPAddress | None


@dataclass
class CommuneAllocation:
    code: str
    name: str
    short_name: str
    type: str
    label: str
    fqdn: str
    mail_domain: str
    lan_prefix: IPNetwork
    vlans: list[tuple[Vlan, IPNetwork]]
    vc_vlan: Vlan
    vc_prefix: IPNetwork
    vc_rooms: list[VcRoom]
    sites: list[SiteAllocation]
    edoc_code: str
    formed_from: list[FormedFrom]
    district_groups: list[str]  # from_<oldprov>_<olddistrict>
    # The old unit the commune continues (its first primary old unit): whose certificate is renewed.
    seat: str | None
    # The old unit whose portal the commune keeps (province.yml communes.<code>.portal); None: a new one.
    portal_inherits_from: str | None
    portal_chosen: bool = False  # False: province.yml does not say, the default (new) applies
    label_note: str | None = None
    asn: int | None = None  # for its bgp sites: derived from the code (allocate/asn.py)

    @property
    def host(self) -> str:
        return names.gateway_host(self.label)

    @property
    def client_host(self) -> str:
        return names.client_host(self.label)

    @property
    def management_address(self) -> IPAddress:
        mgmt = next(prefix for vlan, prefix in self.vlans if vlan.name == "mgmt")
        return IPAddress(mgmt.first + 1)

    @property
    def vc_gateway(self) -> IPAddress:
        return IPAddress(self.vc_prefix.first + 1)


@dataclass(frozen=True)
class Successor:
    code: str
    label: str
    primary: bool


@dataclass
class OldUnitAllocation:
    code: str
    name: str
    label: str
    district: str
    district_code: str
    district_label: str
    province: str
    province_label: str
    fate: str
    successors: list[Successor]
    lookup_fqdn: str
    endpoint: Endpoint
    endpoint_reused_by: str | None  # host name of the new commune gateway, or None: terminate
    edoc_code: str | None  # its own code (closed after the merger) when province.yml lists it


@dataclass
class OldDistrictAllocation:
    key: str
    name: str
    code: str
    label: str
    province: str
    province_label: str
    lookup_fqdn: str
    successors: list[str]  # labels of the new communes drawing from it
    units: list[str]  # old unit codes
    endpoint: Endpoint
    endpoint_reused_by: str | None
    edoc_code: str | None

    @property
    def host(self) -> str:
        return names.old_district_host(self.province_label, self.label)

    @property
    def group(self) -> str:
        return names.old_district_group(self.province_label, self.label)

    @property
    def successor_group(self) -> str:
        return names.successor_group(self.province_label, self.label)


@dataclass
class Allocations:
    province: str
    province_label: str
    generation: int
    communes: list[CommuneAllocation] = field(default_factory=list)  # by code
    old_units: list[OldUnitAllocation] = field(default_factory=list)  # by code
    old_districts: list[OldDistrictAllocation] = field(default_factory=list)  # by key
    notes: list[str] = field(default_factory=list)  # label collisions and other things to report
    released: list[QuarantineItem] = field(default_factory=list)  # released by this run
    state: State = field(default_factory=State)

    def commune(self, code: str) -> CommuneAllocation:
        return next(commune for commune in self.communes if commune.code == code)
