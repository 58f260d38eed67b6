"""Contributions: how a workstream adds to province.yml, to validation and to the inventory.

A workstream (accounts, Integration Centre VMs, ...) writes a module here that defines
`CONTRIBUTION = Contribution(...)` and adds the module to `MODULES`; nobody edits the
validator or the renderer. The list is explicit so that a contribution that cannot be
imported is an error, never a workstream silently missing from `validate` or `inventory`.

The hooks, each optional:
- `template_section`: commented YAML appended to the `province.yml` that `mergectl import`
  writes (its own top-level key, e.g. `accounts:`).
- `validate(workspace, mapping, province, diagnostics)`: check its own section of
  `province.raw` (line numbers: `province.lines.line(("accounts", "x"))`, file:
  `province.path`) and add `FILE:LINE` diagnostics. Called by
  `controller.validate.validate_workspace` (so by validate, inventory and plan) once
  mapping.yml and the core of province.yml are valid.
- `render(workspace, mapping, province, allocations, inventory, diagnostics)`: add groups,
  hosts, host vars, group vars and extra files to the `controller.render.InventoryTree`
  before it is written (see its docstring), from the `Allocations` (labels, FQDNs,
  prefixes, sites...). Diagnostics added here stop the render: nothing is written.

Contributions run in `MODULES` order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # the hooks' types only: contributions import this module, it imports none of them
    from controller.allocate.result import Allocations
    from controller.errors import Diagnostics
    from controller.model import Mapping
    from controller.province import ProvinceConfig
    from controller.render.tree import InventoryTree
    from controller.workspace import Workspace

    Validate: TypeAlias = Callable[[Workspace, Mapping, ProvinceConfig, Diagnostics], None]
    Render: TypeAlias = Callable[
        [Workspace, Mapping, ProvinceConfig, Allocations, InventoryTree, Diagnostics], None
    ]

MODULES: tuple[str, ...] = (
    "controller.contrib.accounts",
    "controller.contrib.integration_centre",
    "controller.contrib.hq_sites",
)


@dataclass(frozen=True)
class Contribution:
    name: str
    template_section: str = ""
    validate: Validate | None = None
    render: Render | None = None


class ContributionUnavailable(Exception):
    """A contribution module could not be imported: what it checks and renders would be missing."""

    def __init__(self, module: str, error: Exception) -> None:
        super().__init__(f"{module} cannot be imported ({type(error).__name__}: {error})")
        self.module = module
        self.error = error


def contributions() -> list[Contribution]:
    """Every contribution, in `MODULES` order; ContributionUnavailable when one cannot be imported."""
    found = []
    for module_name in MODULES:
        try:
            # By name, at call time: a broken dependency of one workstream must not stop
            # `import controller.contrib`, it must fail the verb that needs the workstream.
            contribution: Contribution = importlib.import_module(module_name).CONTRIBUTION
        except Exception as error:  # any import failure (missing dependency, syntax error)
            raise ContributionUnavailable(module_name, error) from error
        found.append(contribution)
    return found
