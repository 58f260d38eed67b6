"""A province workspace: the folder `mergectl import` creates and every other verb works on.

See docs/inventory-contract.md for what lives where. Writers take `lock()` so
two mergectl runs never interleave their writes to state/.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from controller.errors import InvalidInput, UserError
from controller.model import Mapping


class Workspace:
    """Paths of one province workspace and the lock that guards its state."""

    def __init__(self, dir: Path | str) -> None:
        self.dir = Path(dir)
        self.mapping_path = self.dir / "mapping.yml"
        self.province_path = self.dir / "province.yml"
        self.state_dir = self.dir / "state"
        self.reports_dir = self.dir / "reports"
        self.staff_dir = self.dir / "staff"
        # What outside parties told us or were told: the survey of what exists, HQ addresses,
        # line orders and their status, equipment. Written by mergectl from validated CSVs.
        self.registers_dir = self.dir / "registers"
        self.lab_dir = self.dir / "lab"
        self.lock_path = self.state_dir / ".lock"

    def __repr__(self) -> str:
        return f"Workspace({str(self.dir)!r})"

    def exists(self) -> bool:
        return self.mapping_path.is_file()

    def require(self) -> None:
        """Raise a UserError saying how to create the workspace when there is none at `dir`."""
        if not self.dir.is_dir():
            raise UserError(f"{self.dir}: no such workspace (create it with `{self._create_hint()}`)")
        if not self.mapping_path.is_file():
            raise UserError(f"{self.dir}: no mapping.yml here (create it with `{self._create_hint()}`)")

    def _create_hint(self) -> str:
        return f'mergectl import --province "..." -o {self.dir}'

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive, non-blocking lock on state/.lock for the duration of a writing command."""
        from controller.fsguard import escaping_symlink

        link = escaping_symlink(self.dir, Path("state") / ".lock")
        if link is not None:
            raise UserError(f"{link} is a symbolic link to {os.path.realpath(link)}, outside the workspace: "
                            "mergectl does not write through it (make it a real folder)")
        self.state_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                message = f"another mergectl is working on {self.dir} (lock {self.lock_path})"
                raise UserError(message) from None
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            os.close(descriptor)

    def load_mapping(self) -> Mapping:
        """The workspace's mapping; InvalidInput with every problem when mapping.yml is wrong."""
        from controller.mapping_io import read_mapping  # mapping_io -> sources -> model only; no cycle today

        self.require()
        mapping, diagnostics = read_mapping(self.mapping_path)
        if mapping is None or diagnostics:
            raise InvalidInput(diagnostics)
        return mapping
