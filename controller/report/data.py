"""`build_report`: the report's data from what exists in the workspace; nothing is contacted.

mapping.yml (what is planned, the communes' coordinates), province.yml (the plan's tasks),
state/runs.sqlite (what every run applied, and the tasks recorded done), state/check.json (what
the last acceptance check verified), state/allocations.yml, state/rendered.yml,
state/accounts.yml, staff/*.csv, state/decommission.yml and reports/*. A missing file means
"unknown", never 0 %: the controller cannot know what was done on a host it has no record of.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from controller.errors import Diagnostics
from controller.limits import PROVINCE_YML_MAX_BYTES
from controller.mapping_io import read_mapping
from controller.model import Mapping
from controller.names import province_label
from controller.province.tasks import deadlines_of, read_tasks
from controller.report.checks import CheckView, read_check
from controller.report.communes import commune_rows, district_states
from controller.report.model import CommuneRow, Report
from controller.report.retired import retired
from controller.report.runs import RunsView, open_existing, read_runs
from controller.report.sources import read_state
from controller.report.tasks import Progress, account_roles, task_rows
from controller.report.units import host_index
from controller.report.workstreams import workstream_items
from controller.survey.progress import survey_gaps
from controller.tasks.events import TaskEvent, read_events
from controller.tasks.model import PlanTask
from controller.tasks.schedule import done_days
from controller.values import BadValue, calendar_date
from controller.workspace import Workspace
from controller.yamlio import parse_yaml
from controller.yamlreader import YamlReader

THURSDAY = 3  # date.weekday()


def next_thursday(today: dt.date) -> dt.date:
    """The next weekly report day; today when today is a Thursday."""
    return today + dt.timedelta(days=(THURSDAY - today.weekday()) % 7)


def plan_tasks(path: Path, sources: dict[str, str]) -> tuple[tuple[PlanTask, ...], dict[str, Any] | None]:
    """The tasks of province.yml (plan 2495's without `tasks:`) and the file's data; no tasks when
    the file is missing or its task list is wrong (`mergectl validate` says what is wrong)."""
    if not path.is_file():
        sources["province.yml"] = "absent"
        return (), None
    data, lines, diagnostics = parse_yaml(path, max_bytes=PROVINCE_YML_MAX_BYTES, what="province.yml")
    if diagnostics or not isinstance(data, dict):
        first = next(iter(diagnostics), None)
        sources["province.yml"] = f"unreadable ({first.message if first else 'not a mapping'})"
        return (), None
    problems = Diagnostics()
    tasks = read_tasks(YamlReader(path, data, lines, problems))
    first = next(iter(problems), None)
    sources["province.yml"] = f"present; tasks unusable ({first})" if first else "present"
    return (() if first else tasks), data


def _quarantine_until(province: dict[str, Any] | None) -> dt.date | None:
    policy = (province or {}).get("quarantine")
    value = policy.get("until") if isinstance(policy, dict) else None
    if not isinstance(value, dt.date | str):
        return None
    try:
        return calendar_date(value)  # validate reports a bad one; the report shows none
    except BadValue:
        return None


def _exports(ws: Workspace) -> list[str]:
    # Playbook runs keep thousands of ansible-runner artefacts under reports/runs/: the
    # report names each run's summary, not its event files.
    if not ws.reports_dir.is_dir():
        return []
    return sorted(
        str(path.relative_to(ws.dir))
        for path in ws.reports_dir.rglob("*")
        if path.is_file()
        and ("runs" not in path.relative_to(ws.reports_dir).parts[:1] or path.name == "summary.json")
    )


# The state files the tasks and communes are counted from; the report reads the others too.
PROGRESS_STATE_FILES = ("rendered", "accounts")
REPORT_STATE_FILES = ("allocations", "rendered", "accounts", "decommission")


@dataclass(frozen=True)
class Recorded:
    """What the workspace records of the work done: the plan's tasks, the state files read, the
    counted runs, the last check, and from them each commune's states and the tasks' progress."""

    tasks: tuple[PlanTask, ...]
    province: dict[str, Any] | None
    files: dict[str, dict[str, Any] | None]
    runs: RunsView | None
    check: CheckView | None
    communes: list[CommuneRow]
    progress: Progress


def read_recorded(
    ws: Workspace,
    mapping: Mapping,
    sources: dict[str, str],
    state_files: tuple[str, ...] = PROGRESS_STATE_FILES,
) -> Recorded:
    tasks, province = plan_tasks(ws.province_path, sources)
    files = {
        name: read_state(ws.state_dir / f"{name}.yml", sources, f"state/{name}.yml") for name in state_files
    }
    connection = open_existing(ws, sources)
    runs: RunsView | None = None
    events: list[TaskEvent] = []
    if connection is not None:
        try:
            runs = read_runs(connection, sources)
            events = read_events(connection)
            runs = runs if runs.counted else None
        finally:
            connection.close()
    check = read_check(ws, sources)
    index = host_index(files["rendered"], province)
    communes = commune_rows(mapping, index, runs, check)
    progress = Progress(
        communes={row.code: row.workstreams for row in communes},
        districts=district_states(index, runs, check),
        done=done_days(events),
        account_roles=account_roles(files["accounts"]),
    )
    return Recorded(tasks, province, files, runs, check, communes, progress)


def build_report(ws: Workspace, today: dt.date | None = None) -> tuple[Report | None, Diagnostics]:
    """The report of a workspace; (None, diagnostics) only when mapping.yml itself is unusable."""
    today = today or dt.date.today()
    mapping, diagnostics = read_mapping(ws.mapping_path)
    if mapping is None:
        return None, diagnostics
    sources: dict[str, str] = {"mapping.yml": "present"}
    recorded = read_recorded(ws, mapping, sources, REPORT_STATE_FILES)
    tasks, files, runs, check = recorded.tasks, recorded.files, recorded.runs, recorded.check
    survey = survey_gaps(ws)
    retired_units = retired(files["decommission"], _quarantine_until(recorded.province))
    journal = retired_units if files["decommission"] is not None else None
    report = Report(
        workspace=str(ws.dir),
        province=mapping.province,
        province_code=province_label(mapping.province),
        today=today,
        next_report=next_thursday(today),
        generated_at=dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        tasks=task_rows(tasks, recorded.progress, today),
        communes=recorded.communes,
        workstreams=workstream_items(
            ws, mapping, today, sources, files, survey, deadlines_of(tasks), journal
        ),
        retired=retired_units,
        check=check.summary() if check is not None else None,
        last_runs=runs.last_runs if runs is not None else [],
        sources=sources,
        exports=_exports(ws),
        survey=survey,
    )
    return report, diagnostics
