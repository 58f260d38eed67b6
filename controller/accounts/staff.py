"""The staff CSV: one row per person, every problem reported as `FILE:LINE`, nothing applied on error.

Columns (UTF-8, a BOM is accepted, comma-separated, header row required, any column order):

commune lists (default)
    commune_code   required  new commune code (mã ĐVHC) from mapping.yml
old district lists (`--old-district`)
    district       required  the old district's code, or its full name ("Thành phố Phan Thiết")
    successor_code optional  new commune (a successor of that district) that receives its mail
both
    full_name      required  as written on the staff list, any Unicode normal form
    position       required  job title; part of the identity when there is no staff_id
    staff_id       optional  stable identifier of the person (e.g. civil-servant number): the identity
    role           optional  `staff` (default) or `it_officer` (delegated directory administrator)
    given_name     optional  the word(s) of full_name that are the given name (non-Kinh order)
    username       optional  the username outright (a-z, 0-9, starts with a letter, not reserved)
    personal_email optional  kept in the vault only
    phone          optional  kept in the vault only
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from controller.accounts.name_order import NameNotReadable
from controller.accounts.usernames import base_username, fold_word, name_words, problem, reading
from controller.csvread import iter_table
from controller.errors import Diagnostics
from controller.limits import STAFF_CSV_MAX_BYTES
from controller.names import normalize
from controller.values import valid_email, valid_phone

COMMUNE_REQUIRED = ("commune_code", "full_name", "position")
DISTRICT_REQUIRED = ("district", "full_name", "position")
OPTIONAL = ("staff_id", "role", "given_name", "username", "personal_email", "phone")
DISTRICT_OPTIONAL = ("successor_code",)
ROLES = ("staff", "it_officer")


@dataclass(frozen=True)
class StaffRow:
    """One person of a staff list, names NFC-normalised."""

    line: int
    unit: str  # new commune code, or the old district's key "province|name"
    full_name: str
    position: str
    role: str = "staff"
    staff_id: str = ""
    given_name: str = ""
    username: str = ""
    personal_email: str = ""
    phone: str = ""
    successor_code: str = ""

    @property
    def person(self) -> str:
        """Who this is, independent of the unit: the staff_id, else the folded name."""
        if self.staff_id:
            return f"id:{self.staff_id}"
        return self.name_person

    @property
    def identity(self) -> str:
        """The account's identity: the person in this unit (plus the position when there is no staff_id,
        so that two namesakes of one commune are two people)."""
        if self.staff_id:
            return f"{self.unit}|{self.person}"
        return self.name_identity

    @property
    def name_person(self) -> str:
        return "name:" + " ".join(fold_word(word) for word in name_words(self.full_name))

    @property
    def name_identity(self) -> str:
        """The identity this person had before the list gave a staff_id: (unit, name, position)."""
        position = " ".join(fold_word(word) for word in name_words(self.position))
        return f"{self.unit}|{self.name_person}|{position}"

    @property
    def rule(self) -> str:
        """How the username is made: `username` (given outright) or the name reading's rule."""
        return "username" if self.username else reading(self.full_name, self.given_name or None).rule

    def base_username(self) -> str:
        return self.username or base_username(self.full_name, self.given_name or None)


def read_staff(
    path: Path,
    diagnostics: Diagnostics,
    *,
    district_mode: bool = False,
    commune_codes: set[str] | frozenset[str] = frozenset(),
    districts: dict[str, str] | None = None,
    district_successors: dict[str, set[str]] | None = None,
) -> list[StaffRow]:
    """Rows of a staff list. `commune_codes`: the new units of mapping.yml. `districts`: code or
    normalised name -> district key (ambiguous names map to ""). Problems go to `diagnostics`."""
    path = Path(path)
    required = DISTRICT_REQUIRED if district_mode else COMMUNE_REQUIRED
    optional = (*OPTIONAL, *(DISTRICT_OPTIONAL if district_mode else ()))
    rows: list[StaffRow] = []
    seen_identity: dict[str, int] = {}
    seen_username: dict[tuple[str, str], int] = {}
    seen_staff_id: dict[str, int] = {}
    for record in iter_table(path, diagnostics, required=required, optional=optional,
                             max_bytes=STAFF_CSV_MAX_BYTES, what="a staff list"):
        line = record.line
        row = _row(
            path,
            line,
            record.values,
            diagnostics,
            district_mode,
            commune_codes,
            districts or {},
            district_successors or {},
        )
        if row is None:
            continue
        first = seen_identity.setdefault(row.identity, line)
        if first != line:
            diagnostics.add(
                path,
                line,
                f"the same person as line {first} (same unit, name and position)",
                hint="remove the duplicate, or give both a staff_id if they are two people",
            )
            continue
        if row.staff_id:
            first = seen_staff_id.setdefault(row.staff_id, line)
            if first != line:
                diagnostics.add(path, line, f"staff_id {row.staff_id!r} already used on line {first}")
                continue
        if row.username:
            first = seen_username.setdefault((row.unit, row.username), line)
            if first != line:
                diagnostics.add(path, line, f"username {row.username!r} already requested on line {first}")
                continue
        rows.append(row)
    return rows


def _row(
    path: Path,
    line: int,
    record: dict[str, str],
    diagnostics: Diagnostics,
    district_mode: bool,
    commune_codes: set[str] | frozenset[str],
    districts: dict[str, str],
    district_successors: dict[str, set[str]],
) -> StaffRow | None:
    problems_before = len(diagnostics)
    if district_mode:
        written = record.get("district", "")
        unit = districts.get(written, districts.get(normalize(written).casefold())) if written else None
        if not written:
            diagnostics.add(path, line, "district is empty")
        elif unit is None:
            diagnostics.add(
                path,
                line,
                f"unknown old district {written!r}",
                hint="use the district's code or full name as in mapping.yml",
            )
        elif unit == "":
            diagnostics.add(path, line, f"district name {written!r} is ambiguous", hint="use its code")
        successor = record.get("successor_code", "")
        if unit and successor and successor not in district_successors.get(unit, set()):
            diagnostics.add(
                path, line, f"successor_code {successor!r} is not a new commune formed from {written!r}"
            )
    else:
        unit = record.get("commune_code", "")
        successor = ""
        if not unit:
            diagnostics.add(path, line, "commune_code is empty")
        elif unit not in commune_codes:
            diagnostics.add(
                path, line, f"unknown commune code {unit!r}", hint="use a new unit's code from mapping.yml"
            )
    full_name = record.get("full_name", "")
    if not full_name:
        diagnostics.add(path, line, "full_name is empty")
    elif not name_words(full_name):
        diagnostics.add(path, line, "full_name has no letters (it strips to nothing)")
    if not record.get("position", ""):
        diagnostics.add(path, line, "position is empty")
    role = record.get("role", "") or "staff"
    if role not in ROLES:
        diagnostics.add(path, line, f"unknown role {role!r}", hint="staff or it_officer")
    username = record.get("username", "")
    wrong = problem(username) if username else None
    if wrong:
        diagnostics.add(path, line, f"username {username!r} {wrong}", hint="choose another username")
    email = record.get("personal_email", "")
    if email and not valid_email(email):
        diagnostics.add(path, line, "personal_email is not an e-mail address")
    phone = record.get("phone", "")
    if phone and not valid_phone(phone):
        diagnostics.add(path, line, "phone is not a phone number")
    if len(diagnostics) != problems_before:
        return None
    row = StaffRow(
        line=line,
        unit=str(unit),
        full_name=full_name,
        position=record["position"],
        role=role,
        staff_id=record.get("staff_id", ""),
        given_name=record.get("given_name", ""),
        username=username,
        personal_email=email,
        phone=phone,
        successor_code=successor,
    )
    if username:
        return row
    try:
        derived = row.base_username()
    except NameNotReadable as error:
        diagnostics.add(
            path,
            line,
            f"cannot tell the given name in full_name: {error}",
            hint="fill given_name with the word(s) the person is called by (e.g. 'Y Ngông', 'H'Hen'), "
            "or give a username; see docs/mail-accounts.md, Names of the Central Highlands",
        )
        return None
    except ValueError as error:
        diagnostics.add(
            path, line, f"cannot derive a username: {error}", hint="fix given_name or give a username column"
        )
        return None
    wrong = problem(derived)
    if wrong:
        diagnostics.add(
            path, line, f"the username derived from the name, {derived!r}, {wrong}", hint="give a username"
        )
        return None
    return row
