"""A staff list applied to the accounts state: issue, keep, re-enable, disable. Never delete.

A list is the complete staff of every unit it mentions: people of those units who are
not on it are disabled (their username stays theirs). Units the list does not mention
are left alone. New people are handled in an order that does not depend on the file
(sorted by unit, base username, name, position, staff_id), so the same people get the
same usernames whatever the order of the rows.

A row with a staff_id that matches no account takes over the account of the same (unit, name,
position) that was issued without one: giving ids to people who had none keeps their accounts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from controller.accounts.accounts_state import (
    ACTIVE,
    COMMUNE,
    DISABLED,
    OLD_DISTRICT,
    Account,
    AccountsState,
)
from controller.accounts.staff import StaffRow
from controller.accounts.usernames import MAX_LENGTH, with_suffix
from controller.errors import Diagnostics

ISSUE = "issue"
KEEP = "keep"
REENABLE = "re-enable"
DISABLE = "disable"
UNCHANGED = "unchanged"  # disabled before and still not on the list: shown, nothing happens
# A list that would disable more than this share of a commune's enabled accounts, and at least
# MASS_DISABLE_MIN of them, is refused without --allow-disable: a one-row list for a commune of
# 26 is far more often a partial export than 25 people leaving at once.
MASS_DISABLE_SHARE = 0.30
MASS_DISABLE_MIN = 3


@dataclass
class Summary:
    issued: int = 0
    kept: int = 0
    reenabled: int = 0
    disabled: int = 0
    units: int = 0

    def __str__(self) -> str:
        return (
            f"{self.units} unit(s): {self.issued} username(s) issued, {self.kept} kept, "
            f"{self.reenabled} re-enabled, {self.disabled} disabled"
        )


@dataclass(frozen=True)
class Change:
    """One line of the table `import --dry-run` prints: what the list does to one account."""

    unit: str
    full_name: str
    username: str
    action: str
    rule: str = ""  # how the username was made (name_order rule, `username`), for issued ones
    note: str = ""
    line: int | None = None  # the list's line, None for people not on it


@dataclass
class Outcome:
    state: AccountsState
    summary: Summary
    changes: list[Change] = field(default_factory=list)
    # unit -> (accounts enabled before, accounts this list disables): the mass-disable guard's input
    disabling: dict[str, tuple[int, int]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # FILE:LINE: notes that do not stop the import


def apply_staff(
    state: AccountsState,
    rows: list[StaffRow],
    kind: str,
    *,
    path: Path,
    diagnostics: Diagnostics,
    date: str,
    password: Callable[[], str],
) -> Outcome:
    """The new state (the input is not modified) and what changed; problems go to `diagnostics`."""
    accounts = [replace(account) for account in state.accounts]
    people = {key: dict(value) for key, value in state.people.items()}
    work = AccountsState(accounts=accounts, people=people, services=dict(state.services), secret=state.secret)
    by_key = {account.key: account for account in accounts}
    outcome = Outcome(state=work, summary=Summary(units=len({row.unit for row in rows})))
    retired = kind == OLD_DISTRICT

    def record(row: StaffRow, key: str) -> None:
        person = people.setdefault(key, {})
        person.update(
            {
                "full_name": row.full_name,
                "position": row.position,
                "given_name": row.given_name,
                "staff_id": row.staff_id,
                "personal_email": row.personal_email,
                "phone": row.phone,
            }
        )
        person.setdefault("initial_password", password())

    keyed_rows = [(row, work.key(kind, row.identity)) for row in rows]
    listed = {key for _, key in keyed_rows if key in by_key}
    adopted = _adoptions(work, keyed_rows, kind, listed, path, diagnostics)
    pairs = _pairing(accounts) if adopted else {}
    new_rows: list[tuple[StaffRow, str]] = []
    for row, key in keyed_rows:
        if key not in by_key and row.line in adopted:
            key = _adopt(work, by_key, pairs, adopted[row.line], row, key)
        account = by_key.get(key)
        if account is None:
            new_rows.append((row, key))
            continue
        listed.add(key)
        if row.username and row.username != account.uid:
            diagnostics.add(
                path,
                row.line,
                f"username {row.username!r} requested, but {account.uid!r} was "
                f"issued to this person on {account.issued} and never changes on import",
                hint=f"if {account.uid!r} was never used: {rename_command(account, row.username)}; "
                "otherwise clear the username cell",
            )
            continue
        note = _derived_differs(row, account)
        if note:
            outcome.notes.append(f"{path}:{row.line}: note: {note}")
        account.role = row.role
        account.successor = row.successor_code or None if retired else None
        action = KEEP
        if not retired and account.status == DISABLED:
            account.status, account.disabled = ACTIVE, None
            outcome.summary.reenabled += 1
            action = REENABLE
        else:
            outcome.summary.kept += 1
        if row.line in adopted:
            note = "staff_id added, account kept" + (f"; {note}" if note else "")
        outcome.changes.append(Change(row.unit, row.full_name, account.uid, action, "", note, row.line))
        record(row, key)

    # Overrides claim their usernames before derived ones take suffixes.
    new_rows.sort(
        key=lambda item: (
            item[0].unit,
            not item[0].username,
            item[0].base_username(),
            item[0].person,
            item[0].identity,
        )
    )
    taken_by_unit: dict[str, set[str]] = {}
    for account in accounts:
        if account.kind == kind:
            taken_by_unit.setdefault(account.unit, set()).update(account.held())
    for row, key in new_rows:
        taken = taken_by_unit.setdefault(row.unit, set())
        if row.username:
            if row.username in taken:
                diagnostics.add(
                    path,
                    row.line,
                    f"username {row.username!r} was already issued in this unit and is never reissued",
                )
                continue
            uid = row.username
        else:
            uid = with_suffix(row.base_username(), taken)
        account = Account(
            key=key,
            kind=kind,
            unit=row.unit,
            uid=uid,
            role=row.role,
            status=DISABLED if retired else ACTIVE,
            person=work.person_key(row.person),
            issued=date,
            disabled=date if retired else None,
            successor=(row.successor_code or None) if retired else None,
        )
        accounts.append(account)
        by_key[key] = account
        listed.add(key)
        taken.add(uid)
        outcome.summary.issued += 1
        outcome.changes.append(Change(row.unit, row.full_name, uid, ISSUE, row.rule, "", row.line))
        record(row, key)

    units = {row.unit for row in rows}
    for account in accounts:
        if account.kind != kind or account.unit not in units or account.key in listed:
            continue
        name = people.get(account.key, {}).get("full_name", "")
        if account.status == ACTIVE:
            account.status, account.disabled = DISABLED, date
            outcome.summary.disabled += 1
            outcome.changes.append(Change(account.unit, name, account.uid, DISABLE))
        elif not retired:
            outcome.changes.append(Change(account.unit, name, account.uid, UNCHANGED, note="disabled before"))
    if kind == COMMUNE:
        outcome.disabling = _disabling(state, outcome.changes, units)
    outcome.changes.sort(key=lambda change: (change.unit, change.username))
    return outcome


def _adoptions(
    state: AccountsState,
    keyed_rows: list[tuple[StaffRow, str]],
    kind: str,
    listed: set[str],
    path: Path,
    diagnostics: Diagnostics,
) -> dict[int, str]:
    """line -> key of the account issued without a staff_id that the row's person holds: same unit,
    name and position, not named by another row of the list, no id recorded. Two rows that could
    both be its holder are a diagnostic: the list must say which one is."""
    by_key = state.by_key()
    claims: dict[str, list[StaffRow]] = {}
    for row, key in keyed_rows:
        if not row.staff_id or key in by_key:
            continue
        old_key = state.key(kind, row.name_identity)
        account = by_key.get(old_key)
        if account is None or old_key in listed or state.people.get(old_key, {}).get("staff_id"):
            continue
        claims.setdefault(old_key, []).append(row)
    adopted: dict[int, str] = {}
    for old_key, claimants in claims.items():
        if len(claimants) == 1:
            adopted[claimants[0].line] = old_key
            continue
        lines = ", ".join(str(row.line) for row in claimants)
        for row in claimants:
            diagnostics.add(
                path,
                row.line,
                f"lines {lines} have the same name and position as the account {by_key[old_key].uid!r}, "
                "issued before staff ids: which of them holds it is unknown",
                hint="import the holder's row with its staff_id first (without the namesake), "
                "then the full list",
            )
    return adopted


Pairing = dict[tuple[str, str | None, str], list[Account]]


def _pairing(accounts: list[Account]) -> Pairing:
    """(kind, commune, person) -> accounts: an old district's accounts under their successor, a
    commune's under the commune; the two sides of one person share (commune, person)."""
    index: Pairing = {}
    for account in accounts:
        commune = account.successor if account.kind == OLD_DISTRICT else account.unit
        index.setdefault((account.kind, commune, account.person), []).append(account)
    return index


def _adopt(
    state: AccountsState, by_key: dict[str, Account], pairs: Pairing, old_key: str, row: StaffRow, key: str
) -> str:
    """Move the account at `old_key` to the row's staff_id key; its person, and that of the one
    account on the other side (old district <-> successor commune) paired with it, follow."""
    account = by_key.pop(old_key)
    old_person, new_person = account.person, state.person_key(row.person)
    account.key, account.person = key, new_person
    by_key[key] = account
    state.people[key] = state.people.pop(old_key, {})
    commune = account.successor if account.kind == OLD_DISTRICT else account.unit
    other_kind = COMMUNE if account.kind == OLD_DISTRICT else OLD_DISTRICT
    paired = pairs.get((other_kind, commune, old_person), [])
    # Only a pair that is one account on each side: namesakes would make the match a guess.
    if len(paired) == 1 and len(pairs.get((account.kind, commune, old_person), [])) == 1:
        paired[0].person = new_person
    return key


def _derived_differs(row: StaffRow, account: Account) -> str:
    """A note when the rule (or the list's given_name) now gives another username than the one held:
    usernames never change on import, `accounts rename` corrects one that was never used."""
    if row.username:
        return ""
    base = row.base_username()
    if account.uid == base or _numbered_from(account.uid, base):
        return ""
    return (
        f"the list now gives {base!r} for {account.uid!r} (issued {account.issued}); a username never "
        f"changes on import: if it was never used, {rename_command(account, base)}"
    )


def _numbered_from(uid: str, base: str) -> bool:
    """Whether `uid` is `base` with a homonym's number (`with_suffix`)."""
    numbered = re.fullmatch(r"(.*?)(\d+)", uid)
    if numbered is None or int(numbered.group(2)) < 2:
        return False
    return base[: MAX_LENGTH - len(numbered.group(2))] == numbered.group(1)


def rename_command(account: Account, new: str) -> str:
    """The `accounts rename` command line that gives `account` the username `new`."""
    if account.kind == OLD_DISTRICT:
        where = f"--old-district --unit '{account.unit.split('|', 1)[-1]}'"
    else:
        where = f"--unit {account.unit}"
    return f"mergectl accounts rename DIR {where} --from {account.uid} --to {new}"


def mass_disables(disabling: dict[str, tuple[int, int]]) -> list[tuple[str, int, int]]:
    """(unit, enabled before, disabled) of every unit past the guard's threshold."""
    return [
        (unit, enabled, disabled)
        for unit, (enabled, disabled) in disabling.items()
        if disabled >= MASS_DISABLE_MIN and disabled > MASS_DISABLE_SHARE * enabled
    ]


def _disabling(before: AccountsState, changes: list[Change], units: set[str]) -> dict[str, tuple[int, int]]:
    enabled = {unit: 0 for unit in units}
    for account in before.accounts:
        if account.kind == COMMUNE and account.unit in units and account.status == ACTIVE:
            enabled[account.unit] += 1
    disabled = {unit: 0 for unit in units}
    for change in changes:
        if change.action == DISABLE:
            disabled[change.unit] += 1
    return {unit: (enabled[unit], disabled[unit]) for unit in sorted(units)}
