"""The controller's copy of the decommissioning journal: `DIR/state/decommission.yml`.

The archive host's `journal.json` per host is the authority for resuming. The playbook never calls
the controller: it hands each host's journal to the run's artefacts, and `mergectl collect`
(controller/collect.py, run by `mergectl apply` after every run) mirrors the steps here, so that
`mergectl decommission status` answers per old district without reaching any host.
`mergectl decommission record` records one step by hand.
"""

from __future__ import annotations

import fcntl
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from controller.errors import Diagnostics, InvalidInput, UserError
from controller.render.paths import old_units_path
from controller.yamlio import atomic_write, dump_yaml, load_yaml

STEPS = ("inventory", "backup", "verify", "lockdown", "revoke", "poweroff")
STATUSES = ("done", "failed", "partial")
STATE_FILE = Path("state") / "decommission.yml"
HEADER = ("Written by mergectl collect and decommission record (mirror of the archive host's journals). "
          "Do not edit.")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class StepRecord:
    step: str
    status: str
    at: str
    archive: str = ""
    sha256: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "at": self.at, "archive": self.archive, "sha256": self.sha256,
                "details": self.details}


@dataclass
class HostStatus:
    host: str
    district: str = ""
    code: str = ""
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def next_step(self) -> str:
        for step in STEPS:
            if self.steps.get(step, {}).get("status") != "done":
                return step
        return "-"

    def as_dict(self) -> dict[str, Any]:
        return {"host": self.host, "district": self.district, "code": self.code, "next_step": self.next_step,
                "steps": {step: self.steps[step] for step in STEPS if step in self.steps}}


def validate_record(record: StepRecord) -> Diagnostics:
    """Problems of a record given on the command line (reported all together)."""
    problems = Diagnostics()
    if record.step not in STEPS:
        problems.add("--step", None, f"unknown step {record.step!r}; one of {', '.join(STEPS)}")
    if record.status not in STATUSES:
        problems.add("--status", None, f"unknown status {record.status!r}; one of {', '.join(STATUSES)}")
    if record.sha256 and not _SHA256.match(record.sha256):
        problems.add("--sha256", None, "must be 64 lower-case hex digits (or empty)")
    try:
        datetime.strptime(record.at, _TIMESTAMP)
    except ValueError:
        problems.add("--at", None, f"timestamp {record.at!r} is not YYYY-MM-DDTHH:MM:SSZ")
    return problems


def parse_details(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError as error:
        raise InvalidInput(_single("--details", f"not JSON: {error}")) from error
    if not isinstance(value, dict):
        raise InvalidInput(_single("--details", "must be a JSON object"))
    return value


def _single(where: str, message: str) -> Diagnostics:
    problems = Diagnostics()
    problems.add(where, None, message)
    return problems


def _load_state(workspace: Path) -> dict[str, Any]:
    path = workspace / STATE_FILE
    if not path.exists():
        return {"hosts": {}}
    data, index = load_yaml(path)
    problems = Diagnostics()
    if not isinstance(data, dict) or not isinstance(data.get("hosts", {}), dict):
        problems.add(path, index.line(()), "expected a mapping with key 'hosts'", key="hosts")
        raise InvalidInput(problems)
    for host, entry in (data.get("hosts") or {}).items():
        steps = entry.get("steps") if isinstance(entry, dict) else None
        if not isinstance(steps, dict):
            problems.add(path, index.line(("hosts", host)), "expected a mapping with key 'steps'",
                         key=f"hosts.{host}")
            continue
        for step in steps:
            if step not in STEPS:
                problems.add(path, index.line(("hosts", host, "steps", step)), f"unknown step {step!r}",
                             key=f"hosts.{host}.steps.{step}")
    if problems:
        raise InvalidInput(problems)
    data.setdefault("hosts", {})
    if data["hosts"] is None:
        data["hosts"] = {}
    return data


@contextmanager
def _locked(workspace: Path) -> Iterator[None]:
    lock_path = workspace / "state" / ".decommission.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _require_workspace(workspace: Path) -> None:
    if not workspace.is_dir():
        raise UserError(f"{workspace}: not a workspace folder")


def record(workspace: Path, host: str, entry: StepRecord) -> bool:
    """Mirror one step; returns False when the same outcome was already recorded (nothing written)."""
    return record_many(workspace, [(host, entry)]) == 1


def record_many(workspace: Path, entries: list[tuple[str, StepRecord]]) -> int:
    """Mirror many steps in one write (a collected run has every step of every host); returns how
    many differ from what was recorded. Every problem is reported before anything is written."""
    _require_workspace(workspace)
    problems = Diagnostics()
    for host, entry in entries:
        found = validate_record(entry)
        if not host or not re.match(r"^[A-Za-z0-9_.-]+$", host):
            found.add("--host", None, f"invalid host name {host!r}")
        if len(entries) == 1:  # one step from the command line: its options name the problems
            problems.extend(found)
            continue
        for item in found:
            problems.add(f"{host} {entry.step}", None, f"{item.file.lstrip('-')}: {item.message}")
    if problems:
        raise InvalidInput(problems)
    changed = 0
    with _locked(workspace):
        state = _load_state(workspace)
        for host, entry in entries:
            steps = state["hosts"].setdefault(host, {"steps": {}})["steps"]
            current = steps.get(entry.step, {})
            if all(current.get(key) == value for key, value in entry.as_dict().items() if key != "at"):
                continue
            steps[entry.step] = entry.as_dict()
            changed += 1
        if changed:
            atomic_write(workspace / STATE_FILE, dump_yaml(state, header=HEADER))
    return changed


def _old_districts(workspace: Path) -> list[dict[str, Any]]:
    path = old_units_path(workspace)
    if not path.exists():
        return []
    data, _ = load_yaml(path)
    districts = (data or {}).get("old_districts") or [] if isinstance(data, dict) else []
    return [d for d in districts if isinstance(d, dict) and d.get("host")]


def status(workspace: Path) -> list[HostStatus]:
    """Every old district of the inventory (and any other host in the journal), in a stable order."""
    _require_workspace(workspace)
    journal = _load_state(workspace)["hosts"]
    rows: dict[str, HostStatus] = {}
    for district in _old_districts(workspace):
        host = str(district["host"])
        rows[host] = HostStatus(host=host, district=str(district.get("name", "")),
                                code=str(district.get("code", "")))
    for host, entry in journal.items():
        rows.setdefault(host, HostStatus(host=host)).steps = dict(entry.get("steps") or {})
    return [rows[host] for host in sorted(rows)]


def render_text(rows: list[HostStatus]) -> str:
    if not rows:
        return "no old districts in the inventory and nothing recorded yet\n"
    lines = []
    for row in rows:
        title = f"{row.host}" + (f"  {row.district} ({row.code})" if row.district else "")
        lines.append(f"{title}  next: {row.next_step}")
        for step in STEPS:
            entry = row.steps.get(step)
            if not entry:
                lines.append(f"  {step:<10} pending")
                continue
            seal = f" sha256 {entry.get('sha256')}" if entry.get("sha256") else ""
            archive = f" archive {entry.get('archive')}" if entry.get("archive") else ""
            lines.append(f"  {step:<10} {entry.get('status', '?'):<8} {entry.get('at', '')}{archive}{seal}")
            lines.extend(f"  {'':<10} {note}" for note in _detail_notes(entry.get("details") or {}))
    return "\n".join(lines) + "\n"


_SHOWN_DIFFERENCES = 5


def _detail_notes(details: dict[str, Any]) -> list[str]:
    """The details an engineer acts on: what was skipped, why verification failed, what the
    directory part did. The rest stays in --json."""
    notes = [f"skipped: {skipped}" for skipped in details.get("skipped") or []]
    differences = details.get("differences") or []
    notes += [f"difference: {difference}" for difference in differences[:_SHOWN_DIFFERENCES]]
    if len(differences) > _SHOWN_DIFFERENCES:
        notes.append(f"... and {len(differences) - _SHOWN_DIFFERENCES} more difference(s) (--json)")
    directory = details.get("directory")
    if isinstance(directory, dict) and directory.get("branch"):
        if str(directory.get("branch_exists")).lower() == "true":
            now, before = directory.get("disabled_now"), directory.get("disabled_before")
            notes.append(f"directory: {directory.get('accounts')} account(s) under {directory['branch']} "
                         f"disabled ({now} by this step, {before} before)")
        else:
            notes.append(f"directory: no branch {directory['branch']}, no account to disable")
    return notes
