"""The pseudonymous keys of `state/accounts.yml`, salted with the province's secret, and their migration.

The plain state names no one: an account is keyed by a digest of its identity (unit, folded
name and position, or staff_id) and carries a digest of the person. Unsalted (state version 1),
those digests fall to a dictionary attack: Vietnamese names come from a small vocabulary. From
version 2 they are HMAC-SHA256 under a per-province secret that lives only in the vault
(`state/accounts.vault.yml`, `person_key_secret`), so the plain file is no longer a lookup table.

Migration runs on the next `accounts import` and changes no username: an account whose identity
can be rebuilt (from its vault record, or from a row of the list being imported: staff_id
accounts need the id) is re-keyed; the others keep their version-1 key, flagged `legacy_key`,
until a list names them.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from controller.names import fold

if TYPE_CHECKING:
    from controller.accounts.accounts_state import Account, AccountsState
    from controller.accounts.staff import StaffRow

KEY_LENGTH = 20  # hex characters: 80 bits, beyond collision for any province's staff


def new_secret() -> str:
    return secrets.token_hex(32)


def keyed(secret: str, text: str) -> str:
    if not secret:
        raise ValueError("no person key secret: the vault was not loaded")  # a bug, never bad input
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()[:KEY_LENGTH]


def legacy(text: str) -> str:
    """The version-1 digest: unsalted SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:KEY_LENGTH]


# Version 1 built identities with NFC and single spaces only (invisible characters kept) and with
# `names.fold`, which drops letters it cannot decompose: the digests in old files were made so.
_WHITESPACE = re.compile(r"\s+")


def _v1_words(text: str) -> list[str]:
    normal = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()
    return [fold(word) for word in normal.split(" ") if fold(word)]


@dataclass(frozen=True)
class Rebuilt:
    """An account's identity and person as version 1 wrote them and as they are written now (the
    two differ only for names with invisible characters or letters version 1 dropped)."""

    v1_identity: str
    identity: str
    person: str
    staff_id: str = ""


def _candidates(unit: str, full_name: str, position: str, staff_id: str) -> Iterator[Rebuilt]:
    from controller.accounts.usernames import fold_word, name_words  # today's folding

    if staff_id:
        yield Rebuilt(f"{unit}|id:{staff_id}", f"{unit}|id:{staff_id}", f"id:{staff_id}", staff_id)
    if full_name:
        person = "name:" + " ".join(fold_word(word) for word in name_words(full_name))
        job = " ".join(fold_word(word) for word in name_words(position))
        v1 = f"{unit}|name:{' '.join(_v1_words(full_name))}|{' '.join(_v1_words(position))}"
        yield Rebuilt(v1, f"{unit}|{person}|{job}", person)


def _rebuild(account: Account, record: dict[str, str], ids: dict[str, str]) -> Rebuilt | None:
    staff_id = record.get("staff_id", "") or ids.get(account.person, "")
    for found in _candidates(account.unit, record.get("full_name", ""), record.get("position", ""), staff_id):
        if legacy(f"{account.kind}|{found.v1_identity}") == account.key:
            return found
    return None


def migrate(state: AccountsState, rows: list[StaffRow]) -> int:
    """Re-key, in place, every version-1 account whose identity can be rebuilt; how many were.
    `rows`: the list being imported (the only source of staff ids that no vault record holds)."""
    ids = {legacy(f"id:{row.staff_id}"): row.staff_id for row in rows if row.staff_id}
    taken = {account.key for account in state.accounts if not account.legacy_key}
    plans = []
    for account in state.accounts:
        if account.legacy_key:
            found = _rebuild(account, state.people.get(account.key, {}), ids)
            if found is not None:
                plans.append((account, found))
    # Unchanged identities first: a copy that only an invisible character made a second person
    # must not take the key of the person it duplicates.
    plans.sort(
        key=lambda plan: (plan[1].v1_identity != plan[1].identity, plan[0].kind, plan[0].unit, plan[0].uid)
    )
    for account, found in plans:
        key = keyed(state.secret, f"{account.kind}|{found.identity}")
        if key in taken:
            # Keyed by what version 1 saw: no list row matches it again, so the duplicate is
            # disabled by its unit's next list while the person keeps the first account.
            key = keyed(state.secret, f"{account.kind}|v1|{found.v1_identity}")
        record = state.people.pop(account.key, {})
        if found.staff_id:
            record["staff_id"] = found.staff_id
        state.people[key] = record
        account.key, account.person, account.legacy_key = key, keyed(state.secret, found.person), False
        taken.add(key)
    return len(plans)
