"""`mergectl tasks DIR [done|undo ID]`: the plan's tasks with their dates and states; recording
a task done (docs/tasks.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from controller.errors import Diagnostics, InvalidInput, UserError
from controller.values import option_date
from controller.workspace import Workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tasks",
        help="the plan's tasks with due dates, agencies and states; record a task done",
        description="The plan's tasks (province.yml `tasks:`, plan 2495 by default) with their due dates, "
        "responsible agencies, counts from the run store and the last check, and states. `done` records "
        "a task done (a task no playbook carries out, or a date a relative deadline counts from); "
        "`undo` removes a wrong record. Records go to DIR/state/runs.sqlite (docs/tasks.md).",
        epilog="examples:\n  mergectl tasks inventories/lamdong\n"
        "  mergectl tasks inventories/lamdong done budget_allocated --date 2025-06-13\n"
        "  mergectl tasks inventories/lamdong done it_officers_listed --commune 22918\n"
        "  mergectl tasks inventories/lamdong undo it_officers_listed --commune 22918",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="the province's workspace")
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help="judge the dates as of this day (default: today)"
    )
    parser.add_argument("--json", action="store_true", help="the task rows as JSON (the report's `tasks`)")
    parser.add_argument(
        "--lang", choices=("vi", "en"), default="vi", help="the agencies' language (default: vi)"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    done = actions.add_parser("done", help="record a task done")
    undo = actions.add_parser("undo", help="remove a task's record")
    for action in (done, undo):
        action.add_argument("task", metavar="ID", help="task id (mergectl tasks DIR lists them)")
        action.add_argument(
            "--commune",
            action="append",
            metavar="CODE",
            help="new commune code (repeatable); a per-commune "
            "task without it: every commune (done: those not recorded yet)",
        )
    done.add_argument("--date", metavar="YYYY-MM-DD", help="the day it was done (default: today)")
    done.add_argument("--replace", action="store_true", help="replace the date of a task recorded already")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    ws = Workspace(args.workspace)
    ws.require()
    today = option_date(args.today, "--today") or dt.date.today()
    if args.action is not None:
        return _record(args, ws, today)
    from controller.mapping_io import read_mapping
    from controller.report.data import read_recorded
    from controller.report.jsondata import task_data
    from controller.report.tasks import task_rows

    # Only what the tasks are counted from: not the whole report (exports, survey, line orders).
    mapping, diagnostics = read_mapping(ws.mapping_path)
    if mapping is None:
        raise InvalidInput(diagnostics)
    sources = {"mapping.yml": "present"}
    recorded = read_recorded(ws, mapping, sources)
    rows = task_rows(recorded.tasks, recorded.progress, today)
    if not rows:
        raise UserError(
            f"{ws.province_path}: no usable task list ({sources['province.yml']}); "
            f"run `mergectl validate {ws.dir}`"
        )
    if args.json:
        print(json.dumps([task_data(row) for row in rows], ensure_ascii=False, indent=2))
        return 0
    from controller.tasks.table import task_table

    print(task_table(rows, args.lang))
    return 0


def _record(args: argparse.Namespace, ws: Workspace, today: dt.date) -> int:
    from controller.report.data import plan_tasks
    from controller.runs.store import open_store
    from controller.tasks import events

    mapping = ws.load_mapping()
    sources: dict[str, str] = {}
    tasks, _ = plan_tasks(ws.province_path, sources)
    if not tasks:
        raise UserError(
            f"{ws.province_path}: no usable task list ({sources['province.yml']}); "
            f"run `mergectl validate {ws.dir}`"
        )
    by_id = {task.id: task for task in tasks}
    task = by_id.get(args.task)
    if task is None:
        import difflib

        close = difflib.get_close_matches(args.task, list(by_id), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f" (one of {', '.join(by_id)})"
        raise UserError(f"unknown task {args.task!r}{hint}")
    problems = Diagnostics()
    for code in args.commune or []:
        if code not in mapping.new_units:
            problems.add("--commune", None, f"no new commune {code!r} in {ws.mapping_path}")
    if args.commune and not task.per_commune:
        problems.add("--commune", None, f"task {task.id} is done once for the province, not per commune")
    day = option_date(getattr(args, "date", None), "--date") or today
    if day > today:
        problems.add("--date", None, f"{day} is after today ({today}): record a task once it is done")
    if problems:
        raise InvalidInput(problems)
    communes: list[str | None] = list(
        args.commune or (sorted(mapping.new_units) if task.per_commune else [None])
    )
    with ws.lock():
        store = open_store(ws.dir)
        try:
            if args.action == "undo":
                removed = sum(events.remove(store, task.id, code) for code in communes)
                print(f"removed {removed} record(s) of {task.id}")
                return 0
            recorded = [
                code
                for code in communes
                if events.record(store, task.id, code, day, events.BY_HAND, replace=args.replace)
            ]
            kept = [code for code in communes if code not in recorded]
        finally:
            store.close()
    where = f" for {len(recorded)} commune(s)" if task.per_commune else ""
    print(f"recorded {task.id} done on {day}{where}")
    if kept and not args.commune and task.per_commune:
        print(f"{len(kept)} commune(s) were recorded already (kept; --replace to change their date)")
    elif kept:
        shown = ", ".join(code or "the province" for code in kept)
        raise UserError(
            f"{task.id} is recorded already for {shown}: --replace to change its date, "
            f"or `mergectl tasks {ws.dir} undo {task.id}`"
        )
    return 0
