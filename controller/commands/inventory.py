"""`mergectl inventory DIR`: validate -> allocate (write state) -> render the Ansible inventory."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from controller.workspace import Workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "inventory",
        help="allocate and render the Ansible inventory of a workspace",
        description=(
            "Validate the workspace, allocate what is new (state/allocations.yml, stable across re-runs)\n"
            "and render hosts.yml, group_vars/ and host_vars/ per docs/inventory-contract.md.\n"
            "Generated files carry a header; files without it are never overwritten.\n"
            "Nothing is written when any input is invalid (exit 3)."
        ),
        epilog="example: mergectl inventory bt && ansible-inventory -i bt --graph communes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from controller.allocate import allocate_workspace, validated_inputs
    from controller.render import build_inventory, write_workspace
    from controller.render.writer import check_writable

    started = time.monotonic()
    workspace = Workspace(args.workspace)
    inputs = validated_inputs(workspace)
    with workspace.lock():
        state, allocations, changed = allocate_workspace(workspace, inputs, write=False)
        # Render in memory first: a contribution module's problem must leave the state untouched too.
        tree, files = build_inventory(workspace, inputs.mapping, inputs.province, allocations)
        check_writable(workspace.dir, files)  # a user's file in the way: refuse before touching the state
        if changed:
            from controller.allocate import save_state

            save_state(workspace.state_dir, state)
        counts = write_workspace(workspace.dir, tree, files, allocations)
    if not args.quiet:
        for note in allocations.notes:
            print(f"note: {note}")
        if counts.stale_temps:
            print(f"note: removed {counts.stale_temps} temporary file(s) left by an interrupted run")
        for item in allocations.released:
            print(f"quarantined: {item.kind} {item.value} ({item.owner}: {item.reason})")
        print(
            f"{workspace.dir}: {len(allocations.communes)} communes, {len(tree.host_vars)} hosts, "
            f"{len(tree.groups)} groups; generation {state.generation}"
            f"{' (allocation changed)' if changed else ' (allocation unchanged)'}; "
            f"files written {counts.written}, unchanged {counts.unchanged}, removed {counts.removed} "
            f"in {time.monotonic() - started:.2f}s"
        )
    return 0
