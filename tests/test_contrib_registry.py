"""controller.contrib: contributions are listed, typed, and never silently missing."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from controller import contrib
from controller.contrib import Contribution, ContributionUnavailable, contributions

CONTRIB = Path(contrib.__file__).parent


def test_every_contribution_module_is_listed_and_defines_its_contribution() -> None:
    on_disk = {f"controller.contrib.{path.stem}" for path in CONTRIB.glob("[!_]*.py")}
    assert set(contrib.MODULES) == on_disk  # a module written but not listed would never run
    found = contributions()
    assert [c.name for c in found] == [name.rsplit(".", 1)[1] for name in contrib.MODULES]
    assert all(isinstance(c, Contribution) for c in found)
    by_name = {c.name: c for c in found}
    centre = by_name["integration_centre"]
    assert centre.validate is not None and centre.render is not None and centre.template_section
    assert by_name["accounts"].render is not None


def test_an_unimportable_contribution_is_an_error_not_a_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def broken(name: str, package: str | None = None) -> Any:
        if name == "controller.contrib.accounts":
            raise SyntaxError("invalid syntax")
        return real(name, package)

    monkeypatch.setattr("controller.contrib.importlib.import_module", broken)
    expected = r"controller.contrib.accounts cannot be imported \(SyntaxError"
    with pytest.raises(ContributionUnavailable, match=expected):
        contributions()
