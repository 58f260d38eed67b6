"""The allocation pipeline: (mapping, province, previous state, today) -> (state, allocations), pure.

Order of work, each step keyed by stable identities and done in code order:
1. owners that disappeared (communes, sites, old units, districts) release into quarantine;
2. what is still held stays where it is (OpenStack-Ansible's persisted assignments);
3. what is new is taken first-fit from free space = pool - held - quarantined, each
   pool's whole request checked before anything is taken (NetBox's rule);
4. the generation increments when anything changed.
The view of the new state that the renderer reads is `controller.allocate.view`'s job.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from netaddr import IPAddress, IPNetwork

from controller.allocate.allocations_state import (
    CommuneState,
    EndpointState,
    QuarantineItem,
    SiteState,
    State,
)
from controller.allocate.collisions import check_operator_addresses, overlaps, state_holders
from controller.allocate.pools import Pool, PoolExhausted, parse_network
from controller.allocate.result import Allocations
from controller.allocate.successions import Successions, first_primary_old, successions_by_old_code
from controller.allocate.view import build_allocations
from controller.errors import Diagnostics
from controller.model import Mapping, NewUnit
from controller.names import RESERVED_LABELS, choose_label, district_key, district_labels, normalize
from controller.names import label as bare_label
from controller.province import ProvinceConfig
from controller.yamlio import LineIndex


class _Run:
    """One allocation run: the new state being built and what it released."""

    def __init__(self, previous: State, province: ProvinceConfig, today: dt.date) -> None:
        self.state = copy.deepcopy(previous)
        self.province = province
        self.today = today
        self.generation = previous.generation + 1  # the generation this run creates if anything changes
        self.released: list[QuarantineItem] = []

    def release(self, kind: str, value: str, owner: str, reason: str) -> None:
        if not value or self.state.is_quarantined(kind, value):
            return
        item = QuarantineItem(kind, value, owner, reason, self.generation, self.today.isoformat())
        self.state.quarantine.append(item)
        self.released.append(item)

    def held_in_quarantine(self, kinds: tuple[str, ...]) -> list[str]:
        """Values still inside the policy (edoc codes are closed for good: never reissued)."""
        policy = self.province.quarantine
        return [
            item.value
            for item in self.state.quarantine
            if item.kind in kinds
            and (item.kind == "edoc" or not policy.releases(item.generation, self.generation, self.today))
        ]

    def quarantined_networks(self) -> list[IPNetwork]:
        networks = []
        for value in self.held_in_quarantine(("address", "prefix", "line")):
            try:
                networks.append(IPNetwork(value))
            except Exception:  # a line id that is not an address: nothing to hold in a pool
                continue
        return networks


def allocate(
    mapping: Mapping,
    province: ProvinceConfig,
    previous: State,
    today: dt.date | None = None,
    *,
    state_path: Path | None = None,
    state_lines: LineIndex | None = None,
) -> tuple[State, Allocations, Diagnostics]:
    """New state, the allocations to render, and diagnostics (collisions, pool exhaustion);
    writes nothing. `state_path`/`state_lines` name where the previous state holds what."""
    today = today or dt.date.today()
    diagnostics = Diagnostics()
    run = _Run(previous, province, today)
    successions = successions_by_old_code(mapping)
    dlabels = district_labels(mapping.old_districts())
    diagnostics.extend(
        check_operator_addresses(
            province, previous, run.generation, today, legacy_identities(mapping), state_path, state_lines
        )
    )
    if diagnostics:  # an operator address with two owners: allocate nothing around it
        return run.state, _empty(province, previous), diagnostics

    _release_vanished(run, mapping, dlabels)
    _assign_labels(run, mapping, successions, dlabels)
    _assign_prefixes(run, mapping, diagnostics)
    _assign_sites(run, mapping, diagnostics)
    _assign_legacy_endpoints(run, mapping, dlabels, diagnostics)
    _assign_edoc_codes(run, mapping)

    state = run.state
    if _changed(state, previous):
        state.generation = run.generation
        state.updated = today.isoformat()
    else:
        state.generation = previous.generation
        state.updated = previous.updated
    for first, second in overlaps(state_holders(state)) if not diagnostics else ():
        # The checks above should make this impossible; if it happens, render nothing.
        diagnostics.add(
            province.path, None,
            f"allocation would give {second.network} to {second.what} while {first.network} is {first.what}",
            hint="report this as a bug in mergectl, with province.yml and state/allocations.yml",
        )
    allocations = build_allocations(state, province, run.released, mapping, successions, dlabels, diagnostics)
    return state, allocations, diagnostics


def legacy_identities(mapping: Mapping) -> dict[str, str]:
    """How a `legacy_endpoints` key names its owner in the state (old units win, as below)."""
    identities: dict[str, str] = {}
    for district in mapping.old_districts():
        key = district_key(district)
        identities[key] = f"district:{key}"
        if district.code:
            identities[district.code] = f"district:{key}"
    identities.update({code: f"unit:{code}" for code in mapping.old_units})
    return identities


def _empty(province: ProvinceConfig, previous: State) -> Allocations:
    return Allocations(province=province.name, province_label=province.label, generation=previous.generation)


def _changed(state: State, previous: State) -> bool:
    # Dataclass equality: same as comparing State.content(), without building dicts.
    return (
        state.communes != previous.communes
        or state.old_units != previous.old_units
        or state.old_districts != previous.old_districts
        or state.quarantine != previous.quarantine
    )


# --------------------------------------------------------------------------- releases


def _release_endpoint(run: _Run, entry: EndpointState | SiteState, owner: str, reason: str) -> None:
    run.release("prefix", entry.link_prefix, owner, reason)
    run.release("address", entry.loopback, owner, reason)


def _release_vanished(run: _Run, mapping: Mapping, dlabels: dict[str, str]) -> None:
    state = run.state
    for code in sorted(set(state.communes) - set(mapping.new_units)):
        entry = state.communes.pop(code)
        owner = f"commune {code} ({entry.name})"
        reason = "commune no longer in mapping.yml"
        run.release("domain", entry.label, owner, reason)
        run.release("prefix", entry.lan_prefix, owner, reason)
        run.release("prefix", entry.vc_prefix, owner, reason)
        run.release("edoc", entry.edoc_code, owner, reason)
        for site_name, site in sorted(entry.sites.items()):
            _release_endpoint(run, site, f"{owner} site {site_name}", reason)
    for code in sorted(set(state.old_units) - set(mapping.old_units)):
        _release_endpoint(
            run, state.old_units.pop(code), f"old unit {code}", "old unit no longer in mapping.yml"
        )
    present = set(dlabels)
    for key in sorted(set(state.old_districts) - present):
        _release_endpoint(
            run, state.old_districts.pop(key), f"old district {key}", "no longer in mapping.yml"
        )


# --------------------------------------------------------------------------- labels


def _assign_labels(
    run: _Run,
    mapping: Mapping,
    successions: Successions,
    dlabels: dict[str, str],
) -> None:
    state = run.state
    pending: list[str] = []
    for code in sorted(mapping.new_units):
        unit = mapping.new_units[code]
        entry = state.communes.get(code)
        if entry is None:
            pending.append(code)
        elif normalize(entry.name) != normalize(unit.name):
            # Renamed: the domain follows the name; the old label is quarantined, not reused.
            run.release("domain", entry.label, f"commune {code} ({entry.name})", f"renamed to {unit.name}")
            entry.label = ""
            entry.label_note = None
            entry.name = unit.name
            pending.append(code)
    taken = {entry.label for entry in state.communes.values() if entry.label}
    taken |= set(run.held_in_quarantine(("domain",)))
    taken |= RESERVED_LABELS
    taken |= {server.name for server in run.province.servers}
    taken |= {hypervisor.name for hypervisor in run.province.hypervisors}
    held_labels = {entry.label for entry in state.communes.values() if entry.label}
    for code in pending:
        unit = mapping.new_units[code]
        reclaimed = _reclaim_label(run, unit, held_labels)
        if reclaimed is not None:
            label, note = reclaimed, None
        else:
            primary_old = first_primary_old(unit, mapping, successions)
            district_label = dlabels.get(district_key(primary_old.district), "") if primary_old else ""
            label, note = choose_label(unit.name, district_label, taken)
        taken.add(label)
        held_labels.add(label)
        entry = state.communes.get(code)
        if entry is None:
            entry = CommuneState(
                name=unit.name, label=label, lan_prefix="", vc_prefix="", edoc_code="", since=run.generation
            )
            state.communes[code] = entry
        entry.label = label
        entry.label_note = note


_COMMUNE_OWNER = re.compile(r"^commune \d+ \((?P<name>.*)\)$")


def _reclaim_label(run: _Run, unit: NewUnit, held: set[str]) -> str | None:
    """A commune of the same name may take back its own quarantined label.

    A corrected code in the mapping (22918 -> 22919) or a rename undone must not
    leave "muine" suffixed: the quarantine protects a label from OTHER owners.
    """
    base = bare_label(unit.name)
    if base in held:
        return None
    for item in run.state.quarantine:
        match = _COMMUNE_OWNER.match(item.owner) if item.kind == "domain" and item.value == base else None
        if match and normalize(match.group("name")) == normalize(unit.name):
            run.state.quarantine.remove(item)
            if item in run.released:
                run.released.remove(item)
            return base
    return None


# --------------------------------------------------------------------------- prefixes


def _take(
    pool_name: str,
    run: _Run,
    prefixlen: int,
    owners: list[str],
    held: list[str],
    extra_used: list[IPNetwork],
    diagnostics: Diagnostics,
) -> dict[str, IPNetwork]:
    """Take one /prefixlen per owner (in the given order) from a pool; all or nothing."""
    if not owners:
        return {}
    network = run.province.pools[pool_name]
    used = [parse_network(value) for value in held if value] + run.quarantined_networks() + extra_used
    pool = Pool(
        network, [prefix for prefix in used if prefix.first <= network.last and network.first <= prefix.last]
    )
    try:
        taken = pool.take_many(prefixlen, len(owners))
    except PoolExhausted as error:
        diagnostics.add(
            run.province.path,
            run.province.line("pools", pool_name),
            f"pools.{pool_name} {network} is exhausted: {len(owners)} more /{prefixlen} needed, "
            f"{error.available} free (held and quarantined space excluded)",
            key=f"pools.{pool_name}",
            hint="give the pool a shorter prefix or wait for the quarantine to end",
        )
        return {}
    return dict(zip(owners, taken, strict=True))


def _assign_prefixes(run: _Run, mapping: Mapping, diagnostics: Diagnostics) -> None:
    state = run.state
    province = run.province
    for field_name, pool_name, prefixlen in (
        ("lan_prefix", "commune_lans", province.lan_prefixlen),
        ("vc_prefix", "video_conference", province.vc_vlan.prefixlen),
    ):
        owners = []
        for code in sorted(mapping.new_units):
            entry = state.communes[code]
            current = getattr(entry, field_name)
            if current and IPNetwork(current).prefixlen != prefixlen:
                # The VLAN plan changed size: the old block is quarantined, a new one taken.
                run.release("prefix", current, f"commune {code} ({entry.name})", f"{field_name} resized")
                setattr(entry, field_name, "")
            if not getattr(entry, field_name):
                owners.append(code)
        held = [getattr(entry, field_name) for entry in state.communes.values()]
        for code, prefix in _take(pool_name, run, prefixlen, owners, held, [], diagnostics).items():
            setattr(state.communes[code], field_name, str(prefix))


def _operator_networks(province: ProvinceConfig) -> list[IPNetwork]:
    networks = []
    for specs in province.sites.values():
        for spec in specs:
            if spec.link_prefix is not None:
                networks.append(spec.link_prefix)
            if spec.loopback is not None:
                networks.append(IPNetwork(f"{spec.loopback}/32"))
    for legacy in province.legacy_endpoints.values():
        if legacy.link_prefix is not None:
            networks.append(legacy.link_prefix)
        if legacy.loopback is not None:
            networks.append(IPNetwork(f"{legacy.loopback}/32"))
    return networks


_Held = TypeVar("_Held", EndpointState, SiteState)


def _assign_endpoints(
    run: _Run,
    entries: dict[str, _Held],
    wanted: dict[str, tuple[IPNetwork | None, IPAddress | None]],
    make: Callable[[str, str, bool], _Held],
    pools: tuple[str, str],
    all_held: Sequence[EndpointState | SiteState],
    diagnostics: Diagnostics,
) -> None:
    """Shared by HQ sites and legacy endpoints: operator data wins, else keep, else take."""
    operator: list[IPNetwork] = _operator_networks(run.province)
    owners = []
    for owner, (link, loopback) in wanted.items():
        entry = entries.get(owner)
        if link is not None and loopback is not None:
            if entry is not None and not entry.operator_assigned:
                # Quarantine what the owner gives up, not an address the operator now assigns it.
                if entry.link_prefix != str(link):
                    run.release("prefix", entry.link_prefix, owner, "replaced by operator-assigned addresses")
                if entry.loopback != str(loopback):
                    run.release("address", entry.loopback, owner, "replaced by operator-assigned addresses")
            if entry is None or (entry.link_prefix, entry.loopback) != (str(link), str(loopback)):
                entries[owner] = make(str(link), str(loopback), True)
            continue
        if entry is not None and entry.operator_assigned:
            # The operator's addresses are no longer given: they go back to the operator, after quarantine.
            _release_endpoint(run, entry, owner, "operator-assigned addresses withdrawn from province.yml")
            del entries[owner]
            entry = None
        if entry is None:
            owners.append(owner)
    link_pool, loopback_pool = pools
    extra = [*operator, IPNetwork(f"{run.province.core_loopback}/32")]
    links = _take(link_pool, run, 31, owners, [held.link_prefix for held in all_held], extra, diagnostics)
    loops = _take(loopback_pool, run, 32, owners, [held.loopback for held in all_held], extra, diagnostics)
    for owner in owners:
        if owner in links and owner in loops:
            entries[owner] = make(str(links[owner]), str(loops[owner].ip), False)


def _assign_sites(run: _Run, mapping: Mapping, diagnostics: Diagnostics) -> None:
    state = run.state
    flat: dict[str, SiteState] = {}
    wanted: dict[str, tuple[IPNetwork | None, IPAddress | None]] = {}
    province = run.province
    for code in sorted(mapping.new_units):
        entry = state.communes[code]
        names = {spec.name for spec in province.sites_of(code)}
        for site_name in sorted(set(entry.sites) - names):
            site = entry.sites.pop(site_name)
            _release_endpoint(run, site, f"commune {code} site {site_name}", "site removed from province.yml")
    # The default Party committee sites take their addresses after every other site: the
    # `hq` sites of a fresh workspace then get exactly what they got when `hq` was a
    # commune's only default site.
    for party_pass in (False, True):
        for code in sorted(mapping.new_units):
            entry = state.communes[code]
            for spec in province.sites_of(code):
                if province.default_party_site(code, spec) != party_pass:
                    continue
                key = f"{code}/{spec.name}"
                if spec.name in entry.sites:
                    flat[key] = entry.sites[spec.name]
                wanted[key] = (spec.link_prefix, spec.loopback)
    all_held = [site for entry in state.communes.values() for site in entry.sites.values()]
    generation = run.generation
    _assign_endpoints(
        run,
        flat,
        wanted,
        lambda link, loop, operator: SiteState(link, loop, operator, generation),
        ("dataline_links", "loopbacks"),
        all_held,
        diagnostics,
    )
    for key, site in flat.items():
        code, site_name = key.split("/", 1)
        state.communes[code].sites[site_name] = site


def _assign_legacy_endpoints(
    run: _Run, mapping: Mapping, dlabels: dict[str, str], diagnostics: Diagnostics
) -> None:
    state = run.state
    legacy = run.province.legacy_endpoints
    flat: dict[str, EndpointState] = {}
    wanted: dict[str, tuple[IPNetwork | None, IPAddress | None]] = {}
    # Old units first, by code, then districts by key: the plan reads in that order too.
    for code in sorted(mapping.old_units):
        given = legacy.get(code)
        wanted[f"unit:{code}"] = (given.link_prefix, given.loopback) if given else (None, None)
        if code in state.old_units:
            flat[f"unit:{code}"] = state.old_units[code]
    for district in mapping.old_districts():
        key = district_key(district)
        given = (legacy.get(district.code) if district.code else None) or legacy.get(key)
        wanted[f"district:{key}"] = (given.link_prefix, given.loopback) if given else (None, None)
        if key in state.old_districts:
            flat[f"district:{key}"] = state.old_districts[key]
    all_held = [*state.old_units.values(), *state.old_districts.values()]
    generation = run.generation
    _assign_endpoints(
        run,
        flat,
        wanted,
        lambda link, loop, operator: EndpointState(link, loop, operator, generation),
        ("legacy_links", "legacy_loopbacks"),
        all_held,
        diagnostics,
    )
    for key, endpoint in flat.items():
        kind, identity = key.split(":", 1)
        target = state.old_units if kind == "unit" else state.old_districts
        target[identity] = endpoint
    for code in set(state.old_units) - set(mapping.old_units):
        del state.old_units[code]


# --------------------------------------------------------------------------- e-doc codes


def _assign_edoc_codes(run: _Run, mapping: Mapping) -> None:
    edoc = run.province.edoc
    state = run.state
    taken = set(edoc.issued) | set(edoc.old_codes.values())
    taken |= {entry.edoc_code for entry in state.communes.values() if entry.edoc_code}
    taken |= set(run.held_in_quarantine(("edoc",)))
    seq = edoc.first_seq
    for code in sorted(mapping.new_units):
        entry = state.communes[code]
        if entry.edoc_code:
            continue
        while edoc.format(seq) in taken:
            seq += 1
        entry.edoc_code = edoc.format(seq)
        taken.add(entry.edoc_code)
