"""`mergectl validate DIR`: check every input file of a workspace and report all problems at once."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from controller.errors import EXIT_INTERNAL, EXIT_INVALID, EXIT_OK, Diagnostics, InvalidInput
from controller.validate import CheckerUnavailable, contrib_validators, validate_workspace
from controller.workspace import Workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check mapping.yml, province.yml and every workstream's inputs; report all problems",
        description="Check every input file of the workspace, the allocation state against the operator's "
        "addresses, and, once the inventory is rendered, the secrets the playbooks will need (the vault "
        "password, the DNS TSIG key). Problems are printed as FILE:LINE: message (with the YAML key path), "
        "all of them in one run; exit code 3 when there is any, 1 when a checker cannot run (then nothing "
        "is called valid). Nothing is written.",
        epilog="example: mergectl validate inventories/lamdong --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    parser.add_argument(
        "--vault-id",
        action="append",
        default=[],
        metavar="[LABEL@]SOURCE",
        help="vault password file or client script, as for `apply` (default DIR/.vault-pass)",
    )
    parser.set_defaults(handler=run)


def _problems(diagnostics: Diagnostics) -> list[dict[str, Any]]:
    return [
        {"file": item.file, "line": item.line, "key": item.key, "message": item.message, "hint": item.hint}
        for item in diagnostics
    ]


def run(args: argparse.Namespace) -> int:
    from controller.secrets import check_secrets

    ws = Workspace(args.workspace)
    ws.require()
    try:
        mapping, province, diagnostics = validate_workspace(ws)
        checkers = [name for name, _ in contrib_validators()] if province is not None else []
    except CheckerUnavailable as error:
        if not args.json:
            raise
        print(json.dumps({"workspace": str(ws.dir), "valid": False, "incomplete": str(error), "problems": []},
                         ensure_ascii=False, indent=2))
        return EXIT_INTERNAL
    if not diagnostics:
        diagnostics = check_secrets(ws.dir, args.vault_id)
    checks = ["mapping.yml", *(["province.yml", "state", *checkers] if province is not None else [])]
    if (ws.dir / "hosts.yml").is_file():
        checks.append("secrets")
    if args.json:
        print(json.dumps(
            {
                "workspace": str(ws.dir),
                "valid": not diagnostics,
                "checks": checks,
                "problems": _problems(diagnostics),
                "new_units": len(mapping.new_units) if mapping else None,
                "old_units": len(mapping.old_units) if mapping else None,
            },
            ensure_ascii=False,
            indent=2,
        ))
        return EXIT_INVALID if diagnostics else EXIT_OK
    if diagnostics:
        raise InvalidInput(diagnostics)
    assert mapping is not None  # no diagnostics means the mapping was read
    counts = (f"{len(mapping.new_units):,} new units of {mapping.province} from "
              f"{len(mapping.old_units):,} old units in {len(mapping.old_districts()):,} old districts")
    print(f"{ws.dir}: valid ({', '.join(checks)}): {counts}")
    return EXIT_OK
