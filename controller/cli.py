"""The `mergectl` command line.

Each verb lives in its own module under `controller.commands` and exposes
`register(subparsers)`; modules are discovered, so a workstream adds a verb
without editing this file. Exit codes: 0 ok, 2 invalid input, 1 internal error.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import traceback
from collections.abc import Sequence

from controller import __version__, commands
from controller.errors import EXIT_INTERNAL, EXIT_INVALID, InvalidInput, UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mergectl",
        description="Re-provision a province's state IT for the 2025 commune merger.",
        epilog='example: mergectl import --province "Lâm Đồng" --only-old-province "Bình Thuận" -o bt',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mergectl {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except InvalidInput as invalid:
        for diagnostic in invalid.diagnostics:
            print(f"error: {diagnostic}", file=sys.stderr)
        print(f"mergectl: {len(invalid.diagnostics)} problem(s); nothing was written", file=sys.stderr)
        return EXIT_INVALID
    except UserError as error:
        print(f"mergectl: {error}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("mergectl: interrupted", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as error:  # the CLI edge: internal errors get one line unless --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(f"mergectl: internal error: {type(error).__name__}: {error} (re-run with --debug)",
                  file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
