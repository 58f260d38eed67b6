"""Who held what before the merger: the old units and old districts of mapping.yml, by the code a
survey row gives, and the new communes that succeed them.

An old district is named as province.yml's `legacy_endpoints` names it (its code, or
"<old province>/<district name>" for a mapping imported from CSV without district codes);
both forms resolve to one holder, stored under its code when it has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from controller.allocate.pipeline import legacy_identities
from controller.model import Mapping, NewUnit
from controller.names import district_key, fold, normalize, strip_type


@dataclass(frozen=True)
class Holder:
    code: str  # the stored form: an old unit's code, a district's code, or its "<province>/<name>"
    name: str
    district: str  # the old unit's district; "" for a district
    successors: tuple[str, ...]  # new unit codes; an old unit's primary successor first

    @property
    def is_district(self) -> bool:
        return not self.district

    @property
    def primary_successor(self) -> str | None:
        """The new unit that inherits the holder's data (None for a district: it has several)."""
        return None if self.is_district else self.successors[0]


class Holders:
    """Old units and districts of a mapping, resolved from any of the forms a row may give."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        successors: dict[str, list[str]] = {}  # old code -> new codes, the primary first
        for unit in mapping.new_units.values():
            for succession in unit.formed_from:
                found = successors.setdefault(succession.old_code, [])
                found.insert(0 if succession.primary else len(found), unit.code)
        units = {code: Holder(code, old.name, old.district.name, tuple(successors.get(code, ())))
                 for code, old in mapping.old_units.items()}
        by_district: dict[str, set[str]] = {}
        for code, old in mapping.old_units.items():
            by_district.setdefault(district_key(old.district), set()).update(successors.get(code, ()))
        districts = {
            district_key(district): Holder(district.code or district_key(district), district.name, "",
                                           tuple(sorted(by_district[district_key(district)])))
            for district in mapping.old_districts()
        }
        # The allocation's identities, so a row names a holder exactly as province.yml may.
        by_identity: dict[str, Holder] = {}
        for written, owner in legacy_identities(mapping).items():
            kind, _, identity = owner.partition(":")
            by_identity[written] = units[identity] if kind == "unit" else districts[identity]
        self._by_identity = by_identity

    def old(self, written: str) -> Holder | None:
        return self._by_identity.get(normalize(written))

    def all_old(self) -> list[Holder]:
        """Old units by district and code, then districts: the rows of a prefilled template."""
        unique = {holder.code: holder for holder in self._by_identity.values()}
        return sorted(unique.values(), key=lambda holder: (holder.is_district, holder.district, holder.code))

    def predecessors(self, new_code: str) -> list[Holder]:
        """The old units a new unit is formed from, in mapping.yml's order."""
        holders = []
        for succession in self.mapping.new_units[new_code].formed_from:
            holder = self.old(succession.old_code)
            if holder is not None:
                holders.append(holder)
        return holders

    def new(self, code: str) -> NewUnit:
        return self.mapping.new_units[code]


def same_name(written: str, name: str) -> bool:
    """Whether a name typed in a sheet is `name`: case, diacritics and the type word may differ
    ("Mui Ne", "phường Mũi Né")."""
    return fold(written) in (fold(name), fold(strip_type(name))) if written else True
