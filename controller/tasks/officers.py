"""The plan's "IT officers' list" task, per commune, from the staff lists: a commune's IT officer
is named the day the first staff list with an `it_officer` of that commune was imported (the
account's issue date). Its mail is due `after` that (plan 2495 §4.2: 5 days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from controller.accounts.accounts_state import COMMUNE, Account
from controller.runs.store import open_store
from controller.tasks import events

IT_OFFICERS_TASK = "it_officers_listed"


def officers_named(accounts: Iterable[Account]) -> dict[str, dt.date]:
    """commune code -> the day its first IT officer's account was issued."""
    named: dict[str, dt.date] = {}
    for account in accounts:
        if account.kind != COMMUNE or account.role != "it_officer":
            continue
        day = dt.date.fromisoformat(account.issued)
        named[account.unit] = min(day, named.get(account.unit, day))
    return named


def record_officers(workspace: Path, accounts: Iterable[Account]) -> list[str]:
    """Record the communes whose IT officer is named and not yet recorded; the codes recorded now.
    The caller holds the workspace lock."""
    store = open_store(workspace)
    try:
        return [
            code
            for code, day in sorted(officers_named(accounts).items())
            if events.record(store, IT_OFFICERS_TASK, code, day, events.STAFF_LIST)
        ]
    finally:
        store.close()
