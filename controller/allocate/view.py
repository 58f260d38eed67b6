"""The view the renderer and the contribution modules read: `Allocations`, built from the new state.

Everything here is derived, never held: names and domains (controller.names), VLAN splits,
video-conference rooms, fates and successors, which site keeps which old line. The state
holds only what must never move (labels, prefixes, endpoints, e-doc codes), so the same
state always gives the same view.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from netaddr import IPAddress, IPNetwork

from controller.allocate.allocations_state import (
    CommuneState,
    EndpointState,
    QuarantineItem,
    SiteState,
    State,
)
from controller.allocate.asn import commune_asn
from controller.allocate.pools import parse_address, parse_network
from controller.allocate.result import (
    Allocations,
    CommuneAllocation,
    Endpoint,
    FormedFrom,
    OldDistrictAllocation,
    OldUnitAllocation,
    SiteAllocation,
    Successor,
    VcRoom,
)
from controller.allocate.reuse import Reuse, reuse_claims
from controller.allocate.successions import Successions, fate, first_primary_old, primary_of
from controller.errors import Diagnostics
from controller.model import Mapping, OldDistrict
from controller.names import (
    district_key,
    old_district_fqdn,
    old_unit_fqdn,
    province_label,
    strip_type,
    subdomain,
    successor_group,
    unit_type,
)
from controller.names import label as bare_label
from controller.province import ProvinceConfig, Vlan, split_lan

_VlanSplit = list[tuple[Vlan, IPNetwork]]


def vc_mac(province_label_: str, code: str, room: str) -> str:
    """Deterministic locally-administered unicast MAC (02:4d:...), stable per commune and room."""
    digest = hashlib.sha256(f"{province_label_}/{code}/{room}".encode()).digest()
    return "02:4d:" + ":".join(f"{byte:02x}" for byte in digest[:4])


def build_allocations(
    state: State,
    province: ProvinceConfig,
    released: list[QuarantineItem],
    mapping: Mapping,
    successions: Successions,
    dlabels: dict[str, str],
    diagnostics: Diagnostics,
) -> Allocations:
    """The view of `state`; empty when `diagnostics` already holds problems (nothing is rendered)."""
    result = Allocations(
        province=province.name,
        province_label=province.label,
        generation=state.generation,
        released=released,
        state=state,
    )
    if diagnostics:
        return result
    labels = {code: state.communes[code].label for code in mapping.new_units}
    view = _View(
        state,
        province,
        mapping,
        successions,
        dlabels,
        old_labels={code: bare_label(unit.name) for code, unit in mapping.old_units.items()},
        labels=labels,
        reuse=reuse_claims(mapping, province, successions, labels, diagnostics),
    )
    # The VLAN split is the same for every commune: compute it once, then offset it.
    split_template = split_lan(IPNetwork(f"0.0.0.0/{province.lan_prefixlen}"), province.vlans)
    for code in sorted(mapping.new_units):
        commune = view.commune(code, split_template)
        result.communes.append(commune)
        if commune.label_note:
            result.notes.append(
                f"label collision: {commune.name} ({code}) gets {commune.label!r}: {commune.label_note}"
            )
    result.old_units.extend(view.old_unit(code) for code in sorted(mapping.old_units))
    result.old_districts.extend(view.old_districts())
    return result


@dataclass(frozen=True)
class _View:
    state: State
    province: ProvinceConfig
    mapping: Mapping
    successions: Successions
    dlabels: dict[str, str]  # old district key -> label
    old_labels: dict[str, str]  # old unit code -> label
    labels: dict[str, str]  # new commune code -> label
    reuse: Reuse

    def district_label(self, district: OldDistrict) -> str:
        return self.dlabels[district_key(district)]

    def lookup_fqdn(self, code: str) -> str:
        unit = self.mapping.old_units[code]
        old_province = province_label(unit.district.province)
        return old_unit_fqdn(
            self.old_labels[code], self.district_label(unit.district), old_province, self.province.domain
        )

    # ----------------------------------------------------------------------- new communes

    def commune(self, code: str, split_template: _VlanSplit) -> CommuneAllocation:
        province = self.province
        unit = self.mapping.new_units[code]
        entry = self.state.communes[code]
        formed, groups = self.formed_from(code)
        sites = [
            SiteAllocation(
                name=spec.name,
                role=spec.role,
                postal_address=spec.postal_address,
                routing=spec.routing,
                endpoint=_endpoint(entry.sites[spec.name]),
                reuses_old_endpoint=self.reuse.of_site(code, spec.name),
                hq_of=spec.hq_of,
            )
            for spec in province.sites_of(code)
        ]
        primary_old = first_primary_old(unit, self.mapping, self.successions)
        lan = parse_network(entry.lan_prefix)
        vc_prefix = parse_network(entry.vc_prefix)
        return CommuneAllocation(
            code=code,
            name=unit.name,
            short_name=strip_type(unit.name),
            type=unit_type(unit.name),
            label=entry.label,
            fqdn=subdomain(entry.label, province.domain),
            mail_domain=subdomain(entry.label, province.mail_domain),
            lan_prefix=lan,
            vlans=_offset_split(split_template, lan),
            vc_vlan=province.vc_vlan,
            vc_prefix=vc_prefix,
            vc_rooms=self.vc_rooms(code, entry, sites),
            sites=sites,
            edoc_code=entry.edoc_code,
            formed_from=formed,
            district_groups=groups,
            seat=primary_old.code if primary_old else None,
            portal_inherits_from=province.portal_of(code).keep,
            portal_chosen=province.portal_of(code).chosen,
            label_note=entry.label_note,
            asn=commune_asn(code, province.commune_asns),
        )

    def formed_from(self, code: str) -> tuple[list[FormedFrom], list[str]]:
        """The old units a commune is formed from, and the groups of their districts' successors."""
        unit = self.mapping.new_units[code]
        formed = []
        groups: list[str] = []
        for succession in sorted(unit.formed_from, key=lambda s: s.old_code):
            old = self.mapping.old_units[succession.old_code]
            formed.append(
                FormedFrom(
                    code=old.code,
                    name=old.name,
                    district=old.district.name,
                    district_code=old.district.code,
                    province=old.district.province,
                    primary=primary_of(self.successions[old.code]) is unit,
                    fate=fate(self.successions[old.code]),
                    label=self.old_labels[old.code],
                    domain=self.lookup_fqdn(old.code),
                )
            )
            group = successor_group(province_label(old.district.province), self.district_label(old.district))
            if group not in groups:
                groups.append(group)
        return formed, groups

    def vc_rooms(self, code: str, entry: CommuneState, sites: list[SiteAllocation]) -> list[VcRoom]:
        """The gov room keeps the address of the old unit whose line the first site keeps."""
        vc_prefix = parse_network(entry.vc_prefix)
        first_reuse = sites[0].reuses_old_endpoint if sites else None
        previous_unit = first_reuse if first_reuse in self.mapping.old_units else None
        macs = self.province.vc_macs.get(code, {})
        rooms = []
        for offset, room in enumerate(("gov", "party")):
            previous = previous_unit if room == "gov" else None
            rooms.append(
                VcRoom(
                    room=room,
                    address=IPAddress(vc_prefix.first + 2 + offset),
                    mac=macs.get(room) or vc_mac(self.province.label, code, room),
                    previous_unit=previous,
                    previous_address=(
                        _endpoint(self.state.old_units[previous]).local_address if previous else None
                    ),
                )
            )
        return rooms

    # ----------------------------------------------------------------------- old units and districts

    def old_unit(self, code: str) -> OldUnitAllocation:
        old = self.mapping.old_units[code]
        successors = self.successions[code]
        return OldUnitAllocation(
            code=code,
            name=old.name,
            label=self.old_labels[code],
            district=old.district.name,
            district_code=old.district.code,
            district_label=self.district_label(old.district),
            province=old.district.province,
            province_label=province_label(old.district.province),
            fate=fate(successors),
            successors=[
                Successor(unit.code, self.labels[unit.code], primary_of(successors) is unit)
                for unit, _ in successors
            ],
            lookup_fqdn=self.lookup_fqdn(code),
            endpoint=_endpoint(self.state.old_units[code]),
            endpoint_reused_by=self.reuse.of_unit(code),
            edoc_code=self.province.edoc.old_codes.get(code),
        )

    def old_districts(self) -> list[OldDistrictAllocation]:
        units_by_district: dict[str, list[str]] = defaultdict(list)
        successors_by_district: dict[str, list[str]] = defaultdict(list)
        for code in sorted(self.mapping.old_units):
            dkey = district_key(self.mapping.old_units[code].district)
            units_by_district[dkey].append(code)
            for unit, _ in self.successions[code]:
                if self.labels[unit.code] not in successors_by_district[dkey]:
                    successors_by_district[dkey].append(self.labels[unit.code])
        districts = []
        for district in self.mapping.old_districts():
            dkey = district_key(district)
            old_province = province_label(district.province)
            districts.append(
                OldDistrictAllocation(
                    key=dkey,
                    name=district.name,
                    code=district.code,
                    label=self.dlabels[dkey],
                    province=district.province,
                    province_label=old_province,
                    lookup_fqdn=old_district_fqdn(self.dlabels[dkey], old_province, self.province.domain),
                    successors=sorted(successors_by_district[dkey]),
                    units=units_by_district[dkey],
                    endpoint=_endpoint(self.state.old_districts[dkey]),
                    endpoint_reused_by=self.reuse.of_district(dkey),
                    edoc_code=self.province.edoc.old_codes.get(district.code) if district.code else None,
                )
            )
        return districts


def _endpoint(entry: EndpointState | SiteState) -> Endpoint:
    return Endpoint(parse_network(entry.link_prefix), parse_address(entry.loopback), entry.operator_assigned)


def _offset_split(template: _VlanSplit, lan: IPNetwork) -> _VlanSplit:
    """The VLAN split of `lan`: the split of 0.0.0.0/len moved to the LAN (same result as split_lan)."""
    return [(vlan, IPNetwork((lan.first + block.first, block.prefixlen))) for vlan, block in template]
