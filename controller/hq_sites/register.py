"""`DIR/registers/hq-sites.yml`: the postal address and contact of each HQ site, as the districts sent them.

Written only by `mergectl sites import` (atomically, under the workspace lock, merged by
(commune, site)); read by the exports and checked like every input whenever it is read,
`mergectl validate` included: a hand edit that breaks it is a `FILE:LINE` error, and so is
a key the file does not know. A site's `postal_address` in province.yml comes first; the
register's fills in the others. Both given and different is an error naming both places:
nobody can tell which one the operator should get.

    version: 1
    sites:
      "22918":
        hq: {postal_address: "...", contact_name: "...", contact_phone: "...",
             contact_email: "...", note: "...", imported: "2025-06-06", source: "phanthiet.csv:3"}
"""

from __future__ import annotations

from collections.abc import Mapping as MappingOf
from dataclasses import asdict, dataclass
from pathlib import Path

from controller import values
from controller.errors import Diagnostics
from controller.model import Mapping
from controller.names import normalize
from controller.province import ProvinceConfig, SiteSpec
from controller.province.model import PARTY_SITE
from controller.workspace import Workspace
from controller.yamlio import KeyPath, atomic_write, dump_yaml, parse_yaml
from controller.yamlreader import YamlReader

FILE_NAME = "hq-sites.yml"
VERSION = 1
HEADER = (
    "Written by `mergectl sites import` from the HQ addresses and contacts the districts send\n"
    "(plan 2495 §1.2); every import merges by commune and site. Correct it by importing a sheet\n"
    "(`mergectl sites template` writes one with what is known) or by hand: checked on every read."
)
CONTACT_FIELDS = ("postal_address", "contact_name", "contact_phone", "contact_email", "note")
RECORD_FIELDS = (*CONTACT_FIELDS, "imported", "source")
# Real addresses and notes take under 200 characters; a longer cell is a paste gone wrong.
MAX_CHARACTERS = 300


@dataclass(frozen=True)
class HqSite:
    """What is known of one site: its address and the person to call there."""

    commune: str
    site: str
    postal_address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    note: str = ""
    imported: str = ""  # the day of the import that brought it (YYYY-MM-DD)
    source: str = ""  # the sheet and line it came from

    @property
    def key(self) -> tuple[str, str]:
        return (self.commune, self.site)

    @property
    def contact(self) -> str:
        """Name, phone and e-mail as one would write them on an order; "" when none is known."""
        return ", ".join(part for part in (self.contact_name, self.contact_phone, self.contact_email) if part)

    def same_contacts(self, other: HqSite) -> bool:
        return all(getattr(self, name) == getattr(other, name) for name in CONTACT_FIELDS)


Register = dict[tuple[str, str], HqSite]


@dataclass(frozen=True)
class Problem:
    """What is wrong with one site's record; `field` None: the record as a whole (its commune, site)."""

    field: str | None
    message: str
    hint: str | None = None


def register_path(workspace: Workspace) -> Path:
    return workspace.registers_dir / FILE_NAME


def address_of(province: ProvinceConfig, register: Register, code: str, spec: SiteSpec) -> str:
    """The site's postal address: province.yml's, else the register's, else ""."""
    if spec.postal_address:
        return spec.postal_address
    entry = register.get((code, spec.name))
    return entry.postal_address if entry else ""


def problems(mapping: Mapping, province: ProvinceConfig, commune: str, site: str,
             given: MappingOf[str, str]) -> list[Problem]:
    """Every rule of a site's record, wherever it is written (a row of a sheet, the register)."""
    unknown = _unknown_commune(mapping, commune)
    if unknown is not None:
        return [unknown]
    unit = mapping.new_units[commune]
    names = [spec.name for spec in province.sites_of(commune)]
    if site not in names:
        if site == PARTY_SITE and commune in province.shared_hq:
            where = f"{province.path}:{_shared_hq_line(province, commune)}"
            return [Problem(None, f"commune {commune} ({unit.name}) has one HQ for both committees "
                            f"({where} shared_hq): it has no site party",
                            "put the address on its hq row, or take the commune out of shared_hq")]
        return [Problem(None, f"commune {commune} ({unit.name}) has no site {site!r}",
                        f"its sites: {', '.join(names)}")]
    found = []
    for name in CONTACT_FIELDS:  # line breaks are gone already: readers normalise the white space
        value = given.get(name, "")
        if len(value) > MAX_CHARACTERS:
            found.append(Problem(name, f"{name} is {len(value)} characters long (at most {MAX_CHARACTERS})"))
    phone, email = given.get("contact_phone", ""), given.get("contact_email", "")
    if phone and not values.valid_phone(phone):
        found.append(Problem("contact_phone", f"contact_phone {phone!r} is not a phone number",
                             "digits with spaces, dots or dashes, e.g. 0252 3822 123 or +84 252 3822 123"))
    if email and not values.valid_email(email):
        found.append(Problem("contact_email", f"contact_email {email!r} is not an e-mail address"))
    conflict = _address_conflict(province, commune, site, given.get("postal_address", ""))
    if conflict is not None:
        found.append(conflict)
    return found


def _unknown_commune(mapping: Mapping, commune: str) -> Problem | None:
    if commune in mapping.new_units:
        return None
    return Problem(None, f"unknown commune code {commune!r}",
                   "a new commune's code (mã ĐVHC) as in mapping.yml")


def _shared_hq_line(province: ProvinceConfig, commune: str) -> int | None:
    listed = province.raw.get("shared_hq")
    for position, item in enumerate(listed if isinstance(listed, list) else []):
        if str(item) == commune:
            return province.line("shared_hq", position)
    return province.line("shared_hq")


def _address_conflict(province: ProvinceConfig, commune: str, site: str, address: str) -> Problem | None:
    for position, spec in enumerate(province.sites.get(commune) or []):
        if spec.name != site or not spec.postal_address or not address:
            continue
        if normalize(spec.postal_address).casefold() == normalize(address).casefold():
            return None
        line = province.line("sites", commune, position, "postal_address")
        return Problem("postal_address",
                       f"postal_address {address!r} differs from {spec.postal_address!r} in "
                       f"{province.path}:{line} [sites.{commune}[{position}].postal_address]",
                       "keep one of the two: correct this one, or remove the address from province.yml")
    return None


def load(workspace: Workspace, mapping: Mapping, province: ProvinceConfig) -> tuple[Register, Diagnostics]:
    """The register (empty when there is none yet), or its problems with their lines."""
    path = register_path(workspace)
    if not path.exists():
        return {}, Diagnostics()
    data, lines, diagnostics = parse_yaml(path, what="the HQ sites register")
    if diagnostics:
        return {}, diagnostics
    reader = YamlReader(path, data, lines, diagnostics)
    if not isinstance(data, dict):
        reader.error((), "expected a mapping with version and sites")
        return {}, diagnostics
    reader.unknown_keys((), ("version", "sites"))
    version = reader.get(("version",))
    if version != VERSION:
        reader.error(("version",), f"unknown version {version!r}", hint=f"version: {VERSION}")
        return {}, diagnostics
    register: Register = {}
    for code, sites in reader.mapping(("sites",)).items():
        commune_path: KeyPath = ("sites", str(code))
        if not isinstance(sites, dict):
            reader.error(commune_path, "expected the commune's sites: {hq: {...}, party: {...}}")
            continue
        unknown = _unknown_commune(mapping, str(code))
        if unknown is not None:
            reader.error(commune_path, unknown.message, unknown.hint)
            continue
        for site, entry in sites.items():
            entry_path: KeyPath = (*commune_path, str(site))
            if not isinstance(entry, dict):
                reader.error(entry_path, f"expected {{{', '.join(RECORD_FIELDS)}}}")
                continue
            reader.unknown_keys(entry_path, RECORD_FIELDS)
            given = {name: normalize(reader.text((*entry_path, name))) for name in RECORD_FIELDS}
            if given["imported"]:
                reader.typed((*entry_path, "imported"), values.calendar_date)
            found = problems(mapping, province, str(code), str(site), given)
            for problem in found:
                where = entry_path if problem.field is None else (*entry_path, problem.field)
                reader.error(where, problem.message, problem.hint)
            if not found:
                register[(str(code), str(site))] = HqSite(str(code), str(site), **given)
    return register, diagnostics


def save(workspace: Workspace, register: Register) -> Path:
    """Write the register atomically, communes and sites in order; the caller holds the lock."""
    sites: dict[str, dict[str, dict[str, str]]] = {}
    for commune, site in sorted(register):
        entry = asdict(register[(commune, site)])
        sites.setdefault(commune, {})[site] = {
            name: entry[name] for name in RECORD_FIELDS if entry[name]
        }
    path = register_path(workspace)
    atomic_write(path, dump_yaml({"version": VERSION, "sites": sites}, header=HEADER))
    return path
