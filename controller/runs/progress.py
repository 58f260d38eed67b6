"""Live progress of a run on screen, from ansible-runner's events.

A province runs a playbook on a hundred communes or more: a line per task and host would
scroll the failures away. What is shown: each play, each failure at once, diffs under their
host and task when asked for, and per workstream how many hosts of the play's group are done
when the play ends ("network: 37/39 communes done, 2 failed"); per task lines with -v.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from controller.runs.diffs import diff_lines
from controller.runs.events import failure_message, result_status
from controller.runs.workstreams import NO_WORKSTREAM, workstream_of

Printer = Callable[[str], None]


@dataclass
class PlayProgress:
    group: str
    uuid: str = ""
    workstream: str = NO_WORKSTREAM
    hosts: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    shown: str = ""  # the last line printed, not repeated at the end of the play

    def line(self) -> str:
        done = len(self.hosts - self.failed)
        failed = f", {len(self.failed)} failed" if self.failed else ""
        return f"{self.workstream}: {done}/{len(self.hosts)} {self.group} done{failed}"


def _play_id(data: Mapping[str, Any]) -> str:
    # ansible-runner gives each batch of a `serial` play its play's uuid with "_2", "_3"... appended.
    return str(data.get("play_uuid", "")).split("_", 1)[0]


class ProgressPrinter:
    def __init__(self, out: Printer, *, diff: bool = False, verbose: bool = False) -> None:
        self.out = out
        self.diff = diff
        self.verbose = verbose
        self.play: PlayProgress | None = None

    def __call__(self, event: Mapping[str, Any]) -> bool:
        kind = event.get("event", "")
        data = event.get("event_data") or {}
        if (
            kind == "playbook_on_play_start"
            and self.play
            and self.play.uuid
            and self.play.uuid == _play_id(data)
        ):
            # The next batch of a play with `serial`: its hosts count on with the earlier batches'.
            self._show(self.play)
        elif kind in ("playbook_on_play_start", "playbook_on_stats"):
            self._end_play()
            if kind == "playbook_on_play_start":
                self.out(f"PLAY {data.get('play', '')}")
                self.play = PlayProgress(group=str(data.get("play_pattern") or "hosts"), uuid=_play_id(data))
        elif kind == "playbook_on_task_start" and self.verbose:
            self.out(f"  TASK {data.get('task', '')}")
        elif kind == "runner_on_file_diff" and self.diff:
            self._print_diff(data, data.get("diff"))
        status = result_status(kind, data)
        if status:
            self._result(status, data)
        return True

    def _result(self, status: str, data: Mapping[str, Any]) -> None:
        host = str(data.get("host", ""))
        result = data.get("res") or {}
        play = self.play
        if play is not None:
            if play.workstream == NO_WORKSTREAM:
                play.workstream = workstream_of(data.get("role"))
            play.hosts.add(host)
        if status in ("failed", "unreachable"):
            self.out(f"    {status.upper()} {host}: {data.get('task', '')}: {failure_message(result)}")
            if play is not None and host not in play.failed:
                play.failed.add(host)
                self._show(play)
        elif self.verbose and status != "skipped":
            self.out(f"    {'changed' if result.get('changed') else status:<8} {host}")

    def _print_diff(self, data: Mapping[str, Any], diffs: Any) -> None:
        lines = diff_lines(diffs)
        if lines:
            self.out(f"    --- diff {data.get('host', '')}: {data.get('task', '')}")
            for line in lines:
                self.out(f"      {line}")

    def _show(self, play: PlayProgress) -> None:
        line = play.line()
        if line != play.shown:
            self.out(f"  {line}")
            play.shown = line

    def _end_play(self) -> None:
        if self.play is not None and self.play.hosts:
            self._show(self.play)
        self.play = None
