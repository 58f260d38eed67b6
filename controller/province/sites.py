"""Readers of what the operator reports per commune: HQ sites, room MACs, the old units' lines."""

from __future__ import annotations

import re

from controller import values
from controller.model import Mapping
from controller.names import district_key, normalize
from controller.province.model import (
    BOTH_COMMITTEES,
    HQ_OF,
    PARTY_COMMITTEE,
    PARTY_SITE,
    PEOPLE_COMMITTEE,
    ROUTING,
    SITE_ROLES,
    VC_ROOMS,
    LegacyEndpoint,
    SiteSpec,
)
from controller.yamlio import KeyPath
from controller.yamlreader import YamlReader

_SITE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,30}$")


def read_shared_hq(reader: YamlReader, mapping: Mapping) -> frozenset[str]:
    """`shared_hq`: the communes whose Party committee and People's Committee share a building."""
    found: dict[str, int] = {}
    for position, written in enumerate(reader.sequence(("shared_hq",))):
        keypath: KeyPath = ("shared_hq", position)
        if written in (None, ""):
            reader.error(keypath, "empty item", hint="a new commune code, or remove the item")
            continue
        code = reader.text(keypath)
        if not code:
            continue  # not text: reported by reader.text
        if code not in mapping.new_units:
            reader.error(keypath, f"no new unit with code {code} in mapping.yml",
                         hint="list new commune codes (mã ĐVHC), e.g. \"22918\"")
        elif code in found:
            reader.error(keypath, f"commune {code} is listed twice (first as item {found[code]})")
        found.setdefault(code, position)
    return frozenset(found)


def read_sites(reader: YamlReader, mapping: Mapping, shared_hq: frozenset[str]) -> dict[str, list[SiteSpec]]:
    result: dict[str, list[SiteSpec]] = {}
    district_codes = district_identities(mapping)
    for code, items in reader.mapping(("sites",)).items():
        code = str(code)
        base: KeyPath = ("sites", code)
        if code not in mapping.new_units:
            reader.error(base, f"no new unit with code {code} in mapping.yml")
            continue
        if not isinstance(items, list) or not items:
            reader.error(base, "expected a non-empty list of sites")
            continue
        specs: list[SiteSpec] = []
        names: set[str] = set()
        for position, item in enumerate(items):
            keypath: KeyPath = (*base, position)
            if not isinstance(item, dict):
                reader.error(keypath, "expected a site {name, role, ...}")
                continue
            name = reader.text((*keypath, "name"))
            if not _SITE_NAME.match(name):
                reader.error((*keypath, "name"), f"invalid site name {name!r}", hint="lower-case, e.g. hq")
            elif name in names:
                reader.error((*keypath, "name"), f"site {name!r} is listed twice for {code}")
            names.add(name)
            role = reader.text((*keypath, "role"), "main" if position == 0 else "secondary")
            if role not in SITE_ROLES:
                reader.error((*keypath, "role"), f"unknown site role {role!r}", hint="main or secondary")
            routing = reader.text((*keypath, "routing"), "static")
            if routing not in ROUTING:
                reader.error((*keypath, "routing"), f"unknown routing {routing!r}", hint="static or bgp")
            link = reader.network((*keypath, "link_prefix"), required=False)
            if link is not None and link.prefixlen != 31:
                reader.error((*keypath, "link_prefix"), f"{link} must be a /31 data-line link")
                link = None
            loopback = reader.address((*keypath, "loopback"), required=False)
            if (reader.get((*keypath, "link_prefix")) is None) != (
                reader.get((*keypath, "loopback")) is None
            ):
                reader.error(keypath, "give both link_prefix and loopback when the operator assigned them")
            reuse_default = "reuses_old_endpoint" not in item
            reuse = item.get("reuses_old_endpoint")
            if reuse is not None:
                reuse = normalize(str(reuse))
                if reuse not in mapping.old_units and reuse not in district_codes:
                    reader.error(
                        (*keypath, "reuses_old_endpoint"), f"no old unit or district with code {reuse}"
                    )
            hq_of = _read_hq_of(reader, (*keypath, "hq_of"), name, shared=code in shared_hq)
            specs.append(
                SiteSpec(
                    name=name,
                    role=role,
                    postal_address=reader.text((*keypath, "postal_address")),
                    routing=routing,
                    link_prefix=link,
                    loopback=loopback,
                    reuses_old_endpoint=reuse,
                    reuse_default=reuse_default,
                    hq_of=hq_of,
                )
            )
        if specs and not any(spec.role == "main" for spec in specs):
            reader.error(base, f"commune {code} has no site with role main")
        result[code] = specs
    return result


def _read_hq_of(reader: YamlReader, keypath: KeyPath, name: str, *, shared: bool) -> str:
    default = BOTH_COMMITTEES if shared else PARTY_COMMITTEE if name == PARTY_SITE else PEOPLE_COMMITTEE
    hq_of = reader.text(keypath, default)
    if hq_of not in HQ_OF:
        reader.error(keypath, f"unknown HQ {hq_of!r}", hint=" or ".join(HQ_OF))
        return default
    if shared and hq_of != BOTH_COMMITTEES:
        reader.error(keypath, f"hq_of {hq_of} in a commune listed in shared_hq (one building for both "
                     "committees)", hint="remove hq_of, or the commune from shared_hq")
    return hq_of


def read_vc_macs(reader: YamlReader, mapping: Mapping) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    for code, rooms in reader.mapping(("vc_macs",)).items():
        code = str(code)
        if code not in mapping.new_units:
            reader.error(("vc_macs", code), f"no new unit with code {code} in mapping.yml")
            continue
        if not isinstance(rooms, dict):
            reader.error(("vc_macs", code), "expected {gov: MAC, party: MAC}")
            continue
        for room, value in rooms.items():
            keypath: KeyPath = ("vc_macs", code, str(room))
            if room not in VC_ROOMS:
                reader.error(keypath, f"unknown room {room!r}", hint="gov or party")
                continue
            mac = reader.typed(keypath, values.mac_address, value=value)
            if mac is not None:
                result.setdefault(code, {})[str(room)] = mac
    return result


def read_legacy(reader: YamlReader, mapping: Mapping) -> dict[str, LegacyEndpoint]:
    result: dict[str, LegacyEndpoint] = {}
    district_codes = district_identities(mapping)
    for written, item in reader.mapping(("legacy_endpoints",)).items():
        key = normalize(str(written))
        # Values are looked up (and lines found) under the key as written: an NFD spelling of
        # "Bình Thuận/Huyện X" must not lose its line's addresses to the normalised name.
        keypath: KeyPath = ("legacy_endpoints", str(written))
        if key not in mapping.old_units and key not in district_codes:
            reader.error(keypath, f"no old unit or district with code {key} in mapping.yml")
            continue
        if not isinstance(item, dict):
            reader.error(keypath, "expected {link_prefix, loopback, line_id}")
            continue
        link = reader.network((*keypath, "link_prefix"), required=False)
        if link is not None and link.prefixlen not in (30, 31):
            reader.error((*keypath, "link_prefix"), f"{link} must be a /31 or /30 link")
        loopback = reader.address((*keypath, "loopback"), required=False)
        result[key] = LegacyEndpoint(link, loopback, reader.text((*keypath, "line_id")))
    return result


def district_identities(mapping: Mapping) -> set[str]:
    """How province.yml may name an old district: its code, or "<old province>/<district name>"
    (a CSV import has no district codes)."""
    identities = set()
    for unit in mapping.old_units.values():
        identities.add(district_key(unit.district))
        if unit.district.code:
            identities.add(unit.district.code)
    return identities
