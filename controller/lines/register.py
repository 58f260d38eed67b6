"""`DIR/registers/lines.yml`: the status of each line, and every change of it (who, when).

A new line (key `<commune code>/<site>`) goes ordered -> installed -> tested; an old line to
end (key: the old unit's or district's code) becomes ended. Statuses only move forward: a
step back is a correction that `mergectl lines set --force` makes explicitly, and the
history keeps it. Written only by `mergectl lines set` (atomically, under the workspace lock)
and checked on every read: a hand edit that breaks it is a `FILE:LINE` error.

    version: 1
    lines:
      22918/hq:
        status: installed
        date: "2025-06-13"
        history:
          - {status: ordered, date: "2025-06-04", by: Trần Minh, at: "2025-06-04T08:10:00Z"}
          - {status: installed, date: "2025-06-13", by: Trần Minh, at: "2025-06-13T15:02:11Z"}
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from controller import values
from controller.errors import Diagnostics, InvalidInput
from controller.workspace import Workspace
from controller.yamlio import KeyPath, atomic_write, dump_yaml, parse_yaml
from controller.yamlreader import YamlReader

FILE_NAME = "lines.yml"
VERSION = 1
HEADER = (
    "Written by `mergectl lines set`: the status of each data line ordered from the operator and\n"
    "of each old line to end, with its history. Checked on every read; change it with lines set\n"
    "(--force to step back)."
)
NEW_LINE_STATUSES = ("ordered", "installed", "tested")
ENDED = "ended"
STATUSES = (*NEW_LINE_STATUSES, ENDED)
RECORD_KEYS = ("status", "date", "note", "history")
CHANGE_KEYS = ("status", "date", "note", "by", "at", "forced")


@dataclass(frozen=True)
class Change:
    status: str
    date: str  # the day it happened (YYYY-MM-DD)
    by: str  # who recorded it
    at: str  # when it was recorded (UTC)
    note: str = ""
    forced: bool = False  # made with --force: a step back, or an old line ended before its district

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"status": self.status, "date": self.date}
        if self.note:
            found["note"] = self.note
        found.update(by=self.by, at=self.at)
        if self.forced:
            found["forced"] = True
        return found


@dataclass
class LineStatus:
    key: str
    status: str
    date: str
    note: str = ""
    history: list[Change] = field(default_factory=list)
    line: int | None = None  # where it is written in lines.yml

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.date)

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"status": self.status, "date": self.date}
        if self.note:
            found["note"] = self.note
        found["history"] = [change.as_dict() for change in self.history]
        return found


Statuses = dict[str, LineStatus]


def register_path(workspace: Workspace) -> Path:
    return workspace.registers_dir / FILE_NAME


def rank(status: str | None) -> int:
    """How far a line has come: 0 not ordered (no record), then in NEW_LINE_STATUSES order; ended 1."""
    if status is None:
        return 0
    return 1 if status == ENDED else NEW_LINE_STATUSES.index(status) + 1


def load(workspace: Workspace) -> Statuses:
    """Every recorded line; InvalidInput with each problem's line when the file is broken."""
    path = register_path(workspace)
    if not path.exists():
        return {}
    data, lines, diagnostics = parse_yaml(path, what="the line status register")
    if diagnostics:
        raise InvalidInput(diagnostics)
    reader = YamlReader(path, data, lines, diagnostics)
    if not isinstance(data, dict):
        reader.error((), "expected a mapping with version and lines")
        raise InvalidInput(diagnostics)
    reader.unknown_keys((), ("version", "lines"))
    version = reader.get(("version",))
    if version != VERSION:
        reader.error(("version",), f"unknown version {version!r}", hint=f"version: {VERSION}")
        raise InvalidInput(diagnostics)
    found: Statuses = {}
    for key, entry in reader.mapping(("lines",)).items():
        keypath: KeyPath = ("lines", str(key))
        if not isinstance(entry, dict):
            reader.error(keypath, "expected {status, date, note, history}")
            continue
        reader.unknown_keys(keypath, RECORD_KEYS)
        status = _status(reader, (*keypath, "status"))
        date = _date(reader, (*keypath, "date"))
        history = [_change(reader, (*keypath, "history", position))
                   for position, _ in enumerate(reader.sequence((*keypath, "history")))]
        if status and date and all(history):
            found[str(key)] = LineStatus(str(key), status, date, reader.text((*keypath, "note")),
                                         [change for change in history if change], lines.line(keypath))
    if diagnostics:
        raise InvalidInput(diagnostics)
    return found


def _status(reader: YamlReader, keypath: KeyPath) -> str:
    status = reader.text(keypath)
    if status not in STATUSES:
        reader.error(keypath, f"unknown status {status!r}", hint=" | ".join(STATUSES))
        return ""
    return status


def _date(reader: YamlReader, keypath: KeyPath) -> str:
    day = reader.date(keypath)
    return day.isoformat() if day else ""


def _change(reader: YamlReader, keypath: KeyPath) -> Change | None:
    if not isinstance(reader.get(keypath), dict):
        reader.error(keypath, "expected {status, date, by, at}")
        return None
    reader.unknown_keys(keypath, CHANGE_KEYS)
    status, date = _status(reader, (*keypath, "status")), _date(reader, (*keypath, "date"))
    if not status or not date:
        return None
    return Change(status, date, reader.text((*keypath, "by")), reader.text((*keypath, "at")),
                  reader.text((*keypath, "note")), reader.boolean((*keypath, "forced"), False))


def save(workspace: Workspace, statuses: Statuses) -> Path:
    """Write the register atomically, lines in key order; the caller holds the workspace lock."""
    path = register_path(workspace)
    data = {"version": VERSION, "lines": {key: statuses[key].as_dict() for key in sorted(statuses)}}
    atomic_write(path, dump_yaml(data, header=HEADER))
    return path


def who(workspace: Workspace) -> str:
    """Who records a change: git's user.name (and e-mail) where the workspace is kept in git, else
    the login name; never an error."""
    try:
        done = subprocess.run(["git", "-C", str(workspace.dir), "config", "user.name"], capture_output=True,
                              text=True, timeout=5, check=False)
        name = done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return name
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_day(text: str, what: str) -> dt.date:
    """A YYYY-MM-DD of the command line; InvalidInput naming the option otherwise."""
    try:
        return values.calendar_date(text)
    except values.BadValue as bad:
        problems = Diagnostics()
        problems.add(what, None, bad.message, hint=bad.hint)
        raise InvalidInput(problems) from None
