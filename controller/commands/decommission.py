"""`mergectl decommission status|record DIR`: the decommissioning journal of the old districts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from controller import decommission


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "decommission",
        help="per old district: which decommissioning steps are done, when, with which archive",
        description="The decommissioning journal (DIR/state/decommission.yml): the archive host's journals, "
        "mirrored by `mergectl collect` from the runs (`mergectl apply` collects after every run).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    show = actions.add_parser("status", help="show each old district's steps",
                              epilog="example: mergectl decommission status inventories/lamdong --json")
    show.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    show.add_argument("--json", action="store_true", help="machine-readable output")
    show.set_defaults(handler=run_status)

    note = actions.add_parser("record", help="record one step by hand (runs are collected: mergectl collect)")
    note.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    note.add_argument("--host", required=True, help="inventory name of the old host")
    note.add_argument("--step", required=True, choices=decommission.STEPS)
    note.add_argument("--status", default="done", choices=decommission.STATUSES)
    note.add_argument("--archive", default="", help="archive identifier")
    note.add_argument("--sha256", default="", help="the archive's seal")
    note.add_argument("--at", required=True, help="UTC time of the step, YYYY-MM-DDTHH:MM:SSZ")
    note.add_argument("--details", default="{}", help="JSON object with the step's details")
    note.set_defaults(handler=run_record)


def run_status(args: argparse.Namespace) -> int:
    rows = decommission.status(args.workspace)
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=1))
    else:
        print(decommission.render_text(rows), end="")
    return 0


def run_record(args: argparse.Namespace) -> int:
    entry = decommission.StepRecord(step=args.step, status=args.status, at=args.at, archive=args.archive,
                                    sha256=args.sha256, details=decommission.parse_details(args.details))
    changed = decommission.record(args.workspace, args.host, entry)
    print(f"{'recorded' if changed else 'unchanged'}: {args.host} {args.step} {args.status}")
    return 0
