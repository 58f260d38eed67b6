"""What a run reported, brought into the workspace: `mergectl collect DIR SOURCE...`.

The playbooks never call the controller (an execution environment under AWX has no `mergectl`):
what they do to the controller's records is written on managed hosts, and handed to the run's
artefacts with `set_stats`:

- `mergectl_decommission`: `[{host, steps}]`, each old host's journal from the archive host (role
  decommission). Mirrored into `state/decommission.yml`; the revoke step's `quarantined` items
  (the old district's line and addresses) go into the quarantine as `details.owner`'s.
- `mergectl_releases`: `[{kind, value, owner, reason, at, details}]`, a host's journal of released
  resources (module release_journal; role dataline_terminate on the core). Quarantined; those
  released by terminating a line also make `reports/dataline-terminated.csv`.

A SOURCE is any of: a run folder of `mergectl apply` (ansible-runner's artefacts: the stats event's
`artifact_data`), an AWX job saved as JSON (`GET /api/v2/jobs/ID/`: its `artifacts`; a page of
jobs, `{"results": [...]}`, too), those artefacts alone, or the hosts' journals themselves, copied:
an archive host's `journal.json` or a `releases.json`. The hosts' files are the authority: any of
them can be collected again at any time, and collecting is idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from controller.errors import Diagnostics, InvalidInput

DECOMMISSION_KEY = "mergectl_decommission"
RELEASES_KEY = "mergectl_releases"
DECOMMISSIONED = "decommissioned"
TERMINATED = "dataline-terminated"
TERMINATED_REPORT = Path("reports") / "dataline-terminated.csv"
TERMINATED_COLUMNS = [
    "kind", "code", "name", "link_prefix", "core_address", "local_address", "loopback", "operator_assigned",
]


@dataclass
class Collected:
    """What one or more sources hold: the last journal seen per host, and every release."""

    journals: dict[str, dict[str, Any]] = field(default_factory=dict)
    releases: list[dict[str, Any]] = field(default_factory=list)
    problems: Diagnostics = field(default_factory=Diagnostics)

    def add_artifacts(self, data: Any, where: str) -> bool:
        """The `set_stats` data of a run; False when it holds nothing of ours."""
        if not isinstance(data, dict):
            return False
        found = False
        for item in _as_list(data.get(DECOMMISSION_KEY), where, DECOMMISSION_KEY, self.problems):
            if isinstance(item, dict) and item.get("host") and isinstance(item.get("steps"), dict):
                self.journals[str(item["host"])] = item["steps"]  # later entries are later states
                found = True
            else:
                self.problems.add(where, None, f"{DECOMMISSION_KEY}: expected {{host, steps}}, got {item!r}")
        for item in _as_list(data.get(RELEASES_KEY), where, RELEASES_KEY, self.problems):
            self.releases.append(item)
            found = True
        return found

    def add_file(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            self.problems.add(str(path), None, f"not readable as JSON: {error}")
            return
        if isinstance(data, dict) and isinstance(data.get("steps"), dict) and data.get("host"):
            self.journals[str(data["host"])] = data["steps"]  # an archive host's journal.json
        elif isinstance(data, dict) and isinstance(data.get("releases"), list):
            self.releases.extend(data["releases"])  # a release journal (module release_journal)
        elif isinstance(data, dict) and "artifacts" in data:
            self.add_artifacts(data["artifacts"] or {}, str(path))  # an AWX job
        elif isinstance(data, dict) and isinstance(data.get("results"), list):
            for job in data["results"]:  # a page of AWX jobs
                if isinstance(job, dict):
                    self.add_artifacts(job.get("artifacts") or {}, f"{path} (job {job.get('id', '?')})")
        elif not self.add_artifacts(data, str(path)):
            self.problems.add(str(path), None, "neither a run's artefacts, an AWX job, a journal.json nor a "
                              "releases.json")

    def add_run_folder(self, folder: Path) -> None:
        """ansible-runner's artefacts: the stats event of each run under the folder carries artifact_data."""
        for event in _stats_events(folder):
            self.add_artifacts((event.get("event_data") or {}).get("artifact_data") or {}, str(folder))


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any, where: str, key: str, problems: Diagnostics) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.add(where, None, f"{key}: expected a list, got {type(value).__name__}")
        return []
    return value


def _stats_events(folder: Path) -> Iterator[dict[str, Any]]:
    """The stats event of each run under `folder` (one job_events/ folder per run): the run's last
    event, so each folder is read from its end and only until it is found."""

    def counter(path: Path) -> int:
        head = path.name.split("-", 1)[0]
        return int(head) if head.isdigit() else -1

    for events in sorted(folder.rglob("job_events")):
        for path in sorted(events.glob("*.json"), key=counter, reverse=True):
            try:
                event = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                continue  # an event ansible-runner was still writing when the run was interrupted
            if isinstance(event, dict) and event.get("event") == "playbook_on_stats":
                yield event
                break


def read_sources(sources: Iterable[Path]) -> Collected:
    collected = Collected()
    for source in sources:
        if source.is_dir():
            collected.add_run_folder(source)
        elif source.is_file():
            collected.add_file(source)
        else:
            collected.problems.add(str(source), None, "no such file or folder")
    return collected


@dataclass(frozen=True)
class Release:
    kind: str
    value: str
    owner: str
    reason: str
    date: dt.date
    details: dict[str, Any]


def releases_of(collected: Collected) -> list[Release]:
    """Every release the sources report: the release journals', and the revoke steps' items."""
    found: list[Release] = []
    for index, item in enumerate(collected.releases):
        where = f"{RELEASES_KEY}[{index}]"
        if not isinstance(item, dict) or not all(str(item.get(k) or "").strip() for k in
                                                    ("kind", "value", "owner", "reason")):
            collected.problems.add(where, None, f"expected {{kind, value, owner, reason, at}}, got {item!r}")
            continue
        details = _mapping(item.get("details"))
        found.append(Release(str(item["kind"]), str(item["value"]), str(item["owner"]), str(item["reason"]),
                             _date(item.get("at")), details))
    for host, steps in sorted(collected.journals.items()):
        revoke = steps.get("revoke") if isinstance(steps, dict) else None
        if not isinstance(revoke, dict) or revoke.get("status") not in ("done", "partial"):
            continue
        details = _mapping(revoke.get("details"))
        owner = str(details.get("owner") or f"host:{host}")
        for item in details.get("quarantined") or []:
            if isinstance(item, dict) and all(str(item.get(k) or "").strip() for k in ("kind", "value")):
                found.append(Release(str(item["kind"]), str(item["value"]), owner, DECOMMISSIONED,
                                     _date(revoke.get("at")), {"host": host}))
    return found


def _date(at: Any) -> dt.date:
    """The day a host recorded the release (its UTC timestamp), so the quarantine counts from then."""
    try:
        return dt.date.fromisoformat(str(at)[:10])
    except ValueError:
        return dt.date.today()


@dataclass
class Outcome:
    steps_recorded: int = 0
    steps_seen: int = 0
    hosts: int = 0
    quarantined: list[str] = field(default_factory=list)
    already_held: int = 0
    terminated_report: Path | None = None
    terminated_lines: int = 0

    @property
    def empty(self) -> bool:
        return not (self.steps_seen or self.quarantined or self.already_held or self.terminated_report)

    def lines(self) -> list[str]:
        if self.empty:
            return ["collect: nothing to record (no decommissioning journal, no release)"]
        out = []
        if self.steps_seen:
            out.append(f"decommission: {self.steps_recorded} step(s) recorded, "
                       f"{self.steps_seen - self.steps_recorded} unchanged, {self.hosts} host(s)")
        if self.quarantined or self.already_held:
            out.append(f"quarantine: {len(self.quarantined)} item(s) quarantined, "
                       f"{self.already_held} already held")
            out += [f"  quarantined {text}" for text in self.quarantined]
        if self.terminated_report is not None:
            out.append(f"{self.terminated_report}: {self.terminated_lines} terminated line(s)")
        return out


def collect(workspace: Path, sources: Iterable[Path], *, require_any: bool = True) -> Outcome:
    """Record what the sources say. Every problem is reported (exit 3) before anything is written.
    `require_any`: a SOURCE that holds nothing of ours is an error (the command line), not so for a
    run of a playbook that publishes nothing (`mergectl apply`)."""
    from controller import decommission

    collected = read_sources(sources)
    if not require_any:
        collected.problems.items = [p for p in collected.problems.items if "neither a run's" not in p.message]
    entries = _step_records(collected)
    releases = releases_of(collected)
    checked = _checked_releases(releases, collected.problems)
    if collected.problems:
        raise InvalidInput(collected.problems)
    outcome = Outcome(steps_seen=len(entries), hosts=len(collected.journals))
    if entries:
        outcome.steps_recorded = decommission.record_many(workspace, entries)
    if checked:
        _quarantine(workspace, checked, outcome)
    terminated = [release for release in checked if release.reason == TERMINATED]
    if terminated:
        outcome.terminated_report, outcome.terminated_lines = _write_terminated(workspace, terminated)
    return outcome


def _step_records(collected: Collected) -> list[tuple[str, Any]]:
    from controller.decommission import StepRecord

    entries = []
    for host, steps in sorted(collected.journals.items()):
        for step, entry in sorted(steps.items()):
            if not isinstance(entry, dict):
                collected.problems.add(f"{host} {step}", None, f"expected a mapping, got {entry!r}")
                continue
            entries.append((host, StepRecord(
                step=str(step), status=str(entry.get("status", "")), at=str(entry.get("at", "")),
                archive=str(entry.get("archive") or ""), sha256=str(entry.get("sha256") or ""),
                details=_mapping(entry.get("details")),
            )))
    return entries


def _checked_releases(releases: list[Release], problems: Diagnostics) -> list[Release]:
    from controller.allocate.quarantine import check_value

    checked = []
    for release in releases:
        problem, value = check_value(release.kind, release.value)
        if problem:
            problems.add(f"release by {release.owner}", None, problem)
            continue
        checked.append(Release(release.kind, value, release.owner, release.reason, release.date,
                               release.details))
    return checked


def _quarantine(workspace_dir: Path, releases: list[Release], outcome: Outcome) -> None:
    from controller.allocate.allocations_state import load_state, save_state
    from controller.allocate.quarantine import release
    from controller.workspace import Workspace

    workspace = Workspace(workspace_dir)
    workspace.require()
    with workspace.lock():
        state, diagnostics = load_state(workspace.state_dir)
        if diagnostics:
            raise InvalidInput(diagnostics)
        added_any = False
        for item in releases:
            added, held = release(state, item.kind, item.value, item.owner, item.reason, item.date)
            if added:
                added_any = True
                outcome.quarantined.append(
                    f"{held.kind} {held.value} ({held.owner}: {held.reason}, {held.date})")
            else:
                outcome.already_held += 1
        if added_any:
            save_state(workspace.state_dir, state)


def _write_terminated(workspace: Path, releases: list[Release]) -> tuple[Path, int]:
    """Every endpoint the collected journals say was terminated, one line each (its two prefixes
    carry the same details): the lines to hand back to the provider."""
    from controller.csvwrite import write_csv

    rows: dict[str, dict[str, str]] = {}
    for item in releases:
        details = item.details
        endpoint = _mapping(details.get("endpoint"))
        key = str(details.get("key") or item.owner)
        rows.setdefault(key, {
            "kind": str(details.get("kind", "")),
            "code": str(details.get("code", "")),
            "name": str(details.get("name", "")),
            **{column: str(endpoint.get(column, "")) for column in
               ("link_prefix", "core_address", "local_address", "loopback")},
            "operator_assigned": str(bool(endpoint.get("operator_assigned", False))).lower(),
        })
    ordered = [rows[key] for key in sorted(rows)]
    target = write_csv(workspace / TERMINATED_REPORT, TERMINATED_COLUMNS, ordered)
    return target, len(rows)
