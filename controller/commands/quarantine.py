"""`mergectl quarantine release|list DIR`: record released resources; show what is held and until when."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from controller.allocate.allocations_state import QUARANTINE_KINDS
from controller.errors import UserError
from controller.workspace import Workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "quarantine",
        help="release a resource into quarantine, or list the quarantine",
        description=(
            "Released addresses, prefixes, domains, lines, accounts and e-doc codes are never handed\n"
            "out again before province.yml's quarantine policy allows it (e-doc codes: never).\n"
            "`release` is idempotent, takes the workspace lock and writes state/allocations.yml atomically."
        ),
        epilog=(
            "examples:\n"
            "  mergectl quarantine release bt --kind line --value 10.249.0.6/31 --owner 22915 "
            "--reason 'line terminated'\n"
            "  mergectl quarantine list bt --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = parser.add_subparsers(dest="quarantine_verb", metavar="ACTION", required=True)
    release = verbs.add_parser(
        "release",
        help="put a resource into quarantine",
        description="Record a released resource; idempotent (a second release changes nothing).",
        epilog="example: mergectl quarantine release bt --kind account --value phuongnt@muine.lamdong.gov.vn "
        "--owner muine --reason 'staff left'",
    )
    release.add_argument("workspace", type=Path, metavar="DIR")
    release.add_argument("--kind", required=True, choices=QUARANTINE_KINDS)
    release.add_argument("--value", required=True, help="the address, prefix, domain, line, account or code")
    release.add_argument("--owner", required=True, help="who held it (old unit code, commune label, user...)")
    release.add_argument("--reason", required=True, help="why it is released")
    release.set_defaults(handler=run_release)
    listing = verbs.add_parser(
        "list",
        help="show the quarantine",
        description="Each quarantined item, whether it is still held, and from when it may be reused.",
        epilog="example: mergectl quarantine list bt --json",
    )
    listing.add_argument("workspace", type=Path, metavar="DIR")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_list)


def run_release(args: argparse.Namespace) -> int:
    from controller.allocate.allocations_state import load_state, save_state
    from controller.allocate.quarantine import check_value, release
    from controller.errors import InvalidInput

    workspace = Workspace(args.workspace)
    workspace.require()
    problem, value = check_value(args.kind, args.value)
    if problem:
        raise UserError(f"--value: {problem}")
    if not args.owner.strip() or not args.reason.strip():
        raise UserError("--owner and --reason must not be empty")
    with workspace.lock():
        state, diagnostics = load_state(workspace.state_dir)
        if diagnostics:
            raise InvalidInput(diagnostics)
        added, item = release(
            state, args.kind, value, args.owner.strip(), args.reason.strip(), dt.date.today()
        )
        if added:
            save_state(workspace.state_dir, state)
    if added:
        print(f"quarantined {item.kind} {item.value} (generation {item.generation}, {item.date})")
    else:
        print(
            f"already in quarantine: {item.kind} {item.value} "
            f"since generation {item.generation} ({item.date})"
        )
    return 0


def run_list(args: argparse.Namespace) -> int:
    from controller.allocate.allocations_state import load_state
    from controller.allocate.quarantine import status
    from controller.errors import InvalidInput

    workspace = Workspace(args.workspace)
    workspace.require()
    state, diagnostics = load_state(workspace.state_dir)
    if diagnostics:
        raise InvalidInput(diagnostics)
    policy = None
    try:
        from controller.allocate import validated_inputs

        policy = validated_inputs(workspace).province.quarantine
    except InvalidInput:
        pass
    rows = status(state, policy, dt.date.today())
    if args.json:
        print(
            json.dumps(
                {
                    "generation": state.generation,
                    "items": [
                        {**row.item.__dict__, "held": row.held, "reusable_from": row.until} for row in rows
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not rows:
        print(f"{workspace.dir}: quarantine is empty (generation {state.generation})")
        return 0
    print(f"{workspace.dir}: generation {state.generation}, {len(rows)} item(s)")
    for row in rows:
        flag = "held " if row.held else "free "
        print(
            f"  {flag} {row.item.kind:<8} {row.item.value:<40} gen {row.item.generation} {row.item.date} "
            f"{row.item.owner}: {row.item.reason} (reusable from {row.until})"
        )
    return 0
