"""The plan's tasks against their dates: counts of communes (or old district hosts) from their
states, the date from the plan and the recorded events, and a state.

A task is done when it was recorded done (`mergectl tasks done`), or when every unit of its
workstream is verified; overdue past its last allowed date; at risk past its first date when
the plan allows a later one, with a failure, or when it is due before the next weekly report
and not every unit has it applied; unknown when neither a date nor the counts can tell.

The mail server being configured does not make a commune's mailboxes exist: the two mail
tasks of plan 2495 also need the accounts they are about (state/accounts.yml) before a commune
counts as applied for them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from controller.report.model import (
    APPLIED,
    AT_RISK,
    DONE,
    FAILED,
    ON_TRACK,
    OVERDUE,
    PLANNED,
    UNKNOWN,
    VERIFIED,
    TaskRow,
)
from controller.report.units import COMMUNE_WORKSTREAMS
from controller.tasks.model import PlanTask
from controller.tasks.schedule import DoneDays, schedule

AT_RISK_DAYS = 7  # due before the next weekly report
# Tasks done for a commune only once it has an active account of this role (plan 2495 ids).
ACCOUNT_ROLE_OF_TASK = {"mail_set_up": "it_officer", "staff_mail_accounts": "staff"}


@dataclass(frozen=True)
class Counts:
    planned: int | None = None
    applied: int | None = None
    verified: int | None = None
    failed: int | None = None


@dataclass(frozen=True)
class Progress:
    """What the task rows are counted from."""

    communes: dict[str, dict[str, str]]  # commune code -> workstream -> state
    districts: dict[str, str]  # old district host -> decommissioning state
    done: DoneDays
    # commune code -> roles with an active account; None: state/accounts.yml unreadable or absent
    account_roles: dict[str, set[str]] | None = None


def account_roles(accounts: dict[str, Any] | None) -> dict[str, set[str]] | None:
    """commune code -> the roles of its active accounts, from state/accounts.yml as read."""
    if accounts is None:
        return None
    roles: dict[str, set[str]] = {}
    for entry in accounts.get("accounts") or ():
        if isinstance(entry, dict) and entry.get("kind") == "commune" and entry.get("status") == "active":
            roles.setdefault(str(entry.get("unit")), set()).add(str(entry.get("role")))
    return roles


def unit_states(task: PlanTask, progress: Progress) -> dict[str, str] | None:
    """unit -> state for a task a workstream carries out (None: a task recorded by hand)."""
    if task.workstream == "decommissioning":
        return dict(progress.districts)
    if task.workstream in COMMUNE_WORKSTREAMS:
        states = {code: states[task.workstream] for code, states in progress.communes.items()}
        role = ACCOUNT_ROLE_OF_TASK.get(task.id)
        if role is None:
            return states
        roles = progress.account_roles or {}
        return {
            code: PLANNED if state in (APPLIED, VERIFIED) and role not in roles.get(code, set()) else state
            for code, state in states.items()
        }
    return None


def counts(task: PlanTask, progress: Progress) -> Counts:
    states = unit_states(task, progress)
    if states is None:
        if not task.per_commune:
            return Counts()
        recorded = set(progress.done.get(task.id, {})) & set(progress.communes)
        return Counts(len(progress.communes), len(recorded))
    if not states:  # no old district hosts known (no state/rendered.yml)
        return Counts()
    if all(state == UNKNOWN for state in states.values()):
        return Counts(len(states))
    values = list(states.values())
    return Counts(
        planned=len(values),
        applied=sum(1 for state in values if state in (APPLIED, VERIFIED)),
        verified=values.count(VERIFIED),
        failed=values.count(FAILED),
    )


def _done_on(task: PlanTask, progress: Progress) -> dt.date | None:
    recorded = progress.done.get(task.id, {})
    if not task.per_commune:
        return recorded.get(None)
    days = [recorded[code] for code in progress.communes if code in recorded]
    return max(days) if progress.communes and len(days) == len(progress.communes) else None


def task_row(task: PlanTask, tasks: dict[str, PlanTask], progress: Progress, today: dt.date) -> TaskRow:
    figures = counts(task, progress)
    done_on = _done_on(task, progress)
    planned = schedule(task, tasks, progress.done)
    due, late = planned.due, False
    if planned.per_commune:
        states = unit_states(task, progress)
        finished = (
            {code for code, state in states.items() if state in (APPLIED, VERIFIED)}
            if states is not None
            else set(progress.done.get(task.id, {}))
        )
        pending = {code: day for code, day in planned.per_commune.items() if code not in finished}
        due = min(pending.values()) if pending else max(planned.per_commune.values())
        late = any(day < today for day in pending.values())
    days_left = None
    if due is not None:
        current = due if today <= due or task.adjusted_due is None else task.adjusted_due
        days_left = (current - today).days
    state = _state(task, figures, done_on, due, days_left, late, today)
    return TaskRow(task, due, days_left, *_figures(figures), done_on, state)


def _figures(figures: Counts) -> tuple[int | None, int | None, int | None, int | None]:
    return figures.planned, figures.applied, figures.verified, figures.failed


def _state(
    task: PlanTask,
    figures: Counts,
    done_on: dt.date | None,
    due: dt.date | None,
    days_left: int | None,
    late: bool,
    today: dt.date,
) -> str:
    complete = bool(figures.planned) and (
        figures.verified == figures.planned
        or (task.workstream is None and figures.applied == figures.planned)
    )
    if done_on is not None or complete:
        return DONE
    if due is None or days_left is None:
        return UNKNOWN
    if late or days_left < 0:
        return OVERDUE
    if today > due:  # within the later date the plan allows
        return AT_RISK
    if figures.applied is None or figures.planned is None:
        return UNKNOWN
    if figures.failed or (days_left < AT_RISK_DAYS and figures.applied < figures.planned):
        return AT_RISK
    return ON_TRACK


def task_rows(tasks: tuple[PlanTask, ...], progress: Progress, today: dt.date) -> list[TaskRow]:
    by_id = {task.id: task for task in tasks}
    return [task_row(task, by_id, progress, today) for task in tasks]
