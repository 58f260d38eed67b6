"""Reader of `communes:`, what each new commune decided for itself: today its web portal.

Plan 114/KH-UBND (Đắk Lắk) leaves the portal to the new commune: keep one of its merged
communes' portals (`portal: {keep: <old unit code>}`) or build a new one (`portal: new`).
A commune that has not decided gets a new portal (docs/province-yml.md#the-communes-portal):
the choice is the commune's, and a new portal loses nothing, since every old portal is
archived and served on its old name anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from controller.model import Mapping
from controller.yamlio import KeyPath
from controller.yamlreader import YamlReader

NEW = "new"


@dataclass(frozen=True)
class PortalChoice:
    """A new commune's portal: the old unit whose portal it keeps, or None for a new one."""

    keep: str | None = None
    chosen: bool = False  # False: not in province.yml, the default (new) applies


DEFAULT_CHOICE = PortalChoice()


def read_portals(reader: YamlReader, mapping: Mapping) -> dict[str, PortalChoice]:
    """`communes.<code>.portal` for every commune that has one; the others take DEFAULT_CHOICE."""
    result: dict[str, PortalChoice] = {}
    kept_by: dict[str, str] = {}
    for code, entry in reader.mapping(("communes",)).items():
        code = str(code)
        base: KeyPath = ("communes", code)
        unit = mapping.new_units.get(code)
        if unit is None:
            reader.error(
                base,
                f"no new unit with code {code} in mapping.yml",
                hint='use a new commune code (mã ĐVHC), e.g. "22918"',
            )
            continue
        if not isinstance(entry, dict):
            reader.error(base, "expected a mapping, e.g. {portal: new}")
            continue
        if "portal" not in entry:
            continue
        choice = _read_choice(reader, (*base, "portal"), unit.name, code, mapping)
        if choice is None:
            continue
        if choice.keep is not None:
            if choice.keep in kept_by:
                reader.error(
                    (*base, "portal", "keep"),
                    f"the portal of old unit {choice.keep} is already kept by new commune "
                    f"{kept_by[choice.keep]}",
                    hint="an old portal's name can lead to one new portal only: choose another or `new`",
                )
                continue
            kept_by[choice.keep] = code
        result[code] = choice
    return result


def _read_choice(
    reader: YamlReader, keypath: KeyPath, name: str, code: str, mapping: Mapping
) -> PortalChoice | None:
    value = reader.get(keypath)
    old_codes = sorted(succession.old_code for succession in mapping.new_units[code].formed_from)
    valid = ", ".join(
        f"{old} ({mapping.old_units[old].name})" for old in old_codes if old in mapping.old_units
    )
    if value == NEW:
        return PortalChoice(keep=None, chosen=True)
    if not isinstance(value, dict) or "keep" not in value:
        reader.error(
            keypath,
            f"expected `new` or {{keep: <old unit code>}}, got {value!r}",
            hint=f"`portal: new`, or keep one of {name}'s old portals: {valid}",
        )
        return None
    reader.unknown_keys(keypath, ["keep"])
    kept = value["keep"]
    kept_text = str(kept) if isinstance(kept, str | int) and not isinstance(kept, bool) else ""
    if kept_text not in old_codes:
        reader.error(
            (*keypath, "keep"),
            f"{kept!r} is not one of the old units {name} ({code}) is formed from",
            hint=f"one of {valid}, or `portal: new`",
        )
        return None
    return PortalChoice(keep=kept_text, chosen=True)
