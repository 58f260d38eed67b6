"""The report's parts, as `build_report` assembles them and `to_json_data` hands them on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from controller.tasks.model import PlanTask

# A unit's (commune's, old district host's) state in one workstream, best last.
FAILED = "failed"
UNKNOWN = "unknown"
PLANNED = "planned"
APPLIED = "applied"
VERIFIED = "verified"
WORST_FIRST = (FAILED, UNKNOWN, PLANNED, APPLIED, VERIFIED)

# A task's state against its date.
DONE, ON_TRACK, AT_RISK, OVERDUE = "done", "on_track", "at_risk", "overdue"


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


@dataclass(frozen=True)
class Failure:
    host: str | None
    task: str
    message: str
    run: int | None
    time: str | None
    source: str  # run | check


@dataclass
class CommuneRow:
    code: str
    name: str
    lat: float | None
    lon: float | None
    workstreams: dict[str, str]
    failures: list[Failure] = field(default_factory=list)

    @property
    def status(self) -> str:
        states = list(self.workstreams.values()) or [UNKNOWN]
        return min(states, key=WORST_FIRST.index)


@dataclass
class TaskRow:
    task: PlanTask
    due: dt.date | None
    days_left: int | None
    planned: int | None
    applied: int | None
    verified: int | None
    failed: int | None
    done_on: dt.date | None
    state: str


@dataclass
class RetiredHost:
    host: str
    steps: dict[str, str]
    archived: bool
    quarantine_until: dt.date | None


@dataclass
class Retired:
    hosts: list[RetiredHost]
    portals_archived: int | None
    accounts_revoked: int | None


@dataclass(frozen=True)
class CheckSummary:
    checked_at: str
    passed: int
    failed: int
    skipped: int


@dataclass(frozen=True)
class RunLine:
    id: int
    playbook: str
    started: str
    status: str
    hosts: int
    failed_hosts: int


@dataclass
class Report:
    workspace: str
    province: str
    province_code: str
    today: dt.date
    next_report: dt.date
    generated_at: str
    tasks: list[TaskRow]
    communes: list[CommuneRow]
    workstreams: list[Workstream]
    retired: Retired
    check: CheckSummary | None
    last_runs: list[RunLine]
    sources: dict[str, str]  # file -> "present" / "absent" / problem
    exports: list[str]
    survey: dict[str, Any] = field(default_factory=dict)
