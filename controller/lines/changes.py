"""`mergectl lines set`: record how far lines have come.

Forward only, and an old line ends after its district is decommissioned: anything else is
refused (exit 4) unless --force says it really happened so (a correction, or an operator that
ended a line early); the history marks such a change `forced`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from controller.errors import Diagnostics, InvalidInput, Refused
from controller.lines import register as lines_register
from controller.lines.orders import LineOrders, build, resolve
from controller.lines.register import ENDED, NEW_LINE_STATUSES, Change, LineStatus, rank
from controller.workspace import Workspace

FORCE_HINT = "if it did happen so, repeat with --force to record it (the history keeps every change)"


@dataclass(frozen=True)
class Outcome:
    key: str
    before: str | None
    after: LineStatus
    changed: bool

    def __str__(self) -> str:
        when = f"{self.after.status} ({self.after.date})"
        if not self.changed:
            return f"{self.key}: {when}, unchanged"
        return f"{self.key}: {self.before} -> {when}" if self.before else f"{self.key}: {when}"


def set_status(workspace: Workspace, written: list[str], status: str, day: dt.date, note: str = "",
               force: bool = False, today: dt.date | None = None) -> list[Outcome]:
    """Record `status` on `day` for every line named; nothing is written unless every one may have it."""
    today = today or dt.date.today()
    orders = build(workspace, today)
    keys = _keys(orders, written, status, day, today)
    waiting = {line.key: line.district_host for line in orders.old_lines if not line.district_decommissioned}
    with workspace.lock():
        statuses = lines_register.load(workspace)  # read again under the lock: another run may have written
        refusals: list[str] = []
        outcomes: list[Outcome] = []
        for key in keys:
            held = statuses.get(key)
            if held is not None and (held.status, held.date, held.note) == (status, day.isoformat(), note):
                outcomes.append(Outcome(key, held.status, held, False))
                continue
            back = held is not None and rank(status) < rank(held.status)
            if back and held is not None and not force:
                refusals.append(f"{key} is {held.status} since {held.date}: {status} would step it back")
            elif key in waiting and not force:
                refusals.append(f"{key}: its district ({waiting[key]}) is not decommissioned (no revoke step "
                                "done in state/decommission.yml): its line may still be in use")
            if refusals:
                continue
            forced = back or key in waiting
            change = Change(status, day.isoformat(), lines_register.who(workspace), lines_register.now(),
                            note, forced=forced)
            after = LineStatus(key, status, day.isoformat(), note, [*(held.history if held else []), change])
            outcomes.append(Outcome(key, held.status if held else None, after, True))
        if refusals:
            raise Refused(refusals, FORCE_HINT)
        if any(outcome.changed for outcome in outcomes):
            for outcome in outcomes:
                statuses[outcome.key] = outcome.after
            lines_register.save(workspace, statuses)
    return outcomes


def _keys(orders: LineOrders, written: list[str], status: str, day: dt.date, today: dt.date) -> list[str]:
    problems = Diagnostics()
    if day > today:
        problems.add("--date", None, f"{day.isoformat()} is after today ({today.isoformat()}): a status "
                     "records what has happened")
    old_keys = {line.key for line in orders.old_lines}
    keys: list[str] = []
    for text in written:
        found = resolve(orders, text)
        if found.problem:
            problems.add(text, None, found.problem, hint=found.hint)
            continue
        if found.key in old_keys and status != ENDED:
            problems.add(text, None, f"{status} is a new line's status; an old line to end is {ENDED}")
        elif found.key not in old_keys and status == ENDED:
            problems.add(text, None, f"{ENDED} is an old line's status; a new line is "
                         + ", ".join(NEW_LINE_STATUSES))
        elif found.key not in keys:
            keys.append(found.key)
    if problems:
        raise InvalidInput(problems)
    return keys
