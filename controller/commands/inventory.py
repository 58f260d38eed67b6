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
            "Nothing is written when any input is invalid (exit 3), and nothing when the render\n"
            "would change or retire more than 30 % of a kind's items (at least 10: gateways,\n"
            "clients, communes, ...) unless --allow-mass-change is given (exit 4; `mergectl plan`\n"
            "shows it in advance)."
        ),
        epilog="example: mergectl inventory bt && ansible-inventory -i bt --graph communes",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    parser.add_argument(
        "--allow-mass-change",
        action="store_true",
        help="render even when more than 30 %% of a kind's items change (after reviewing `plan --diff`)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from controller.accounts.services import issue_missing
    from controller.allocate import validated_inputs
    from controller.change_plan import MASS_CHANGE_HINT
    from controller.errors import Refused
    from controller.preview import preview
    from controller.render import write_workspace
    from controller.render.writer import check_writable

    started = time.monotonic()
    workspace = Workspace(args.workspace)
    inputs = validated_inputs(workspace)  # invalid input: exit before even the lock file is made
    with workspace.lock():
        # A service added since the last staff import gets its password before the render reads
        # the accounts (stable from then on, whatever the rest of this run decides).
        issued = issue_missing(workspace.dir)
        # Everything in memory first (allocation, contribution modules, the comparison with the
        # disk): a problem anywhere, or a refused mass change, leaves the state untouched too.
        seen = preview(workspace, inputs)
        if seen.refusals and not args.allow_mass_change:
            raise Refused(seen.refusals, MASS_CHANGE_HINT.replace("DIR", str(workspace.dir)))
        check_writable(workspace.dir, seen.files)  # a user's file in the way: refuse before the state
        state, allocations, tree = seen.state, seen.allocations, seen.tree
        if seen.state_changed:
            from controller.allocate import save_state

            save_state(workspace.state_dir, state)
        counts = write_workspace(workspace.dir, tree, seen.files, allocations)
    if not args.quiet:
        if issued:
            names = ", ".join(issued)
            print(f"note: issued the directory password of service(s) {names} (state/accounts.vault.yml)")
        for note in allocations.notes:
            print(f"note: {note}")
        if counts.stale_temps:
            print(f"note: removed {counts.stale_temps} temporary file(s) left by an interrupted run")
        for item in allocations.released:
            print(f"quarantined: {item.kind} {item.value} ({item.owner}: {item.reason})")
        print(
            f"{workspace.dir}: {len(allocations.communes)} communes, {len(tree.host_vars)} hosts, "
            f"{len(tree.groups)} groups; generation {state.generation}"
            f"{' (allocation changed)' if seen.state_changed else ' (allocation unchanged)'}; "
            f"files written {counts.written}, unchanged {counts.unchanged}, removed {counts.removed} "
            f"in {time.monotonic() - started:.2f}s"
        )
    return 0
