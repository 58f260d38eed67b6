"""Checks across sections: pools that overlap, operator addresses inside our pools, pools too small."""

from __future__ import annotations

from netaddr import IPAddress, IPNetwork, IPSet

from controller.model import Mapping
from controller.province.model import NOWHERE, POOL_NAMES, VC_ROOMS, ProvinceConfig
from controller.yamlio import KeyPath
from controller.yamlreader import YamlReader


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
        if prefix != NOWHERE:
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



def _check_macs(reader: YamlReader, config: ProvinceConfig, mapping: Mapping) -> None:
    """Every video-conference room's MAC, given or generated, belongs to one room of the province:
    a duplicate names both rooms, the first with its line."""
    # allocate imports this package; the rule for generated MACs is allocate's own.
    from controller.allocate.view import vc_mac

    given = sorted(
        (reader.lines.line(("vc_macs", code, room)) or 0, code, room, mac)
        for code, rooms in config.vc_macs.items()
        for room, mac in rooms.items()
    )
    owners: dict[str, str] = {}
    keypaths: dict[str, KeyPath] = {}
    for line, code, room, mac in given:
        if mac in owners:
            reader.error(("vc_macs", code, room), f"MAC {mac} is also the MAC of {owners[mac]}",
                         hint="every room's device has its own MAC")
            continue
        owners[mac] = f"the {room} room of commune {code} (line {line})"
        keypaths[mac] = ("vc_macs", code, room)
    for code in mapping.new_units:
        for room in VC_ROOMS:
            if room in config.vc_macs.get(code, {}):
                continue
            generated = vc_mac(config.label, code, room)
            if generated in keypaths:
                reader.error(
                    keypaths[generated],
                    f"MAC {generated} is also the generated MAC of the {room} room of commune {code} "
                    "(which has no vc_macs entry)",
                    hint=f"give that room its own MAC under vc_macs.{code}",
                )
