"""`mergectl apply DIR`: run a playbook of the product against the workspace (or its lab)."""

from __future__ import annotations

import argparse
from pathlib import Path

from controller.errors import EXIT_FAILED, EXIT_OK
from controller.run import NAMED_PLAYBOOKS, RunRequest, print_result, resolve_playbook, run_playbook


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "apply",
        help="run a playbook (site, commune, dns, ...) against the workspace's hosts or its lab",
        description="Run one of the product's playbooks through ansible-runner with the repository's "
        "ansible.cfg. Each run is recorded in DIR/reports/runs/<timestamp>-<playbook>/ with a "
        "summary.json (ok/changed/failed per host); then what the run reported (decommissioning "
        "journals, released lines and addresses) is collected into the workspace, as `mergectl "
        "collect` does, except after --check. Exit 5 when any host failed or was unreachable.",
        epilog="example: mergectl apply inventories/lamdong --lab --playbook site",
    )
    parser.add_argument(
        "workspace", type=Path, metavar="DIR", help="workspace rendered by 'mergectl inventory'"
    )
    parser.add_argument(
        "--playbook",
        default="site",
        metavar="NAME|PATH",
        help=f"one of {', '.join(NAMED_PLAYBOOKS)} or a playbook file (default: site)",
    )
    parser.add_argument("--limit", metavar="PATTERN", help="Ansible host pattern")
    parser.add_argument(
        "--lab",
        action="store_true",
        help="run against the lab's containers (adds DIR/lab/hosts.yml, limits to group 'lab')",
    )
    parser.add_argument("--check", action="store_true", help="dry run: report what would change")
    parser.add_argument("--diff", action="store_true", help="show the changes to files and templates")
    parser.add_argument(
        "--vault-id",
        action="append",
        default=[],
        metavar="[LABEL@]SOURCE",
        help="vault password source, repeatable: a file, or an executable password script (a name ending "
        "in -client is asked for LABEL with --vault-id); replaces DIR/.vault-pass. "
        "ANSIBLE_VAULT_IDENTITY_LIST is honoured too",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from controller.errors import InvalidInput
    from controller.secrets import check_secrets

    playbook = resolve_playbook(args.playbook)
    # Every secret the run will need, checked before the first play rather than in the middle.
    missing = check_secrets(args.workspace, args.vault_id, need_tsig=playbook.stem in ("site", "dns"))
    if missing:
        raise InvalidInput(missing)
    request = RunRequest(
        workspace=args.workspace,
        playbook=playbook,
        limit=args.limit,
        lab=args.lab,
        check=args.check,
        diff=args.diff,
        vault_ids=tuple(args.vault_id),
    )
    result = run_playbook(request)
    print_result(result)
    if not args.check:
        from controller.collect import collect

        # Also after a failed run: what the hosts recorded before the failure is true all the same.
        outcome = collect(args.workspace, [result.run_dir], require_any=False)
        if not outcome.empty:
            for line in outcome.lines():
                print(line)
    return EXIT_OK if result.ok else EXIT_FAILED
