"""Manual releases into quarantine (`mergectl quarantine release`) and the quarantine's status.

Roles that terminate a line, revoke an account or close a domain call the CLI,
which records the item here; the allocator never hands it out again before the
province's quarantine policy allows (e-doc codes: never).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from netaddr import AddrFormatError, IPAddress, IPNetwork

from controller.allocate.allocations_state import QUARANTINE_KINDS, QuarantineItem, State
from controller.names import MAX_LABEL_LENGTH
from controller.province import EDOC_OLD_FORMAT, QuarantinePolicy, valid_domain, valid_edoc_code


def check_value(kind: str, value: str) -> tuple[str | None, str]:
    """(problem or None, canonical value) of a value of a given kind."""
    value = value.strip()
    if kind not in QUARANTINE_KINDS:
        return f"unknown kind {kind!r} (one of {', '.join(QUARANTINE_KINDS)})", value
    if not value:
        return "empty value", value
    try:
        if kind == "address":
            return None, str(IPAddress(value.removesuffix("/32")))
        if kind == "prefix" or (kind == "line" and "/" in value):
            network = IPNetwork(value)
            if network.ip != network.network:
                return f"{value} has host bits set (use {network.cidr})", value
            return None, str(network)
    except (AddrFormatError, ValueError):
        return f"invalid {kind} {value!r}", value
    if kind == "domain":
        value = value.lower().rstrip(".")
        is_label = "." not in value and 0 < len(value) <= MAX_LABEL_LENGTH and value.isalnum()
        return (None if is_label or valid_domain(value) else f"invalid domain {value!r}"), value
    if kind == "edoc":
        value = value.upper()
        if EDOC_OLD_FORMAT.match(value):
            return None, value
        return valid_edoc_code(value), value
    return None, value


def release(
    state: State, kind: str, value: str, owner: str, reason: str, today: dt.date
) -> tuple[bool, QuarantineItem]:
    """(added, item): idempotent; an item already in quarantine is returned unchanged."""
    for item in state.quarantine:
        if item.kind == kind and item.value == value:
            return False, item
    # Counted from the next allocation generation, like the allocator's own releases; a manual
    # release does not bump the generation itself (that would age every other quarantined item).
    item = QuarantineItem(kind, value, owner, reason, state.generation + 1, today.isoformat())
    state.quarantine.append(item)
    return True, item


@dataclass(frozen=True)
class Status:
    item: QuarantineItem
    held: bool
    until: str  # human text of when it may be reused


def status(state: State, policy: QuarantinePolicy | None, today: dt.date) -> list[Status]:
    result = []
    for item in state.quarantine:
        if item.kind == "edoc":
            result.append(Status(item, True, "never (closed e-doc codes are not reissued)"))
            continue
        if policy is None:
            result.append(Status(item, True, "unknown (province.yml not readable)"))
            continue
        held = not policy.releases(item.generation, state.generation + 1, today)
        when = f"generation {item.generation + policy.generations}"
        if policy.until is not None:
            when += f" and after {policy.until.isoformat()}"
        result.append(Status(item, held, when))
    return result
