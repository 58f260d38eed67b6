"""Each task's due date from the plan and the recorded events.

A dated task is due on its date. A relative one (`after: {task, days}`) is due `days` after its
anchor task was recorded done: once for the province, or per commune when the anchor is done
commune by commune ("mail 5 days after the commune's IT officer is named"). Until the anchor
is recorded its date is unknown (None), not guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from controller.tasks.events import TaskEvent
from controller.tasks.model import PlanTask

# task id -> commune (None: the whole province) -> the day it was recorded done
DoneDays = dict[str, dict[str | None, dt.date]]


def done_days(events: Iterable[TaskEvent]) -> DoneDays:
    days: DoneDays = {}
    for event in events:
        days.setdefault(event.task, {})[event.commune] = event.day
    return days


@dataclass(frozen=True)
class Schedule:
    due: dt.date | None  # for the whole province (None: relative and its anchor not recorded)
    per_commune: dict[str, dt.date] = field(default_factory=dict)  # a commune's own date


def schedule(task: PlanTask, tasks: dict[str, PlanTask], done: DoneDays) -> Schedule:
    if task.after is None:
        return Schedule(task.due)
    anchor = tasks.get(task.after.anchor)
    recorded = done.get(task.after.anchor, {})
    delay = dt.timedelta(days=task.after.days)
    if anchor is not None and anchor.per_commune:
        return Schedule(None, {code: day + delay for code, day in recorded.items() if code is not None})
    day = recorded.get(None)
    return Schedule(day + delay if day is not None else None)
