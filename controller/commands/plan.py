"""`mergectl plan DIR`: what `inventory` would change, per workstream, per commune and per file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from controller.errors import EXIT_CHANGES, EXIT_OK
from controller.workspace import Workspace

if TYPE_CHECKING:
    from controller.change_plan import Plan


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="show what would be created, renamed, kept for look-up and retired",
        description=(
            "Allocate and render in memory (nothing is written) and compare with the workspace:\n"
            "per workstream and per commune, what would be created, renamed, kept for look-up and\n"
            "retired (against state/rendered.yml), then every rendered file against the one on disk,\n"
            "summarised per kind ('45 gateways: commune_vlans[gov].id 10 -> 11'); --diff adds the\n"
            "unified diff. A change of more than 30 % of a kind's items (at least 10) is shown as\n"
            "REFUSED: `inventory` needs --allow-mass-change for it.\n"
            "Exit 0; with --detailed-exitcode exit 2 when there are changes (like terraform plan).\n"
            "Invalid input exits 3 either way, with its messages on stderr."
        ),
        epilog="example: mergectl plan bt --diff -o   # also writes bt/reports/plan.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.add_argument("--detailed-exitcode", action="store_true", help="exit 2 when there are changes")
    parser.add_argument("--summary", action="store_true", help="print only the summaries")
    parser.add_argument("--diff", action="store_true", help="also print the unified diff of every file")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        nargs="?",
        const=Path("-default-"),
        metavar="FILE",
        help="also write the plan as Markdown (default DIR/reports/plan.md)",
    )
    parser.set_defaults(handler=run)


def compute_plan(workspace: Workspace) -> Plan:
    from controller.preview import preview

    return preview(workspace).plan


def run(args: argparse.Namespace) -> int:
    import json

    from controller.change_plan import to_markdown, to_text

    workspace = Workspace(args.workspace)
    plan = compute_plan(workspace)
    if args.json:
        data = json.loads(plan.to_json())
        if args.diff:
            data["diff"] = plan.diff_text()
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(to_text(plan, detailed=not args.summary, show_diff=args.diff))
    if args.output is not None:
        from controller.yamlio import atomic_write

        target = workspace.reports_dir / "plan.md" if str(args.output) == "-default-" else args.output
        atomic_write(target, to_markdown(plan, str(workspace.dir)))
        print(f"wrote {target}", file=sys.stderr)
    return EXIT_CHANGES if args.detailed_exitcode and plan.has_changes else EXIT_OK
