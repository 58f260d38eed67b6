"""The `mergectl` command line.

Each verb lives in its own module under `controller.commands` and exposes
`register(subparsers)`; modules are discovered, so a workstream adds a verb
without editing this file. The one verb from outside the product, `mergectl lab`,
is listed by `extra_verbs`. Exit codes: one table for every verb, in
controller/errors.py (EXIT_CODES) and in `mergectl --help`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from typing import Any, NoReturn, Protocol, TextIO

from controller import __version__, commands
from controller.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_REFUSED,
    InvalidInput,
    Refused,
    UserError,
    exit_code_table,
)


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error; 2 is "changes present" here, so usage errors exit 3."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INVALID, f"{self.prog}: error: {message}\n")


class _QuietClosedPipe:
    """stdout that goes quiet when its reader goes away (`mergectl ... | head`).

    A closed pipe is the reader's choice, not an error: the command carries on to the end
    (so whatever it writes to the workspace is complete and consistent) and its exit code
    is the one it would have had. Later output goes to /dev/null.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.closed_by_reader = False

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._silence()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._silence()

    def _silence(self) -> None:
        self.closed_by_reader = True
        try:
            descriptor = self._stream.fileno()
        except (OSError, ValueError, AttributeError):
            return
        # Point the descriptor at /dev/null so the interpreter's own flush at exit succeeds too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, descriptor)
        os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class Verb(Protocol):
    """A verb module: adds its subcommand (and sets its `handler`) on the parser."""

    def register(self, subparsers: argparse._SubParsersAction) -> None: ...


def extra_verbs() -> dict[str, Verb]:
    """Verb modules outside `controller.commands`, by the name that places them among the
    discovered ones. Listed, not discovered: the lab is a package of its own that runs
    podman, and the product reaches into it for this one entry point only."""
    from lab import cli as lab_cli

    return {"lab": lab_cli}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mergectl",
        description="Re-provision a province's state IT for the 2025 commune merger.",
        epilog='example: mergectl import --province "Lâm Đồng" --only-old-province "Bình Thuận" -o bt\n\n'
        + exit_code_table(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mergectl {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    verbs: dict[str, Verb] = {
        info.name: importlib.import_module(f"{commands.__name__}.{info.name}")
        for info in pkgutil.iter_modules(commands.__path__)
        if not info.name.startswith("_")
    }
    verbs.update(extra_verbs())
    for name in sorted(verbs):
        verbs[name].register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    stdout = sys.stdout
    sys.stdout = _QuietClosedPipe(stdout)  # type: ignore[assignment]
    try:
        return _run(args)
    finally:
        sys.stdout = stdout


def _run(args: argparse.Namespace) -> int:
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
    except Refused as refused:
        for reason in refused.reasons:
            print(f"refused: {reason}", file=sys.stderr)
        print(f"mergectl: refused as unsafe; nothing was written ({refused.hint})", file=sys.stderr)
        return EXIT_REFUSED
    except OSError as error:
        if error.errno is None:
            return _internal(args, error)
        # The file system said no (permissions, a file where a folder must be, a full disk): a
        # problem with the machine or the paths given, not a bug in mergectl.
        where = f" {error.filename}" if error.filename else ""
        print(f"mergectl: cannot use{where}: {error.strerror}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("mergectl: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the CLI edge: internal errors get one line unless --debug
        return _internal(args, error)


def _internal(args: argparse.Namespace, error: Exception) -> int:
    if args.debug:
        traceback.print_exception(error)
    else:
        print(f"mergectl: internal error: {type(error).__name__}: {error} (re-run with --debug)",
              file=sys.stderr)
    return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
