"""The domain model of a province's merger, shared by every workstream.

Vocabulary (Vietnamese in brackets):
- old unit: a commune, ward or township of the 63-province map (xã/phường/thị trấn cũ);
- old district: the abolished middle level (huyện/thị xã/thành phố thuộc tỉnh);
- new unit: a commune, ward or special zone of the 34-province map (xã/phường/đặc khu mới);
- succession: one (old unit -> new unit) pair of the official mapping. An old unit
  split across several new units has several successions; exactly one is `primary`
  and that new unit inherits its data, domain and accounts.

Names are stored NFC-normalised with whitespace collapsed (see `controller.names`),
so that NFC and NFD spellings of the same unit are the same unit.
Codes are the official administrative-unit codes (mã ĐVHC), digit strings; old and
new codes are separate namespaces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Fate(StrEnum):
    """What becomes of an old unit."""

    KEPT = "kept"  # one old unit becomes one new unit on its own (renamed or not)
    MERGED = "merged"  # merged with others into one new unit
    SPLIT = "split"  # divided between several new units; the primary inherits


@dataclass(frozen=True)
class OldDistrict:
    """An abolished district (đơn vị hành chính cấp huyện)."""

    province: str
    name: str  # full name with type, e.g. "Thành phố Phan Thiết"
    code: str = ""  # official code when the source has it (the dataset does, the CSV does not)

    @property
    def key(self) -> tuple[str, str]:
        return (self.province, self.name)


@dataclass(frozen=True)
class OldUnit:
    """A commune-level unit of the old map."""

    code: str
    name: str  # full name with type, e.g. "Phường Mũi Né"
    district: OldDistrict


@dataclass(frozen=True)
class Succession:
    """The old unit `old_code` becomes (part of) its new unit; `primary` inherits its data."""

    old_code: str
    primary: bool


@dataclass
class NewUnit:
    """A commune-level unit of the new map."""

    code: str
    name: str  # full name with type, e.g. "Phường Mũi Né", "Xã Phú Quý", "Đặc khu Phú Quý"
    province: str
    formed_from: list[Succession] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class Mapping:
    """The reviewed source of truth of one province workspace (`mapping.yml`)."""

    province: str  # the new province, e.g. "Lâm Đồng"
    new_units: dict[str, NewUnit] = field(default_factory=dict)  # by new code
    old_units: dict[str, OldUnit] = field(default_factory=dict)  # by old code
    source: dict[str, str] = field(default_factory=dict)  # where it came from (dataset version, CSV path)

    def successions_of(self, old_code: str) -> list[tuple[NewUnit, Succession]]:
        return [
            (unit, succession)
            for unit in self.new_units.values()
            for succession in unit.formed_from
            if succession.old_code == old_code
        ]

    def fate_of(self, old_code: str) -> Fate:
        successors = self.successions_of(old_code)
        if len(successors) > 1:
            return Fate.SPLIT
        unit, _ = successors[0]
        return Fate.KEPT if len(unit.formed_from) == 1 else Fate.MERGED

    def old_districts(self) -> list[OldDistrict]:
        seen: dict[tuple[str, str], OldDistrict] = {}
        for unit in self.old_units.values():
            seen.setdefault(unit.district.key, unit.district)
        return sorted(seen.values(), key=lambda district: district.key)
