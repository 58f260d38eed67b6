"""The results of one `mergectl check`, and DIR/state/check.json (schema: docs/check.md).

The report reads check.json: a commune is verified for a workstream when the last check has at
least one PASS and no FAIL for it; a province-wide result (commune null) counts for every commune.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from controller.yamlio import atomic_write

PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"
STATUSES = (PASS, FAIL, SKIP)
CHECK_FILE_VERSION = 1


@dataclass(frozen=True)
class CheckResult:
    check: str  # dotted id: <workstream-ish>.<what>
    workstream: str  # a value of controller/runs/workstreams.py
    commune: str | None  # new commune code, None for a province-wide result
    host: str | None  # inventory host checked
    target: str  # what was probed, for people
    status: str  # PASS | FAIL | SKIP
    detail: str  # one line: why

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {', '.join(STATUSES)}")


@dataclass(frozen=True)
class CheckRun:
    checked_at: str  # ISO 8601 with offset
    limit: str | None
    lab: bool
    results: tuple[CheckResult, ...]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(result.status for result in self.results)
        return {status.lower(): found.get(status, 0) for status in STATUSES}

    @property
    def failed(self) -> bool:
        return any(result.status == FAIL for result in self.results)

    def to_json_data(self) -> dict[str, Any]:
        return {
            "version": CHECK_FILE_VERSION,
            "checked_at": self.checked_at,
            "limit": self.limit,
            "lab": self.lab,
            "results": [asdict(result) for result in self.results],
        }


def now() -> str:
    """The control node's local time with its offset (the province's, on a control node there)."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def new_run(results: Iterable[CheckResult], *, limit: str | None, lab: bool) -> CheckRun:
    return CheckRun(now(), limit, lab, tuple(results))


def check_path(workspace: Path) -> Path:
    return workspace / "state" / "check.json"


def write_check(workspace: Path, run: CheckRun) -> Path:
    path = check_path(workspace)
    atomic_write(path, json.dumps(run.to_json_data(), indent=2, ensure_ascii=False) + "\n")
    return path


def ordered(results: Sequence[CheckResult]) -> list[CheckResult]:
    """Province-wide results first, then commune by commune; each in the order probed."""
    position = {id(result): index for index, result in enumerate(results)}
    return sorted(results, key=lambda r: (r.commune is not None, r.commune or "", position[id(r)]))
