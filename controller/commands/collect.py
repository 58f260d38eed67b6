"""`mergectl collect DIR SOURCE...`: what a run reported, into the workspace (controller/collect.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from controller.collect import collect


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "collect",
        help="record what a run reported: decommissioning journals, released lines and addresses",
        description=(
            "The playbooks never call the controller: what they did is kept on the hosts (the archive\n"
            "host's journal.json per old host, the core's releases.json) and handed to the run's\n"
            "artefacts. This records it: the decommissioning mirror (state/decommission.yml, shown by\n"
            "`mergectl decommission status`), the quarantine (released lines and addresses) and\n"
            "reports/dataline-terminated.csv. `mergectl apply` does it after every run; collect runs\n"
            "that went elsewhere (AWX, ansible-playbook). Idempotent; nothing is written when any\n"
            "SOURCE has a problem."
        ),
        epilog=(
            "SOURCE: a run folder (DIR/reports/runs/<run>/, ansible-runner's artefacts), an AWX job saved\n"
            "as JSON (GET /api/v2/jobs/ID/), or a journal copied from a host (journal.json, releases.json).\n"
            "examples:\n"
            "  mergectl collect inventories/lamdong job-4711.json\n"
            "  scp archive1:/srv/archive/hosts/old-binhthuan-phanthiet/journal.json . && "
            "mergectl collect inventories/lamdong journal.json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument("sources", type=Path, nargs="+", metavar="SOURCE", help="what to collect")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from controller.errors import UserError

    if not args.workspace.is_dir():
        raise UserError(f"{args.workspace}: not a workspace folder")
    for line in collect(args.workspace, args.sources).lines():
        print(line)
    return 0
