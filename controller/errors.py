"""Diagnostics: every input problem is collected with its location and reported together.

Exceptions are for bugs; bad input is a list of `Diagnostic`s and exit code 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INVALID = 2


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
    """A problem the user can fix that is not tied to a line of an input file (exit 2)."""
