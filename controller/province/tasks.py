"""province.yml `tasks:`: the plan's tasks, dates and agencies (absent: plan 2495's list).

Unknown keys are reported by the schema (controller/province/schema.py); this reader checks
values and what holds across tasks: unique ids, a date or an `after` (not both), an `after`
that names a task of the list without a cycle, a known workstream.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

from controller.runs.workstreams import ROLE_WORKSTREAMS
from controller.tasks.model import After, PlanTask, Text
from controller.tasks.plan2495 import DEFAULT_TASKS
from controller.yamlio import KeyPath
from controller.yamlreader import YamlReader

TASK_ID = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
TASK_KEYS = ("id", "title", "agency", "workstream", "due", "adjusted_due", "after", "per_commune")
WORKSTREAMS = tuple(sorted(set(ROLE_WORKSTREAMS.values())))
MAX_DAYS = 366


def read_tasks(reader: YamlReader) -> tuple[PlanTask, ...]:
    if reader.has(("deadlines",)):
        reader.error(
            ("deadlines",),
            "`deadlines:` was replaced by `tasks:` (each task with its date, agency and workstream)",
            hint="delete the `deadlines:` block to follow plan 2495 (`mergectl tasks DIR` lists it), or "
            "write the province's own plan as `tasks:` (docs/province-yml.md, 'The plan's tasks')",
        )
    if not reader.has(("tasks",)):
        return DEFAULT_TASKS
    items = reader.sequence(("tasks",))  # reports a value that is no list
    if not items:
        if isinstance(reader.get(("tasks",)), list):
            reader.error(("tasks",), "the task list is empty", hint="delete `tasks:` to follow plan 2495")
        return ()
    tasks: list[PlanTask] = []
    positions: dict[str, int] = {}
    for position, item in enumerate(items):
        keypath: KeyPath = ("tasks", position)
        if not isinstance(item, dict):
            reader.error(keypath, "expected {id, title, agency, workstream, due or after}")
            continue
        task = _read_task(reader, keypath)
        if task is None:
            continue
        if task.id in positions:
            reader.error(
                (*keypath, "id"), f"task {task.id!r} is listed twice (also item {positions[task.id] + 1})"
            )
            continue
        positions[task.id] = position
        tasks.append(task)
    _check_references(reader, tasks, positions)
    return tuple(tasks)


def _text(reader: YamlReader, keypath: KeyPath) -> Text | None:
    value = reader.get(keypath)
    if value is None:
        reader.error(keypath, "missing", hint='a Vietnamese text, or {vi: "...", en: "..."}')
        return None
    if isinstance(value, dict):
        reader.unknown_keys(keypath, ("vi", "en"))
        vi, en = reader.text((*keypath, "vi")).strip(), reader.text((*keypath, "en")).strip()
        if not vi or not en:
            reader.error(keypath, "both vi and en are needed", hint="or give the Vietnamese text alone")
            return None
        return Text(vi, en)
    text = reader.text(keypath).strip()
    if not text:
        reader.error(keypath, "empty text")
        return None
    return Text(text, text)


def _read_task(reader: YamlReader, keypath: KeyPath) -> PlanTask | None:
    task_id = reader.text((*keypath, "id"))
    if not TASK_ID.match(task_id):
        reader.error(
            (*keypath, "id"),
            f"invalid task id {task_id!r}",
            hint="lower-case, digits, _, e.g. budget_allocated",
        )
        task_id = ""
    title = _text(reader, (*keypath, "title"))
    agency = _text(reader, (*keypath, "agency"))
    workstream = reader.get((*keypath, "workstream"))
    if workstream is not None and workstream not in WORKSTREAMS:
        close = difflib.get_close_matches(str(workstream), WORKSTREAMS, n=1)
        reader.error(
            (*keypath, "workstream"),
            f"unknown workstream {workstream!r}" + (f"; did you mean {close[0]!r}?" if close else ""),
            hint="one of " + ", ".join(WORKSTREAMS) + ", or null for a task recorded by hand",
        )
        workstream = None
    per_commune = reader.boolean((*keypath, "per_commune"), False)
    has_due, has_after = reader.has((*keypath, "due")), reader.has((*keypath, "after"))
    due = after = adjusted = None
    if has_due and has_after:
        reader.error(
            keypath, "both `due` and `after` are given", hint="a task has a date or a rule, not both"
        )
    elif not has_due and not has_after:
        reader.error(keypath, "no date: give `due: YYYY-MM-DD` or `after: {task: ID, days: N}`")
    elif has_due:
        due = reader.date((*keypath, "due"))
    else:
        after = _read_after(reader, (*keypath, "after"))
    if reader.has((*keypath, "adjusted_due")):
        adjusted = reader.date((*keypath, "adjusted_due"))
        if has_after:
            reader.error((*keypath, "adjusted_due"), "a relative deadline has no adjusted date")
        elif adjusted is not None and due is not None and adjusted <= due:
            reader.error(
                (*keypath, "adjusted_due"),
                f"adjusted_due {adjusted} is not after due {due}",
                hint="the adjusted date is a later date the plan allows",
            )
    if not task_id or title is None or agency is None or (due is None and after is None):
        return None
    return PlanTask(task_id, title, agency, workstream, due, after, per_commune, adjusted)


def _read_after(reader: YamlReader, keypath: KeyPath) -> After | None:
    node: Any = reader.get(keypath)
    if not isinstance(node, dict):
        reader.error(keypath, "expected {task: ID, days: N}")
        return None
    anchor = reader.text((*keypath, "task"))
    days = reader.integer((*keypath, "days"), 0, MAX_DAYS)
    if not anchor:
        reader.error((*keypath, "task"), "missing: the task whose recorded completion starts the count")
        return None
    return After(anchor, days) if days is not None else None


def _check_references(reader: YamlReader, tasks: list[PlanTask], positions: dict[str, int]) -> None:
    by_id = {task.id: task for task in tasks}
    for task in tasks:
        if task.after is None:
            continue
        keypath: KeyPath = ("tasks", positions[task.id], "after", "task")
        anchor = by_id.get(task.after.anchor)
        if anchor is None:
            close = difflib.get_close_matches(task.after.anchor, list(by_id), n=1)
            reader.error(
                keypath,
                f"unknown task {task.after.anchor!r}" + (f"; did you mean {close[0]!r}?" if close else ""),
                hint="`after` names the id of another task of this list",
            )
        elif anchor.per_commune and not task.per_commune:
            reader.error(
                ("tasks", positions[task.id]),
                f"{task.id!r} follows the per-commune task {anchor.id!r} but is not per commune",
                hint="add `per_commune: true` (each commune gets its own date)",
            )
        cycle = _cycle(task, by_id)
        if cycle and cycle[0] == task.id:
            reader.error(
                keypath,
                "the `after` rules go round in a circle: " + " -> ".join([*cycle, cycle[0]]),
                hint="one task of the circle needs a `due` date",
            )


def _cycle(task: PlanTask, by_id: dict[str, PlanTask]) -> list[str]:
    """The ids of the circle `task` starts, following `after`; [] when the chain ends in a date.
    Only the circle's first member by id reports it, so one circle is one error."""
    chain: list[str] = []
    current: PlanTask | None = task
    while current is not None and current.after is not None:
        if current.id in chain:
            circle = chain[chain.index(current.id) :]
            return circle if min(circle) == task.id else []
        chain.append(current.id)
        current = by_id.get(current.after.anchor)
    return []


def deadlines_of(tasks: tuple[PlanTask, ...]) -> dict[str, dt.date]:
    """task id -> its date, for the tasks with one (a relative task's date depends on events)."""
    return {task.id: task.due for task in tasks if task.due is not None}
