"""`mergectl report DIR`: the weekly progress report to the Department (Markdown or JSON)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from controller.errors import InvalidInput, UserError
from controller.report import build_report, to_json_data, to_markdown
from controller.workspace import Workspace
from controller.yamlio import atomic_write


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="weekly progress report: the plan's tasks, communes, workstreams, what was retired",
        description="The plan's tasks (province.yml) against their dates with what the runs applied and the "
        "last check verified, each commune's state per workstream with its failures, the per-workstream "
        "counts of the workspace's files, what was retired, and the next Thursday report date "
        "(docs/report-data.md). Unknown progress is shown as unknown, never as 0 %.",
        epilog="examples:\n  mergectl report inventories/lamdong\n"
        "  mergectl report inventories/lamdong --json -o inventories/lamdong/reports/progress.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument("--json", action="store_true", help="JSON instead of Markdown")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="report as of this date (default: today)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    ws = Workspace(args.workspace)
    ws.require()
    today = None
    if args.today:
        try:
            today = dt.date.fromisoformat(args.today)
        except ValueError:
            raise UserError(f"--today {args.today!r} is not a date (YYYY-MM-DD)") from None
    report, diagnostics = build_report(ws, today)
    if report is None:
        raise InvalidInput(diagnostics)
    if args.json:
        text = json.dumps(to_json_data(report), ensure_ascii=False, indent=2) + "\n"
    else:
        text = to_markdown(report)
    if args.output:
        atomic_write(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
