"""`load_province`: province.yml read section by section, then checked across sections."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from netaddr import IPNetwork

from controller.errors import Diagnostics
from controller.limits import PROVINCE_YML_MAX_BYTES
from controller.model import Mapping
from controller.names import domain_dn, province_domain, province_label
from controller.province.checks import (
    _check_capacity,
    _check_macs,
    _check_operator_addresses,
    _check_overlaps,
)
from controller.province.edoc import read_edoc
from controller.province.model import (
    NOWHERE,
    POOL_NAMES,
    ProvinceConfig,
    QuarantinePolicy,
    lan_prefixlen_for,
)
from controller.province.portals import read_portals
from controller.province.report_settings import read_report_settings
from controller.province.schema import check_keys
from controller.province.sections import (
    read_commune_asns,
    read_hypervisors,
    read_servers,
    read_vc_vlan,
    read_vlans,
)
from controller.province.sites import read_legacy, read_shared_hq, read_sites, read_vc_macs
from controller.province.tasks import read_tasks
from controller.yamlio import parse_yaml
from controller.yamlreader import YamlReader


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
    check_keys(reader)
    label = province_label(mapping.province)

    name = reader.text(("province",), mapping.province)
    if province_label(name or mapping.province) != label:
        reader.error(("province",), f"province {name!r} does not match mapping.yml's {mapping.province!r}")
    domain = reader.domain(("domain",), province_domain(mapping.province))
    mail_domain = reader.domain(("mail_domain",), domain)
    base_dn = reader.dn(("directory_base_dn",), domain_dn(domain))

    pools: dict[str, IPNetwork] = {}
    reader.mapping(("pools",))
    for pool in POOL_NAMES:
        network = reader.network(("pools", pool))
        if network is not None:
            pools[pool] = network

    vlans = read_vlans(reader)
    vc_vlan = read_vc_vlan(reader, vlans)
    lan_prefixlen = lan_prefixlen_for(vlans) if vlans else 23

    ic_prefix = reader.network(("integration_centre", "prefix"))
    vm_prefix = reader.network(("integration_centre", "vm_prefix"))
    servers = read_servers(reader, ic_prefix, domain)
    hypervisors = read_hypervisors(reader, ic_prefix, servers)

    core_loopback = reader.address(("data_network", "core_loopback"))
    core_asn = reader.integer(("data_network", "core_asn"), 1, 4294967295, default=64512)
    commune_asns = read_commune_asns(reader, core_asn, mapping)

    tasks = read_tasks(reader)
    lookup_until = reader.date(("lookup_until",), default=dt.date(2030, 7, 1))

    reader.mapping(("quarantine",))
    generations = reader.integer(("quarantine", "generations"), 0, 1000, default=2)
    until = reader.date(("quarantine", "until"), required=False)
    policy = QuarantinePolicy(generations if generations is not None else 2, until)

    edoc = read_edoc(reader, label)
    shared_hq = read_shared_hq(reader, mapping)
    sites = read_sites(reader, mapping, shared_hq)
    vc_macs = read_vc_macs(reader, mapping)
    legacy = read_legacy(reader, mapping)
    portals = read_portals(reader, mapping)

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
        ic_prefix=ic_prefix or NOWHERE,
        vm_prefix=vm_prefix or NOWHERE,
        servers=servers,
        hypervisors=hypervisors,
        core_loopback=core_loopback or NOWHERE.ip,
        core_asn=core_asn or 64512,
        tasks=tasks,
        lookup_until=lookup_until or dt.date(2030, 7, 1),
        quarantine=policy,
        edoc=edoc,
        sites=sites,
        vc_macs=vc_macs,
        legacy_endpoints=legacy,
        commune_asns=commune_asns,
        shared_hq=shared_hq,
        portals=portals,
        report=read_report_settings(reader),
        raw=data,
        lines=lines,
        path=path,
    )
    _check_operator_addresses(reader, config)
    _check_capacity(reader, config, mapping)
    _check_macs(reader, config, mapping)
    if diagnostics:
        return None, diagnostics
    return config, diagnostics
