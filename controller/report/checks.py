"""The last acceptance check (`mergectl check` writes DIR/state/check.json, contracts section A).

A unit is verified for a workstream when the check has at least one PASS and no FAIL for it;
a province-wide result (commune null) counts for every commune.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from controller.report.model import CheckSummary, Failure
from controller.workspace import Workspace

SOURCE = "state/check.json"
STATUSES = ("PASS", "FAIL", "SKIP")


@dataclass(frozen=True)
class CheckResult:
    check: str
    workstream: str
    commune: str | None
    host: str | None
    target: str
    status: str
    detail: str


@dataclass
class CheckView:
    checked_at: str
    results: list[CheckResult]

    def summary(self) -> CheckSummary:
        def count(status: str) -> int:
            return sum(1 for result in self.results if result.status == status)

        return CheckSummary(self.checked_at, count("PASS"), count("FAIL"), count("SKIP"))

    def verdict(self, workstream: str, *, commune: str | None = None, host: str | None = None) -> str | None:
        """PASS (verified), FAIL, or None (nothing checked) for a commune's or a host's workstream."""
        statuses = {
            result.status
            for result in self.results
            if result.workstream == workstream
            and (
                (commune is not None and result.commune in (commune, None))
                or (host is not None and result.host == host)
            )
        }
        if "FAIL" in statuses:
            return "FAIL"
        return "PASS" if "PASS" in statuses else None

    def failures(
        self, workstream: str, *, commune: str | None = None, host: str | None = None
    ) -> list[Failure]:
        return [
            Failure(
                result.host, result.check, f"{result.target}: {result.detail}", None, self.checked_at, "check"
            )
            for result in self.results
            if result.status == "FAIL"
            and result.workstream == workstream
            and (
                (commune is not None and result.commune in (commune, None))
                or (host is not None and result.host == host)
            )
        ]


def read_check(ws: Workspace, sources: dict[str, str]) -> CheckView | None:
    path = ws.state_dir / "check.json"
    if not path.is_file():
        sources[SOURCE] = "absent"
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        view = _view(data)
    except (OSError, UnicodeDecodeError, ValueError) as error:
        sources[SOURCE] = f"unreadable ({error})"
        return None
    sources[SOURCE] = "present"
    return view


def _view(data: object) -> CheckView:
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("results"), list):
        raise ValueError("not a check.json of version 1 with a list of results")
    results = []
    for position, item in enumerate(data["results"]):
        if not isinstance(item, dict) or item.get("status") not in STATUSES:
            raise ValueError(f"result {position + 1}: expected a mapping with status PASS, FAIL or SKIP")
        commune, host = item.get("commune"), item.get("host")
        results.append(
            CheckResult(
                check=str(item.get("check", "")),
                workstream=str(item.get("workstream", "")),
                commune=None if commune is None else str(commune),
                host=None if host is None else str(host),
                target=str(item.get("target", "")),
                status=item["status"],
                detail=str(item.get("detail", "")),
            )
        )
    return CheckView(str(data.get("checked_at", "")), results)
