"""What was retired: the old district hosts' decommissioning steps (state/decommission.yml, the
mirror of the archive host's journals), what was archived and what is held in quarantine.

archived: the host's backup was verified against its source; portals_archived: old district
hosts locked down read-only (their portals and data kept for look-up); accounts_revoked: the
directory accounts the revoke steps found under the districts' branches (all disabled when the
step is done); quarantine_until: the province's quarantine date (province.yml quarantine.until)
for a host whose line and addresses were released, None when the policy has no date.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from controller.report.model import Retired, RetiredHost
from controller.report.workstreams import DECOMMISSION_STEPS


def _status(entry: Any) -> str | None:
    return entry.get("status") if isinstance(entry, dict) else None


def _mapping(node: Any, key: str) -> dict[str, Any]:
    """node[key] when both are mappings, else {} (a journal edited by hand)."""
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, dict) else {}


def retired(journal: dict[str, Any] | None, quarantine_until: dt.date | None) -> Retired:
    if journal is None:
        return Retired([], None, None)
    hosts = journal.get("hosts")
    rows, locked, accounts = [], 0, 0
    for host, entry in sorted(hosts.items()) if isinstance(hosts, dict) else ():
        steps = _mapping(entry, "steps")
        states = {
            step: str(_status(steps.get(step))) for step in DECOMMISSION_STEPS if _status(steps.get(step))
        }
        details = _mapping(steps.get("revoke"), "details")
        released = bool(details.get("quarantined")) and states.get("revoke") in ("done", "partial")
        directory = _mapping(details, "directory")
        if states.get("revoke") == "done":
            with contextlib.suppress(TypeError, ValueError):  # a journal edited by hand
                accounts += int(directory.get("accounts") or 0)
        locked += states.get("lockdown") == "done"
        rows.append(
            RetiredHost(
                host=str(host),
                steps=states,
                archived=states.get("verify") == "done",
                quarantine_until=quarantine_until if released else None,
            )
        )
    return Retired(rows, locked, accounts)
