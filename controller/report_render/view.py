"""The report's data (contract B, schema 2) made ready to show: defaults for absent parts, labels
resolved in one language, failures gathered, counts per status. Both renderers read this, so a
figure is worded the same in the HTML and the Markdown."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from controller.report_render.labels import STATUSES, Labels

# The order workstreams are shown in (controller/runs/workstreams.py names them).
WORKSTREAM_ORDER = ("network", "dns", "mail", "integration_centre", "portals", "decommissioning", "other")
# Which status is worse: a commune's marker is drawn by its worst, and failed markers on top.
STATUS_RANK = {
    status: rank for rank, status in enumerate(("verified", "applied", "planned", "unknown", "failed"))
}


@dataclass
class View:
    labels: Labels
    province: str
    today: str | None
    next_report: str | None
    generated_at: str | None
    tasks: list[dict[str, Any]]
    communes: list[dict[str, Any]]
    columns: list[tuple[str, str]]  # (workstream id, its label) of the per-commune table
    status_counts: list[tuple[str, str, int]]  # (status, label, communes)
    failures: list[dict[str, Any]]
    retired: dict[str, Any]
    check: dict[str, Any] | None
    last_runs: list[dict[str, Any]]
    workstreams: list[dict[str, Any]]
    survey: dict[str, Any]
    sources: dict[str, str]
    exports: list[str]
    raw: dict[str, Any] = field(repr=False, default_factory=dict)


def _province_name(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("code") or "")
    return "" if value is None else str(value)


def _task(task: dict[str, Any], labels: Labels, titles: dict[str, str]) -> dict[str, Any]:
    rule = task.get("due_rule")
    if task.get("due"):
        due = labels.date(task["due"])
    elif isinstance(rule, dict):
        due = labels(
            "due_relative",
            days=rule.get("days", "?"),
            after=titles.get(str(rule.get("after")), rule.get("after", "?")),
        )
        if rule.get("per_commune"):
            due += " " + labels("per_commune")
    else:
        due = labels("unknown")
    state = task.get("state") or "unknown"
    workstream = task.get("workstream")
    return {
        "id": task.get("id", ""),
        "title": labels.pick(task.get("title")) or str(task.get("id", "")),
        "agency": labels.pick(task.get("agency")),
        "workstream": labels.get(f"ws_{workstream}", str(workstream))
        if workstream
        else labels("no_workstream"),
        "due_iso": task.get("adjusted_due") or task.get("due"),
        "planned_due_iso": task.get("due"),
        "due": due,
        "adjusted": labels("adjusted_due", date=labels.date(task["adjusted_due"]))
        if task.get("adjusted_due")
        else "",
        "days_left": labels.days(task.get("days_left")) if task.get("due") else labels("unknown"),
        "done_on": labels("done_on", date=labels.date(task["done_on"])) if task.get("done_on") else "",
        "counts": {key: labels.figure(task.get(key)) for key in ("planned", "applied", "verified", "failed")},
        "failed_count": task.get("failed") or 0,
        "state": state,
        "state_label": labels.get(f"state_{state}", state),
    }


def _commune(commune: dict[str, Any], labels: Labels) -> dict[str, Any]:
    status = commune.get("status") or "unknown"
    name = labels.pick(commune.get("name")) or str(commune.get("code", ""))
    return {
        "code": str(commune.get("code", "")),
        "name": name,
        "lat": commune.get("lat"),
        "lon": commune.get("lon"),
        "status": status,
        "status_label": labels.get(f"status_{status}", status),
        "workstreams": dict(commune.get("workstreams") or {}),
        "failures": list(commune.get("failures") or []),
    }


def _columns(communes: list[dict[str, Any]], labels: Labels) -> list[tuple[str, str]]:
    present = {workstream for commune in communes for workstream in commune["workstreams"]}
    ordered = [ws for ws in WORKSTREAM_ORDER if ws in present] + sorted(present - set(WORKSTREAM_ORDER))
    return [(ws, labels.get(f"ws_{ws}", ws)) for ws in ordered]


def _failures(communes: list[dict[str, Any]], labels: Labels) -> list[dict[str, Any]]:
    rows = []
    for commune in communes:
        for failure in commune["failures"]:
            source = failure.get("source") or "run"
            run = failure.get("run")
            rows.append(
                {
                    "commune": f"{commune['name']} ({commune['code']})",
                    "host": failure.get("host") or "",
                    "task": failure.get("task") or "",
                    "message": failure.get("message") or "",
                    "source": labels.get(f"source_{source}", source)
                    + (f" #{run}" if run is not None else ""),
                    "time": labels.moment(failure.get("time")),
                }
            )
    return rows


def _retired(raw: Any, labels: Labels) -> dict[str, Any]:
    raw = raw if isinstance(raw, dict) else {}
    hosts = []
    for host in raw.get("hosts") or []:
        steps = host.get("steps") or {}
        done = [labels.get(f"step_{step}", step) for step, state in steps.items() if state == "done"]
        hosts.append(
            {
                "host": host.get("host", ""),
                "steps": ", ".join(done) or labels("none"),
                "archived": labels("yes") if host.get("archived") else labels("no"),
                "quarantine_until": labels.date(host.get("quarantine_until"))
                if host.get("quarantine_until")
                else "-",
            }
        )
    return {
        "hosts": hosts,
        "portals_archived": labels.figure(raw.get("portals_archived")),
        "accounts_revoked": labels.figure(raw.get("accounts_revoked")),
    }


# How the data states a source: a word, then maybe a count or the file's own error (kept as
# written: it names a file and line for whoever fixes it).
_SOURCE = re.compile(r"^(?P<word>present|absent|unreadable|unknown)(?P<rest>.*)$", re.S)
_SOURCE_DETAILS = {
    " (lab runs only)": "source_lab_runs_only",
    "; tasks unusable": "source_tasks_unusable",
}


def _source(status: str, labels: Labels) -> str:
    match = _SOURCE.match(status)
    if match is None:
        return status
    rest = match["rest"]
    for english, key in _SOURCE_DETAILS.items():
        if rest.startswith(english):
            rest = labels(key) + rest[len(english) :]
    files = re.fullmatch(r" \((\d+) file\(s\)\)", rest)
    if files:
        rest = " " + labels("source_files", count=files[1])
    return labels(match["word"]) + rest


def _workstreams(raw: list[Any], labels: Labels) -> list[dict[str, Any]]:
    shown = []
    for workstream in raw or []:
        number = workstream.get("number")
        items = [
            {
                "what": labels.pick(item.get("what")),
                "done": labels.figure(item.get("done")),
                "planned": labels.figure(item.get("planned")),
                "percent": labels("unknown") if item.get("percent") is None else f"{item['percent']} %",
                "stage": labels.pick(item.get("stage")),
                "source": item.get("source", ""),
            }
            for item in workstream.get("items") or []
        ]
        shown.append(
            {
                "number": number,
                "name": labels.get(f"wsn_{number}", labels.pick(workstream.get("name"))),
                "items": items,
                "note": labels("workstream_unknown_note") if not items else "",
            }
        )
    return shown


def _check(raw: Any, labels: Labels) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        return None
    return {
        "at": labels.moment(raw.get("checked_at")),
        "counts": labels(
            "check_counts", passed=raw.get("pass", 0), failed=raw.get("fail", 0), skipped=raw.get("skip", 0)
        ),
        "failed": bool(raw.get("fail")),
    }


def _runs(raw: Any, labels: Labels) -> list[dict[str, Any]]:
    return [
        {
            "id": run.get("id"),
            "playbook": run.get("playbook", ""),
            "started": labels.moment(run.get("started")),
            "status": run.get("status", ""),
            "hosts": run.get("hosts"),
            "failed_hosts": run.get("failed_hosts"),
        }
        for run in raw or []
        if isinstance(run, dict)
    ]


def build_view(data: dict[str, Any], lang: str) -> View:
    labels = Labels(lang)
    communes = [_commune(commune, labels) for commune in data.get("communes") or []]
    tasks = [task for task in data.get("tasks") or [] if isinstance(task, dict)]
    titles = {str(task.get("id")): labels.pick(task.get("title")) for task in tasks}
    counts = Counter(commune["status"] for commune in communes)
    return View(
        labels=labels,
        province=_province_name(data.get("province")),
        today=data.get("today"),
        next_report=data.get("next_report"),
        generated_at=data.get("generated_at"),
        tasks=[_task(task, labels, titles) for task in tasks],
        communes=communes,
        columns=_columns(communes, labels),
        status_counts=[(status, labels(f"status_{status}"), counts[status]) for status in STATUSES],
        failures=_failures(communes, labels),
        retired=_retired(data.get("retired"), labels),
        check=_check(data.get("check"), labels),
        last_runs=_runs(data.get("last_runs"), labels),
        workstreams=_workstreams(data.get("workstreams") or [], labels),
        survey=data.get("survey") or {"status": "absent", "registers": {}, "lacking": []},
        sources={str(key): _source(str(value), labels) for key, value in (data.get("sources") or {}).items()},
        exports=[str(name) for name in data.get("exports") or []],
        raw=data,
    )
