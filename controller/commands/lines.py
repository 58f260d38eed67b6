"""`mergectl lines set|list`: how far each line ordered from the operator, or to end, has come."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from controller.lines import tables
from controller.lines.changes import set_status
from controller.lines.orders import build
from controller.lines.register import STATUSES, parse_day
from controller.workspace import Workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lines",
        help="data lines: record each line's status (ordered, installed, tested, ended) and list them",
        description="The lines of `mergectl export line-orders`: a new line per HQ site, key "
        "<commune code or label>/<site> (22918/hq, muine/party), and the old lines to end, key the old "
        "unit's or district's code. Statuses move forward: ordered -> installed -> tested for a new "
        "line, ended for an old one; DIR/registers/lines.yml keeps every change with who and when.",
        epilog="examples:\n  mergectl lines set inventories/lamdong 22918/hq muine/party --status ordered "
        "--date 2025-06-10\n  mergectl lines set inventories/lamdong 593 --status ended --note 'VNPT BB 12'\n"
        "  mergectl lines list inventories/lamdong",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="lines_action", metavar="ACTION", required=True)
    put = actions.add_parser(
        "set", help="record the status of one or more lines",
        description="Every line named must exist and may take the status, or nothing is written (exit 3); "
        "a step back (installed -> ordered), or ending an old line before its district is decommissioned "
        "(`mergectl decommission status`: the revoke step), is refused (exit 4) unless --force.")
    put.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    put.add_argument("keys", nargs="+", metavar="KEY",
                     help="<commune code or label>/<site> for a new line, the old unit's or district's code "
                          "for a line to end")
    put.add_argument("--status", required=True, choices=STATUSES)
    put.add_argument("--date", metavar="YYYY-MM-DD", help="the day it happened (default: today)")
    put.add_argument("--note", default="", metavar="TEXT", help="e.g. the operator's acceptance record")
    put.add_argument("--force", action="store_true",
                     help="record what is refused otherwise: a step back (a correction), an old line ended "
                          "before its district's decommissioning")
    put.set_defaults(handler=run_set)
    show = actions.add_parser("list",
                              help="every line with its status, OVERDUE marks against the plan's dates")
    show.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    show.add_argument("--json", action="store_true", help="JSON instead of a table")
    show.add_argument("--today", metavar="YYYY-MM-DD", help="judge deadlines as of this day (default: today)")
    show.set_defaults(handler=run_list)


def run_set(args: argparse.Namespace) -> int:
    day = parse_day(args.date, "--date") if args.date else dt.date.today()
    for outcome in set_status(Workspace(args.workspace), args.keys, args.status, day, args.note, args.force):
        print(outcome)
    return 0


def run_list(args: argparse.Namespace) -> int:
    today = parse_day(args.today, "--today") if args.today else None
    orders = build(Workspace(args.workspace), today)
    if args.json:
        print(json.dumps(tables.json_data(orders), ensure_ascii=False, indent=2))
    else:
        print(tables.text(orders), end="")
    return 0
