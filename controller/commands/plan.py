"""`mergectl plan DIR`: what `inventory` would change, per workstream and per commune; writes nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from controller.workspace import Workspace

EXIT_CHANGES = 2  # with --detailed-exitcode, like terraform


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "plan",
        help="show what would be created, renamed, kept for look-up and retired",
        description=(
            "Allocate in memory (nothing is written to state/) and compare with the last render\n"
            "(state/rendered.yml): per workstream and per commune, what would be created, renamed,\n"
            "kept for look-up and retired. Exit 0; with --detailed-exitcode exit 2 when there are\n"
            "changes (like terraform plan). Invalid input also exits 2, with its messages on stderr."
        ),
        epilog="example: mergectl plan bt -o   # also writes bt/reports/plan.md",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.add_argument("--detailed-exitcode", action="store_true", help="exit 2 when there are changes")
    parser.add_argument("--summary", action="store_true", help="print only the per-workstream summary")
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


def compute_plan(workspace: Workspace):  # returns controller.plan.Plan
    from controller.allocate import allocate_workspace, validated_inputs
    from controller.plan import diff
    from controller.render import build_inventory, snapshot
    from controller.yamlio import load_yaml

    inputs = validated_inputs(workspace)
    _state, allocations, _changed = allocate_workspace(workspace, inputs, write=False)
    tree, _files = build_inventory(workspace, inputs.mapping, inputs.province, allocations)
    rendered = workspace.state_dir / "rendered.yml"
    previous = load_yaml(rendered)[0] if rendered.exists() else None
    plan = diff(previous, snapshot(allocations, list(tree.host_vars)))
    plan.notes.extend(allocations.notes)
    plan.notes.extend(
        f"would quarantine {item.kind} {item.value} ({item.owner}: {item.reason})"
        for item in allocations.released
    )
    return plan


def run(args: argparse.Namespace) -> int:
    from controller.plan import to_markdown, to_text

    workspace = Workspace(args.workspace)
    plan = compute_plan(workspace)
    if args.json:
        print(plan.to_json())
    else:
        sys.stdout.write(to_text(plan, detailed=not args.summary))
    if args.output is not None:
        from controller.yamlio import atomic_write

        target = workspace.reports_dir / "plan.md" if str(args.output) == "-default-" else args.output
        atomic_write(target, to_markdown(plan, str(workspace.dir)))
        print(f"wrote {target}", file=sys.stderr)
    return EXIT_CHANGES if args.detailed_exitcode and plan.has_changes else 0
