"""`mergectl lab up|down|status|check DIR`: the province in a box on podman.

controller/cli.py registers this verb by name; every mergectl run imports this module to
build its parser, so podman code is imported only once the verb runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from lab.plan import DEFAULT_IMAGE


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lab",
        help="start, stop, show or check the containerised lab of a rendered workspace",
        description="Run one container per host of a slice of the province (core1, the Integration "
        "Centre servers, the first N commune gateways with a LAN client each on the government VLAN "
        "and one on the Party VLAN, and the old district hosts they draw from) on podman networks of "
        "its own, and write DIR/lab/hosts.yml, the connection overlay that 'mergectl apply --lab' "
        "adds to the inventory. 'check' runs 'mergectl check' from this machine against the lab's "
        "containers, then tests, from each commune's LAN clients, the DHCP lease, every "
        "new commune name through the gateway's resolver, the core's loopback and the gateway's "
        "policy (the Party VLAN never reaches the government VLAN); it writes DIR/state/check.json "
        "and exits 5 when a check fails.",
        epilog="examples: mergectl lab up inventories/lamdong --communes 2; "
        "mergectl lab check inventories/lamdong --limit muine-gw",
    )
    parser.add_argument("action", choices=["up", "down", "status", "check"])
    parser.add_argument(
        "workspace", type=Path, metavar="DIR", help="workspace rendered by 'mergectl inventory'"
    )
    parser.add_argument(
        "--communes",
        type=int,
        metavar="N",
        help="how many commune gateways (inventory order, after --limit); default 2, "
        "or all that --limit matches",
    )
    parser.add_argument(
        "--limit",
        metavar="PATTERN",
        help="Ansible-style pattern (hosts/groups, ',' separated, '!' excludes); a kept "
        "gateway brings its client, its old district hosts and core1; with check: the "
        "communes to check",
    )
    parser.add_argument("--hypervisors", action="store_true", help="also start the hypervisors (heavy)")
    parser.add_argument("--image", default=DEFAULT_IMAGE, help="container image (default %(default)s)")
    parser.add_argument(
        "--no-seed",
        action="store_true",
        help="do not run playbooks/lab/seed-old-districts.yml on the old district hosts",
    )
    parser.add_argument(
        "--reseed", action="store_true", help="seed the old district hosts again even if already done"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lab import lifecycle

    if args.action == "up":
        communes = args.communes if args.communes is not None else (None if args.limit else 2)
        lifecycle.up(
            args.workspace,
            lifecycle.UpOptions(
                communes=communes,
                limit=args.limit,
                hypervisors=args.hypervisors,
                image=args.image,
                seed=not args.no_seed,
                reseed=args.reseed,
            ),
        )
        print(
            f"next: mergectl apply {args.workspace} --lab --playbook site; stop with: mergectl lab down "
            f"{args.workspace}"
        )
        return 0
    if args.action == "down":
        lifecycle.down(args.workspace)
        return 0
    if args.action == "check":
        from lab.check import run_check

        return run_check(args.workspace, args.limit)
    return lifecycle.status(args.workspace)
