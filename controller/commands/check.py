"""`mergectl check DIR`: the acceptance check from the control node (docs/check.md)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from controller.errors import EXIT_FAILED, EXIT_OK


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "check",
        help="acceptance check of the hosts from the control node: DNS, MX, DKIM, portals, mail, loopbacks",
        description="From the control node, against the hosts at their inventory addresses: every commune's "
        "name at each name server with the same zone serial, its MX, the DKIM key, each portal over HTTPS "
        "with the internal CA, the mail server's SMTP and IMAPS banners, each gateway's site loopbacks. "
        "Prints one PASS/FAIL/SKIP row per check (or --json), writes DIR/state/check.json (the report "
        "reads it) and exits 5 when a check FAILs (docs/check.md). A workspace with a lab is checked with "
        "'mergectl lab check DIR', which reaches the lab's containers.",
        epilog="examples: mergectl check inventories/lamdong --ca pki/ca.pem; "
        "mergectl check inventories/lamdong --limit muine-gw --json",
    )
    parser.add_argument(
        "workspace", type=Path, metavar="DIR", help="workspace rendered by 'mergectl inventory'"
    )
    parser.add_argument(
        "--limit",
        metavar="PATTERN",
        help="Ansible-style pattern (hosts, groups, commune labels or codes; ',' separated, '!' excludes, "
        "wildcards): the communes and servers to check; the province-wide checks always run",
    )
    parser.add_argument(
        "--ca",
        type=Path,
        metavar="FILE",
        help="the internal CA's certificate (PEM) the portals' and mail server's certificates chain to; "
        "default: the system's trusted CAs",
    )
    parser.add_argument("--json", action="store_true", help="the results as JSON (check.json's content)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from controller.check.results import new_run, ordered, write_check
    from controller.check.service import check_workspace
    from controller.check.table import render_table, summary_line

    started = time.monotonic()
    checked = check_workspace(args.workspace, limit=args.limit, ca_file=args.ca)
    check_run = new_run(ordered(checked.results), limit=args.limit, lab=False)
    path = write_check(args.workspace, check_run)
    summary = summary_line(check_run, time.monotonic() - started)
    if args.json:
        print(json.dumps(check_run.to_json_data(), indent=2, ensure_ascii=False))
        print(f"{summary}; written to {path}", file=sys.stderr)
    else:
        print(render_table(check_run.results, checked.commune_labels))
        print(f"{summary}; written to {path}")
    return EXIT_FAILED if check_run.failed else EXIT_OK
