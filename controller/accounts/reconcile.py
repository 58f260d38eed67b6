"""A staff list applied to the accounts state: issue, keep, re-enable, disable. Never delete.

A list is the complete staff of every unit it mentions: people of those units who are
not on it are disabled (their username stays theirs). Units the list does not mention
are left alone. New people are handled in an order that does not depend on the file
(sorted by unit, base username, name, position, staff_id), so the same people get the
same usernames whatever the order of the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from controller.accounts.accounts_state import (
    ACTIVE,
    DISABLED,
    OLD_DISTRICT,
    Account,
    AccountsState,
    digest,
)
from controller.accounts.staff import StaffRow
from controller.accounts.usernames import with_suffix
from controller.errors import Diagnostics


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


def apply_staff(
    state: AccountsState,
    rows: list[StaffRow],
    kind: str,
    *,
    path: Path,
    diagnostics: Diagnostics,
    date: str,
    password: Callable[[], str],
) -> tuple[AccountsState, Summary]:
    """The new state (the input is not modified) and what changed; problems go to `diagnostics`."""
    accounts = [replace(account) for account in state.accounts]
    people = {key: dict(value) for key, value in state.people.items()}
    by_key = {account.key: account for account in accounts}
    summary = Summary(units=len({row.unit for row in rows}))
    listed: set[str] = set()
    retired = kind == OLD_DISTRICT

    def record(row: StaffRow, key: str) -> None:
        person = people.setdefault(key, {})
        person.update(
            {
                "full_name": row.full_name,
                "position": row.position,
                "given_name": row.given_name,
                "personal_email": row.personal_email,
                "phone": row.phone,
            }
        )
        person.setdefault("initial_password", password())

    new_rows: list[tuple[StaffRow, str]] = []
    for row in rows:
        key = digest(f"{kind}|{row.identity}")
        listed.add(key)
        account = by_key.get(key)
        if account is None:
            new_rows.append((row, key))
            continue
        if row.username and row.username != account.uid:
            diagnostics.add(
                path,
                row.line,
                f"username {row.username!r} requested, but {account.uid!r} was "
                f"issued to this person on {account.issued} and never changes",
            )
            continue
        account.role = row.role
        account.successor = row.successor_code or None if retired else None
        if not retired and account.status == DISABLED:
            account.status, account.disabled = ACTIVE, None
            summary.reenabled += 1
        else:
            summary.kept += 1
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
            taken_by_unit.setdefault(account.unit, set()).add(account.uid)
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
            person=digest(row.person),
            issued=date,
            disabled=date if retired else None,
            successor=(row.successor_code or None) if retired else None,
        )
        accounts.append(account)
        by_key[key] = account
        taken.add(uid)
        summary.issued += 1
        record(row, key)

    units = {row.unit for row in rows}
    for account in accounts:
        leaving = account.kind == kind and account.unit in units and account.key not in listed
        if leaving and account.status == ACTIVE:
            account.status, account.disabled = DISABLED, date
            summary.disabled += 1
    return AccountsState(accounts=accounts, people=people, services=dict(state.services)), summary
