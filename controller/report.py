"""The weekly progress report to the Department (workstream 13): what is planned, done, retired.

Everything is read from what exists in the workspace; nothing is contacted:
mapping.yml (what is planned), state/allocations.yml (what is allocated),
state/rendered.yml (what the inventory carries, i.e. is ready to apply),
state/accounts.yml and staff/*.csv (accounts), state/decommission.yml (the
decommissioning journal), reports/* (exports handed out), and the plan's
deadlines from province.yml. A missing file means "unknown", never 0 %:
the controller cannot know what was done by hand on a host it has no record of.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from controller.errors import Diagnostics
from controller.lines.progress import line_order_items
from controller.mapping_io import read_mapping
from controller.survey.progress import survey_gaps, survey_gaps_markdown, video_conference_items
from controller.workspace import Workspace
from controller.yamlio import parse_yaml

THURSDAY = 3  # date.weekday()

# Which deadline of the plan each workstream answers to (keys of province.yml `deadlines`).
WORKSTREAM_DEADLINE = {
    1: "data_lines_installed",
    2: "in_service",
    3: "vc_equipment_handed_over",
    4: "domains_and_codes_registered",
    5: "accounts_created",
    6: "domains_and_codes_registered",
    7: "systems_configured",
    8: "systems_configured",
    9: "systems_configured",
    10: "districts_backed_up",
    11: "in_service",
    12: "districts_backed_up",
}

DECOMMISSION_STEPS = ("inventory", "backup", "verify", "lockdown", "revoke", "poweroff")


@dataclass
class Item:
    """One counted thing: `done` of `planned` at a stage; None means unknown (no record to count from)."""

    what: str
    planned: int | None
    done: int | None
    stage: str  # allocated | rendered | issued | retired | ...
    source: str  # the file the figure comes from

    @property
    def percent(self) -> int | None:
        if self.planned is None or self.done is None or self.planned == 0:
            return None
        return round(100 * self.done / self.planned)


@dataclass
class Workstream:
    number: int
    name: str
    items: list[Item] = field(default_factory=list)
    deadline: str | None = None
    note: str = ""


@dataclass
class Deadline:
    task: str
    date: dt.date
    days_left: int

    @property
    def status(self) -> str:
        if self.days_left > 0:
            return f"due in {self.days_left} day(s)"
        if self.days_left == 0:
            return "due today"
        return f"overdue by {-self.days_left} day(s) unless done"


@dataclass
class Report:
    workspace: str
    province: str
    today: dt.date
    next_report: dt.date
    workstreams: list[Workstream]
    deadlines: list[Deadline]
    sources: dict[str, str]  # file -> "present" / "absent" / problem
    exports: list[str]
    survey: dict[str, Any] = field(default_factory=dict)


def next_thursday(today: dt.date) -> dt.date:
    """The next weekly report day; today when today is a Thursday."""
    return today + dt.timedelta(days=(THURSDAY - today.weekday()) % 7)


def _read_state(path: Path, sources: dict[str, str], name: str) -> dict[str, Any] | None:
    if not path.exists():
        sources[name] = "absent"
        return None
    data, _, diagnostics = parse_yaml(path)
    if diagnostics or not isinstance(data, dict):
        first = next(iter(diagnostics), None)
        sources[name] = f"unreadable ({first.message if first else 'not a mapping'})"
        return None
    sources[name] = "present"
    return data


def _count(data: dict[str, Any] | None, key: str) -> int | None:
    if data is None:
        return None
    value = data.get(key)
    return len(value) if isinstance(value, dict | list) else 0


def _staff_rows(staff_dir: Path, sources: dict[str, str]) -> int | None:
    files = sorted(staff_dir.glob("*.csv")) if staff_dir.is_dir() else []
    if not files:
        sources["staff/*.csv"] = "absent"
        return None
    rows = 0
    for path in files:
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                rows += max(0, sum(1 for row in csv.reader(handle) if any(cell.strip() for cell in row)) - 1)
        except (OSError, UnicodeDecodeError, csv.Error):
            sources["staff/*.csv"] = f"unreadable ({path.name})"
            return None
    sources["staff/*.csv"] = f"present ({len(files)} file(s))"
    return rows


def _deadlines(ws: Workspace, today: dt.date, sources: dict[str, str]) -> dict[str, dt.date]:
    try:
        defaults = dict(importlib.import_module("controller.province").DEFAULT_DEADLINES)
    except (ModuleNotFoundError, AttributeError):
        defaults = {}
    data = _read_state(ws.province_path, sources, "province.yml")
    if data is None:
        return {}  # without province.yml the plan's dates are unknown; defaults would be a guess
    found = dict(defaults)
    raw = data.get("deadlines")
    if isinstance(raw, dict):
        for task, value in raw.items():
            if isinstance(value, dt.date):
                found[str(task)] = value
            elif isinstance(value, str):
                try:
                    found[str(task)] = dt.date.fromisoformat(value)
                except ValueError:
                    continue
    return found


def _decommission_counts(data: dict[str, Any] | None) -> dict[str, int] | None:
    if data is None:
        return None
    hosts = data.get("hosts") or {}
    counts = dict.fromkeys(DECOMMISSION_STEPS, 0)
    if not isinstance(hosts, dict):
        return counts
    for entry in hosts.values():
        steps = entry.get("steps", {}) if isinstance(entry, dict) else {}
        for step in DECOMMISSION_STEPS:
            status = steps.get(step, {}).get("status") if isinstance(steps.get(step), dict) else None
            if status == "done":
                counts[step] += 1
    return counts


def _step(counts: dict[str, int] | None, step: str) -> int | None:
    return None if counts is None else counts[step]


def build_report(ws: Workspace, today: dt.date | None = None) -> tuple[Report | None, Diagnostics]:
    """The report of a workspace; (None, diagnostics) only when mapping.yml itself is unusable."""
    today = today or dt.date.today()
    mapping, diagnostics = read_mapping(ws.mapping_path)
    if mapping is None:
        return None, diagnostics
    sources: dict[str, str] = {"mapping.yml": "present"}
    allocations = _read_state(ws.state_dir / "allocations.yml", sources, "state/allocations.yml")
    rendered = _read_state(ws.state_dir / "rendered.yml", sources, "state/rendered.yml")
    accounts = _read_state(ws.state_dir / "accounts.yml", sources, "state/accounts.yml")
    decommission = _read_state(ws.state_dir / "decommission.yml", sources, "state/decommission.yml")
    staff = _staff_rows(ws.staff_dir, sources)
    deadlines = _deadlines(ws, today, sources)

    communes = len(mapping.new_units)
    old_units = len(mapping.old_units)
    districts = len(mapping.old_districts())
    alloc = "state/allocations.yml"
    rend = "state/rendered.yml"
    communes_allocated = _count(allocations, "communes")
    communes_rendered = _count(rendered, "communes")
    sites_allocated = None
    if allocations is not None and isinstance(allocations.get("communes"), dict):
        sites_allocated = sum(len(entry.get("sites") or {}) for entry in allocations["communes"].values()
                              if isinstance(entry, dict))
    vc_rendered = None
    edoc_allocated = None
    if rendered is not None and isinstance(rendered.get("communes"), dict):
        vc_rendered = sum(len(entry.get("vc_rooms") or {}) for entry in rendered["communes"].values()
                          if isinstance(entry, dict))
    if allocations is not None and isinstance(allocations.get("communes"), dict):
        edoc_allocated = sum(1 for entry in allocations["communes"].values()
                             if isinstance(entry, dict) and entry.get("edoc_code"))
    hosts = rendered.get("hosts") if rendered is not None else None
    hosts = hosts if isinstance(hosts, list) else None

    def hosts_with(prefix: str) -> int | None:
        return None if hosts is None else sum(1 for host in hosts if str(host).startswith(prefix))

    to_terminate = None
    if rendered is not None and isinstance(rendered.get("old_units"), dict):
        to_terminate = sum(1 for entry in rendered["old_units"].values()
                           if isinstance(entry, dict) and not entry.get("endpoint_reused_by"))
    sites_rendered = None
    if rendered is not None and isinstance(rendered.get("communes"), dict):
        sites_rendered = sum(len(entry.get("sites") or {}) for entry in rendered["communes"].values()
                             if isinstance(entry, dict))
    sites_planned = sites_allocated if sites_allocated is not None else communes
    steps = _decommission_counts(decommission)
    lookup_names = None
    if rendered is not None:
        lookup_names = (_count(rendered, "old_units") or 0) + (_count(rendered, "old_districts") or 0)
    dec = "state/decommission.yml"
    issued_accounts = None
    if accounts is not None:
        entries = accounts.get("accounts", accounts.get("issued"))
        issued_accounts = len(entries) if isinstance(entries, dict | list) else None

    survey = survey_gaps(ws)
    workstreams = [
        Workstream(1, "Specialised data network", [
            # At least one site per commune until the allocation says how many there are.
            Item("commune HQ data-line endpoints", sites_planned, sites_rendered, "rendered", rend),
            # Old commune lines are cut by the operator: the workspace has no record of it.
            Item("old commune endpoints to terminate", to_terminate, None, "terminated", "operator"),
            Item("old district endpoints terminated", districts, _step(steps, "revoke"), "retired", dec),
            *line_order_items(ws, today, sources),
        ]),
        Workstream(2, "Commune LAN", [
            Item("commune LAN supernets", communes, communes_allocated, "allocated", alloc),
            Item("commune LANs in the inventory", communes, communes_rendered, "rendered", rend),
        ]),
        Workstream(3, "Video conferencing", [
            Item("meeting rooms (government + Party)", 2 * communes, vc_rendered, "rendered", rend),
            *video_conference_items(ws, survey, 2 * communes, deadlines.get("vc_equipment_handed_over"),
                                    sources),
        ]),
        Workstream(4, "Domain names", [
            Item("commune domains", communes, communes_rendered, "rendered", rend),
            Item("old names kept for look-up", old_units + districts, lookup_names, "rendered", rend),
        ]),
        Workstream(5, "Official e-mail and central authentication", [
            Item("mail domains", communes, communes_rendered, "rendered", rend),
            Item("staff accounts", staff, issued_accounts, "issued", "staff/*.csv, state/accounts.yml"),
        ]),
        Workstream(6, "Electronic identifier codes", [
            Item("codes of new communes", communes, edoc_allocated, "allocated", alloc),
        ]),
        Workstream(7, "Document management (iDesk)", [
            Item("iDesk tenants", communes, hosts_with("idesk-"), "rendered", rend),
        ]),
        Workstream(8, "Administrative procedures (TTHC)", [
            Item("TTHC tenants", communes, hosts_with("tthc-"), "rendered", rend),
        ]),
        Workstream(9, "Web portals", [
            Item("commune portals", communes, communes_rendered, "rendered", rend),
        ]),
        Workstream(10, "Reporting, civil-servant and sector systems", [],
                   note="no record in the workspace: progress unknown"),
        Workstream(11, "Digital signatures", [],
                   note="no record in the workspace: progress unknown"),
        Workstream(12, "Decommissioning", [
            Item("old districts backed up, backup verified", districts, _step(steps, "verify"), "verified",
                 dec),
            Item("old districts locked down", districts, _step(steps, "lockdown"), "locked", dec),
            Item("old districts powered off", districts, _step(steps, "poweroff"), "retired", dec),
        ]),
    ]
    for workstream in workstreams:
        workstream.deadline = WORKSTREAM_DEADLINE.get(workstream.number)
        if workstream.deadline not in deadlines:
            workstream.deadline = None
    # Playbook runs keep thousands of ansible-runner artefacts under reports/runs/: the
    # report names each run's summary, not its event files.
    exports = sorted(
        str(path.relative_to(ws.dir))
        for path in ws.reports_dir.rglob("*")
        if path.is_file() and ("runs" not in path.relative_to(ws.reports_dir).parts[:1]
                               or path.name == "summary.json")
    ) if ws.reports_dir.is_dir() else []
    report = Report(
        workspace=str(ws.dir),
        province=mapping.province,
        today=today,
        next_report=next_thursday(today),
        workstreams=workstreams,
        deadlines=[Deadline(task, date, (date - today).days)
                   for task, date in sorted(deadlines.items(), key=lambda item: item[1])],
        sources=sources,
        exports=exports,
        survey=survey,
    )
    return report, diagnostics


def _figure(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"


def to_markdown(report: Report) -> str:
    lines = [
        f"# Weekly progress report: {report.province}",
        "",
        f"- Date: {report.today.isoformat()}; next report due Thursday {report.next_report.isoformat()}",
        f"- Workspace: `{report.workspace}`",
        "- Figures are counted from the workspace's files; \"unknown\" means there is no record to count",
        "  from (not zero). \"rendered\" means ready to apply, not yet confirmed on the hosts.",
        "",
        "## Deadlines",
        "",
    ]
    if report.deadlines:
        lines += ["| task | date | status |", "|---|---|---|"]
        lines += [f"| {d.task} | {d.date.isoformat()} | {d.status} |" for d in report.deadlines]
    else:
        lines.append("unknown: province.yml is missing or unreadable")
    lines += ["", "## Workstreams", "",
              "| # | workstream | deadline | item | done | planned | % | stage | source |",
              "|---|---|---|---|---|---|---|---|---|"]
    for workstream in report.workstreams:
        first = f"| {workstream.number} | {workstream.name} | {workstream.deadline or '-'} "
        if not workstream.items:
            lines.append(first + f"| {workstream.note} | unknown | unknown | unknown | - | - |")
        for item in workstream.items:
            percent = "unknown" if item.percent is None else f"{item.percent} %"
            lines.append(first + f"| {item.what} | {_figure(item.done)} | {_figure(item.planned)} | "
                         f"{percent} | {item.stage} | `{item.source}` |")
            first = "| | | "
    lines += survey_gaps_markdown(report.survey)
    lines += ["", "## Sources", ""]
    lines += [f"- `{name}`: {status}" for name, status in report.sources.items()]
    lines += ["", "## Exports handed out (reports/)", ""]
    lines += [f"- `{name}`" for name in report.exports] or ["- none"]
    return "\n".join(lines) + "\n"


def to_json_data(report: Report) -> dict[str, Any]:
    data = asdict(report)
    data["today"] = report.today.isoformat()
    data["next_report"] = report.next_report.isoformat()
    data["deadlines"] = [
        {"task": d.task, "date": d.date.isoformat(), "days_left": d.days_left, "status": d.status}
        for d in report.deadlines
    ]
    for workstream, raw in zip(report.workstreams, data["workstreams"], strict=True):
        for item, raw_item in zip(workstream.items, raw["items"], strict=True):
            raw_item["percent"] = item.percent
    return data
