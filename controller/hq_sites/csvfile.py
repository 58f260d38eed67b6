"""The sheet of HQ addresses the districts fill in: the template mergectl writes, and reading it back.

Columns (any order; `*` required):

    commune_code*   the new commune's code (mã ĐVHC), as in mapping.yml
    site*           hq (People's Committee), party (Party committee), or a site of province.yml `sites:`
    postal_address* the HQ's postal address
    commune_name    the commune's name: when given it must be that code's, which catches a row
                    whose code was typed wrong
    hq              whose HQ the site is, in words (the template writes it for the person filling
                    the sheet); when given it must name that site's HQ
    contact_name, contact_phone, contact_email, note

A template row left as written (nothing filled in after `hq`) is skipped: one sheet goes to
every district and each fills its own communes' rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from controller.csvread import iter_table
from controller.errors import Diagnostics
from controller.hq_sites.register import CONTACT_FIELDS, HqSite, Register, address_of, problems
from controller.hq_sites.words import hq_words, names_hq
from controller.limits import HQ_SITES_CSV_MAX_BYTES
from controller.model import Mapping
from controller.names import normalize
from controller.province import ProvinceConfig

REQUIRED = ("commune_code", "site", "postal_address")
OPTIONAL = ("commune_name", "hq", "contact_name", "contact_phone", "contact_email", "note")
TEMPLATE_COLUMNS = ("commune_code", "commune_name", "site", "hq", *CONTACT_FIELDS)


@dataclass
class Sheet:
    """The filled rows of a sheet, and how many were left as the template wrote them."""

    sites: list[HqSite]
    unfilled: int = 0


def read_sheet(path: Path, mapping: Mapping, province: ProvinceConfig, diagnostics: Diagnostics,
               today: dt.date) -> Sheet:
    sheet = Sheet([])
    first_line: dict[tuple[str, str], int] = {}
    for record in iter_table(path, diagnostics, required=REQUIRED, optional=OPTIONAL,
                             max_bytes=HQ_SITES_CSV_MAX_BYTES, what="an HQ sites sheet"):
        given = {name: record.get(name) for name in CONTACT_FIELDS}
        if not any(given.values()):
            sheet.unfilled += 1
            continue
        commune, site = record.get("commune_code"), record.get("site")
        before = len(diagnostics)
        for column in REQUIRED:
            if not record.get(column):
                diagnostics.add(path, record.line, f"{column} is empty")
        if commune and site:
            _check_row(path, record.line, mapping, province, commune, site, record.values, diagnostics)
            first = first_line.setdefault((commune, site), record.line)
            if first != record.line:
                diagnostics.add(path, record.line,
                                f"site {site} of commune {commune} is also on line {first}",
                                hint="keep one row per commune and site")
        if len(diagnostics) == before:
            sheet.sites.append(HqSite(commune, site, **given, imported=today.isoformat(),
                                      source=f"{path.name}:{record.line}"))
    return sheet


def _check_row(path: Path, line: int, mapping: Mapping, province: ProvinceConfig, commune: str, site: str,
               row: dict[str, str], diagnostics: Diagnostics) -> None:
    found = problems(mapping, province, commune, site, row)
    for problem in found:
        diagnostics.add(path, line, problem.message, hint=problem.hint)
    if any(problem.field is None for problem in found):
        return  # no such commune or site: its name and HQ cannot be compared
    unit = mapping.new_units[commune]
    name = row.get("commune_name", "")
    if name and normalize(name).casefold() != normalize(unit.name).casefold():
        diagnostics.add(path, line,
                        f"commune_name {name!r} is not the name of commune {commune} ({unit.name})",
                        hint="check the commune_code of this row")
    hq = row.get("hq", "")
    spec = next(spec for spec in province.sites_of(commune) if spec.name == site)
    if hq and not names_hq(hq, spec.hq_of):
        diagnostics.add(path, line, f"hq {hq!r} does not name site {site}'s HQ ({hq_words(spec.hq_of)})",
                        hint="leave the hq column as the template wrote it, or empty")


def merge(register: Register, sites: list[HqSite]) -> tuple[Register, dict[str, int]]:
    """The register with the sheet's sites updating the same (commune, site); counts of
    new, updated and unchanged sites. An unchanged site keeps when and where it came first.

    A blank cell, or a column the sheet does not have, keeps what the register holds: a district
    that sends only the addresses must not erase the contacts another sheet gave."""
    merged = dict(register)
    counts = {"new": 0, "updated": 0, "unchanged": 0}
    for site in sites:
        held = merged.get(site.key)
        if held is not None:
            site = replace(site, **{name: getattr(held, name) for name in CONTACT_FIELDS
                                    if not getattr(site, name)})
        if held is not None and held.same_contacts(site):
            counts["unchanged"] += 1
            continue
        counts["new" if held is None else "updated"] += 1
        merged[site.key] = site
    return merged, counts


def template_rows(mapping: Mapping, province: ProvinceConfig, register: Register) -> list[dict[str, Any]]:
    """One row per commune and site, in code order, with what is known already."""
    rows = []
    for code in sorted(mapping.new_units):
        for spec in province.sites_of(code):
            known = register.get((code, spec.name)) or HqSite(code, spec.name)
            rows.append({
                "commune_code": code,
                "commune_name": mapping.new_units[code].name,
                "site": spec.name,
                "hq": hq_words(spec.hq_of),
                **{name: getattr(known, name) for name in CONTACT_FIELDS},
                "postal_address": address_of(province, register, code, spec),
            })
    return rows
