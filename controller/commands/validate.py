"""`mergectl validate DIR`: check every input file of a workspace and report all problems at once."""

from __future__ import annotations

import argparse
from pathlib import Path

from controller.errors import InvalidInput
from controller.validate import contrib_validators, validate_workspace
from controller.workspace import Workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check mapping.yml, province.yml and every workstream's inputs; report all problems",
        description="Check every input file of the workspace. Problems are printed as FILE:LINE: message "
        "(with the YAML key path), all of them in one run; exit code 3 when there is any. "
        "Nothing is written.",
        epilog="example: mergectl validate inventories/lamdong",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    ws = Workspace(args.workspace)
    ws.require()
    mapping, province, diagnostics = validate_workspace(ws)
    if diagnostics:
        raise InvalidInput(diagnostics)
    assert mapping is not None  # no diagnostics means the mapping was read
    checks = ["mapping.yml"]
    if province is not None:
        checks.append("province.yml")
        checks.extend(name for name, _ in contrib_validators())
    counts = (f"{len(mapping.new_units):,} new units of {mapping.province} from "
              f"{len(mapping.old_units):,} old units in {len(mapping.old_districts()):,} old districts")
    print(f"{ws.dir}: valid ({', '.join(checks)}): {counts}")
    return 0
