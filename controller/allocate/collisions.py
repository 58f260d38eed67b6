"""No address, label or code has two owners: checked on the state as loaded and on the
operator's addresses before anything is allocated or written.

Two gateways rendered with one /31 route each other's traffic into the wrong commune,
so every collision is an error naming both owners and where each is written:
- `check_state`: what `state/allocations.yml` holds (after a bad merge of two branches
  or a hand edit): overlapping prefixes and loopbacks, a label or an e-doc code held
  twice, a quarantined resource that a commune also uses;
- `check_operator_addresses`: every address `province.yml` assigns (`sites`,
  `legacy_endpoints`) against every address the allocator holds for another owner or
  keeps in quarantine, against the pools it may not lie in, and against each other.

An old unit's or district's line that a role terminated (`quarantine release`) stays in
the state while the unit is in the mapping: that is a record, not a second owner.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from netaddr import AddrFormatError, IPNetwork

from controller.allocate.allocations_state import QuarantineItem, State
from controller.errors import Diagnostics
from controller.province import ProvinceConfig, QuarantinePolicy
from controller.yamlio import KeyPath, LineIndex, key_path_text

# Pools an operator-assigned legacy line may not lie in: the allocator hands them out
# to communes (LANs, video conference) or to new sites. Its own pools (legacy_links,
# legacy_loopbacks) are the planning stand-ins the operator's data replaces.
LEGACY_FORBIDDEN_POOLS = ("commune_lans", "video_conference", "dataline_links", "loopbacks")
STATE_HINT = "restore state/allocations.yml from version control (a bad merge or a hand edit?)"


@dataclass(frozen=True)
class Holder:
    """One owner of one network, and where that is written."""

    network: IPNetwork
    identity: str  # the owner: "site:22918/hq", "commune:22918", "unit:22915", "district:<key>", "core"
    what: str  # "the data link of commune 22918 (Phường Mũi Né) site hq"
    path: Path | None = None
    line: int | None = None
    key: KeyPath = ()

    @property
    def where(self) -> str:
        if self.path is None:
            return ""
        return f" ({self.path}:{self.line})" if self.line else f" ({self.path})"


def _network(value: str, single: bool = False) -> IPNetwork | None:
    if not value:
        return None
    try:
        return IPNetwork(f"{value}/32" if single and "/" not in value else value)
    except (AddrFormatError, ValueError, TypeError):
        return None


def state_holders(state: State, path: Path | None = None, lines: LineIndex | None = None) -> list[Holder]:
    """Every network the state holds, with its owner and (when given) its line in the file."""
    lines = lines or LineIndex()
    holders: list[Holder] = []

    def add(value: str, identity: str, what: str, key: KeyPath, single: bool = False) -> None:
        network = _network(value, single)
        if network is not None:
            holders.append(Holder(network, identity, what, path, lines.line(key), key))

    for code, commune in state.communes.items():
        owner = f"commune {code} ({commune.name})"
        add(commune.lan_prefix, f"commune:{code}", f"the LAN of {owner}", ("communes", code, "lan_prefix"))
        add(commune.vc_prefix, f"commune:{code}", f"the video-conference block of {owner}",
            ("communes", code, "vc_prefix"))
        for name, site in commune.sites.items():
            key: KeyPath = ("communes", code, "sites", name)
            identity = f"site:{code}/{name}"
            add(site.link_prefix, identity, f"the data link of {owner} site {name}", (*key, "link_prefix"))
            add(site.loopback, identity, f"the loopback of {owner} site {name}", (*key, "loopback"), True)
    for section, label, prefix, entries in (
        ("old_units", "old unit", "unit", state.old_units),
        ("old_districts", "old district", "district", state.old_districts),
    ):
        for code, entry in entries.items():
            identity = f"{prefix}:{code}"
            add(entry.link_prefix, identity, f"the line of {label} {code}", (section, code, "link_prefix"))
            add(entry.loopback, identity, f"the loopback of {label} {code}", (section, code, "loopback"),
                True)
    return holders


def overlaps(holders: Iterable[Holder]) -> list[tuple[Holder, Holder]]:
    """Pairs of holders of different owners whose networks overlap (earlier one first)."""
    ordered = sorted(holders, key=lambda holder: (holder.network.first, -holder.network.last))
    found: list[tuple[Holder, Holder]] = []
    active: list[Holder] = []
    for holder in ordered:
        active = [other for other in active if other.network.last >= holder.network.first]
        found.extend((other, holder) for other in active if other.identity != holder.identity)
        active.append(holder)
    return found


def check_state(
    state: State,
    path: Path,
    lines: LineIndex,
    policy: QuarantinePolicy | None = None,
    today: dt.date | None = None,
) -> Diagnostics:
    """Problems of a loaded allocation state, each at its line; the quarantine needs the policy."""
    diagnostics = Diagnostics()
    for first, second in overlaps(state_holders(state, path, lines)):
        diagnostics.add(
            path, second.line,
            f"{second.network} is {second.what}, but {first.network} is {first.what} (line {first.line})",
            key=key_path_text(second.key), hint=STATE_HINT,
        )
    for field_name, what in (("label", "label"), ("edoc_code", "e-doc code")):
        seen: dict[str, str] = {}
        for code, commune in sorted(state.communes.items()):
            value = getattr(commune, field_name)
            if not value:
                continue
            if value in seen:
                other = seen[value]
                other_line = lines.line(("communes", other, field_name))
                diagnostics.add(
                    path, lines.line(("communes", code, field_name)),
                    f"{what} {value!r} of commune {code} ({commune.name}) is also the {what} of commune "
                    f"{other} ({state.communes[other].name}, line {other_line})",
                    key=key_path_text(("communes", code, field_name)), hint=STATE_HINT,
                )
            else:
                seen[value] = code
    if policy is not None:
        _check_quarantine_in_use(state, path, lines, policy, today or dt.date.today(), diagnostics)
    return diagnostics


def _check_quarantine_in_use(
    state: State, path: Path, lines: LineIndex, policy: QuarantinePolicy, today: dt.date,
    diagnostics: Diagnostics,
) -> None:
    """A resource still inside the quarantine that a commune uses: the quarantine failed."""
    in_use: dict[tuple[str, str], tuple[str, KeyPath]] = {}
    for code, commune in state.communes.items():
        owner = f"commune {code} ({commune.name})"
        base: KeyPath = ("communes", code)
        in_use[("domain", commune.label)] = (f"the label of {owner}", (*base, "label"))
        in_use[("edoc", commune.edoc_code)] = (f"the e-doc code of {owner}", (*base, "edoc_code"))
        for field_name, what in (("lan_prefix", "LAN"), ("vc_prefix", "video-conference block")):
            in_use[("prefix", getattr(commune, field_name))] = (f"the {what} of {owner}", (*base, field_name))
        for name, site in commune.sites.items():
            key: KeyPath = (*base, "sites", name)
            link = f"the data link of {owner} site {name}"
            in_use[("prefix", site.link_prefix)] = (link, (*key, "link_prefix"))
            for kind in ("address", "prefix"):
                value = site.loopback if kind == "address" else f"{site.loopback}/32"
                in_use[(kind, value)] = (f"the loopback of {owner} site {name}", (*key, "loopback"))
    for position, item in enumerate(state.quarantine):
        if item.kind != "edoc" and policy.releases(item.generation, state.generation, today):
            continue  # its quarantine is over: a commune may hold it again
        found = in_use.get((item.kind, item.value))
        if found is None:
            continue
        what, key = found
        diagnostics.add(
            path, lines.line(key),
            f"{item.value} is {what}, but it is in quarantine (line {lines.line(('quarantine', position))}: "
            f"released by {item.owner} in generation {item.generation}, {item.reason})",
            key=key_path_text(key), hint=STATE_HINT,
        )


def _held_quarantine(
    state: State, policy: QuarantinePolicy, generation: int, today: dt.date
) -> list[QuarantineItem]:
    return [
        item for item in state.quarantine
        if item.kind in ("address", "prefix", "line")
        and not policy.releases(item.generation, generation, today)
    ]


def _operator_holders(province: ProvinceConfig, legacy_ids: dict[str, str]) -> list[Holder]:
    holders = []
    for code, specs in sorted(province.sites.items()):
        for position, spec in enumerate(specs):
            identity = f"site:{code}/{spec.name}"
            owner = f"site {spec.name} of commune {code}"
            for field_name, value in (("link_prefix", spec.link_prefix), ("loopback", spec.loopback)):
                if value is None:
                    continue
                key: KeyPath = ("sites", code, position, field_name)
                holders.append(Holder(IPNetwork(str(value)), identity, f"the {field_name} of {owner}",
                                      province.path, province.line(*key), key))
    for code, legacy in sorted(province.legacy_endpoints.items()):
        identity = legacy_ids.get(code, f"legacy:{code}")
        for field_name, value in (("link_prefix", legacy.link_prefix), ("loopback", legacy.loopback)):
            if value is None:
                continue
            key = ("legacy_endpoints", code, field_name)
            holders.append(Holder(IPNetwork(str(value)), identity,
                                  f"the {field_name} of the existing line of {code}",
                                  province.path, province.line(*key), key))
    return holders


# How the allocator names the owner of what it releases (pipeline.py), back to an identity.
_OWNER_FORMS = (
    (
        re.compile(r"^(?:commune )?(?P<code>\d+)(?: \(.*\))?(?: site |/)(?P<name>[a-z][a-z0-9_-]*)$"),
        "site:{code}/{name}",
    ),
    (re.compile(r"^(?:unit:|old unit )(?P<code>.+)$"), "unit:{code}"),
    (re.compile(r"^(?:district:|old district )(?P<code>.+)$"), "district:{code}"),
)


def owner_identity(owner: str) -> str | None:
    """The identity behind a quarantine item's owner text (None for free text)."""
    for pattern, form in _OWNER_FORMS:
        match = pattern.match(owner)
        if match:
            return form.format(**match.groupdict())
    return None


def check_operator_addresses(
    province: ProvinceConfig,
    state: State,
    generation: int,
    today: dt.date,
    legacy_ids: dict[str, str],
    state_path: Path | None = None,
    state_lines: LineIndex | None = None,
) -> Diagnostics:
    """Every operator-assigned address against everything else that holds an address.

    `legacy_ids` maps a `legacy_endpoints` key (old unit code, district code or key) to the
    identity the state holds it under ("unit:22915", "district:Bình Thuận/Thành phố Phan Thiết")."""
    diagnostics = Diagnostics()
    operator = _operator_holders(province, legacy_ids)
    if not operator:
        return diagnostics
    held = state_holders(state, state_path, state_lines)
    own_values = {(other.identity, str(other.network)) for other in held}

    def report(holder: Holder, message: str, hint: str) -> None:
        diagnostics.add(holder.path or province.path, holder.line, message, key=key_path_text(holder.key),
                        hint=hint)

    items = _held_quarantine(state, province.quarantine, generation, today)
    quarantined = [
        Holder(network, owner_identity(item.owner) or f"quarantine:{position}", f"quarantine:{position}")
        for position, item in enumerate(items)
        if (network := _network(item.value, single=item.kind == "address")) is not None
    ]
    source = {id(holder): "operator" for holder in operator}
    source.update({id(holder): "held" for holder in held})
    source.update({id(holder): "quarantine" for holder in quarantined})
    # One sweep over everything (a province may assign thousands of addresses by hand).
    for first, second in overlaps([*operator, *held, *quarantined]):
        kinds = (source[id(first)], source[id(second)])
        if kinds == ("operator", "operator"):
            if not (first.identity.startswith("site:") and second.identity.startswith("site:")):
                # sites among sites: province.py says so already
                report(second, f"{second.network} ({second.what}) overlaps {first.network}, {first.what} "
                       f"(line {first.line})", "each line has its own addresses: correct one of them")
            continue
        if "operator" not in kinds:
            continue  # the state's own problems: check_state
        mine, other = (first, second) if kinds[0] == "operator" else (second, first)
        if source[id(other)] == "held":
            report(mine, f"{mine.network} ({mine.what}) collides with {other.network}, {other.what}"
                   f"{other.where}", "correct the address, or move that owner off it first")
        elif (mine.identity, str(other.network)) not in own_values:
            # a terminated line still recorded for its own unit is no collision
            item = items[int(other.what.split(":")[1])]
            report(mine, f"{mine.network} ({mine.what}) is in quarantine: {item.value} was released by "
                   f"{item.owner} in generation {item.generation} ({item.reason})",
                   "use another address, or wait until `mergectl quarantine list` shows it free")
    # 4. existing lines against the pools the allocator hands out and the Integration Centre
    forbidden = {
        f"pools.{name}": province.pools[name] for name in LEGACY_FORBIDDEN_POOLS if name in province.pools
    }
    forbidden["integration_centre.prefix"] = province.ic_prefix
    forbidden["integration_centre.vm_prefix"] = province.vm_prefix
    forbidden["data_network.core_loopback"] = IPNetwork(f"{province.core_loopback}/32")
    for holder in operator:
        if holder.identity.startswith("site:"):
            continue  # province.py checks the sites against the pools
        for name, network in forbidden.items():
            if network.prefixlen and _touch(holder.network, network):
                report(holder, f"{holder.network} ({holder.what}) lies inside {name} {network}, which the "
                       "allocator hands out to communes and servers", f"correct the address or move {name}")
    return diagnostics


def _touch(first: IPNetwork, second: IPNetwork) -> bool:
    return first.first <= second.last and second.first <= first.last
