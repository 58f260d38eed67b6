"""Diagnostics: every input problem is collected with its location and reported together.

Exceptions are for bugs; bad input is a list of `Diagnostic`s and exit code 3 (EXIT_INVALID).

Exit codes, one table for every verb (also in `mergectl --help`). Each code has one
meaning, so a script can tell "the plan has changes" from "the input is wrong":
2 is Terraform's `-detailed-exitcode` "changes present", never an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

EXIT_OK = 0
EXIT_INTERNAL = 1  # a bug in mergectl or a broken installation (a checker that cannot be imported)
EXIT_CHANGES = 2  # `plan --detailed-exitcode` only: valid input, the inventory would change
EXIT_INVALID = 3  # invalid input or a user mistake: messages name FILE:LINE; nothing was written
EXIT_REFUSED = 4  # valid input, but refused as unsafe until an explicit --allow-... flag confirms it
EXIT_FAILED = 5  # a run on hosts did not succeed: apply (a host failed), check (a FAIL row), lab status
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, the shells' convention)

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "success (plan: also when there are changes, unless --detailed-exitcode)"),
    (EXIT_INTERNAL, "internal error: a bug or a broken installation (re-run with --debug)"),
    (EXIT_CHANGES, "plan --detailed-exitcode: the input is valid and the inventory would change"),
    (EXIT_INVALID, "invalid input or usage: every problem as FILE:LINE: message; nothing written"),
    (EXIT_REFUSED, "refused as unsafe until an --allow-... flag confirms it (mass change, mass disable)"),
    (EXIT_FAILED, "a run on hosts failed: apply (a failed or unreachable host), check (a FAIL), lab status"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C); writes are atomic, nothing is half-written"),
)


def exit_code_table() -> str:
    """The table for `--help` epilogs and the README."""
    return "exit codes (every verb):\n" + "".join(f"  {code:>3}  {text}\n" for code, text in EXIT_CODES)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in an input file: `FILE:LINE: message` (plus the YAML key path when known)."""

    file: str
    line: int | None
    message: str
    key: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        key = f" [{self.key}]" if self.key else ""
        hint = f" (fix: {self.hint})" if self.hint else ""
        return f"{where}:{key} {self.message}{hint}"


@dataclass
class Diagnostics:
    """An ordered, de-duplicated collection of problems found in one run."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(
        self,
        file: str | Path,
        line: int | None,
        message: str,
        *,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        diagnostic = Diagnostic(str(file), line, message, key, hint)
        if diagnostic not in self.items:
            self.items.append(diagnostic)

    def extend(self, other: Diagnostics) -> None:
        for item in other.items:
            if item not in self.items:
                self.items.append(item)

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)


class InvalidInput(Exception):
    """Raised at the edge of a command once diagnostics are collected: nothing has been written."""

    def __init__(self, diagnostics: Diagnostics) -> None:
        super().__init__(f"{len(diagnostics)} problem(s) in the input")
        self.diagnostics = diagnostics


class UserError(Exception):
    """A problem the user can fix that is not tied to a line of an input file (EXIT_INVALID)."""


class Refused(Exception):
    """Valid input whose change is refused as unsafe until the user confirms it (EXIT_REFUSED)."""

    def __init__(self, reasons: list[str], hint: str) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons
        self.hint = hint
