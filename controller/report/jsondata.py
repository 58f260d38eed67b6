"""`to_json_data`: the report as data, schema 2 (contracts section B; docs/report-data.md), for
`mergectl report --format json` and the HTML/Markdown renderers."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from controller.report.model import CommuneRow, Report, TaskRow
from controller.report.texts import item_text, stage_text

SCHEMA = 2


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def task_data(row: TaskRow) -> dict[str, Any]:
    task = row.task
    rule = None
    if task.after is not None:
        rule = {"after": task.after.anchor, "days": task.after.days, "per_commune": task.per_commune}
    return {
        "id": task.id,
        "title": task.title.as_dict(),
        "agency": task.agency.as_dict(),
        "workstream": task.workstream,
        "due": _day(row.due),
        "due_rule": rule,
        "adjusted_due": _day(task.adjusted_due),
        "days_left": row.days_left,
        "planned": row.planned,
        "applied": row.applied,
        "verified": row.verified,
        "failed": row.failed,
        "done_on": _day(row.done_on),
        "state": row.state,
    }


def commune_data(row: CommuneRow) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "lat": row.lat,
        "lon": row.lon,
        "workstreams": dict(row.workstreams),
        "status": row.status,
        "failures": [asdict(failure) for failure in row.failures],
    }


def to_json_data(report: Report) -> dict[str, Any]:
    workstreams = []
    for workstream in report.workstreams:
        data = asdict(workstream)
        for item, raw in zip(workstream.items, data["items"], strict=True):
            raw["percent"] = item.percent
            raw["what"], raw["stage"] = item_text(item.what), stage_text(item.stage)
        workstreams.append(data)
    check = report.check
    return {
        "schema": SCHEMA,
        "province": {"code": report.province_code, "name": report.province},
        "today": report.today.isoformat(),
        "next_report": report.next_report.isoformat(),
        "generated_at": report.generated_at,
        "tasks": [task_data(row) for row in report.tasks],
        "communes": [commune_data(row) for row in report.communes],
        "workstreams": workstreams,
        "retired": {
            "hosts": [
                {
                    "host": host.host,
                    "steps": dict(host.steps),
                    "archived": host.archived,
                    "quarantine_until": _day(host.quarantine_until),
                }
                for host in report.retired.hosts
            ],
            "portals_archived": report.retired.portals_archived,
            "accounts_revoked": report.retired.accounts_revoked,
        },
        "check": None
        if check is None
        else {
            "checked_at": check.checked_at,
            "pass": check.passed,
            "fail": check.failed,
            "skip": check.skipped,
        },
        "last_runs": [asdict(run) for run in report.last_runs],
        "sources": dict(report.sources),
        "survey": report.survey,
        "exports": list(report.exports),
    }
