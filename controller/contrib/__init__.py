"""Contribution modules: how a workstream adds to province.yml and to the inventory.

A workstream (accounts, Integration Centre VMs, DNS, ...) drops a module
`controller/contrib/<name>.py`; it is discovered, nobody edits the renderer.
A module may define any of:

- `TEMPLATE_SECTION: str`: commented YAML appended to the `province.yml` that
  `mergectl import` writes (its own top-level key, e.g. `accounts:`).
- `validate(workspace, mapping, province, diagnostics) -> None`: check its own
  section of `province.raw` (line numbers: `province.lines.line(("accounts", "x"))`,
  file: `province.path`) and add `FILE:LINE` diagnostics. Called by
  `controller.validate.validate_workspace` (so by validate, inventory and plan)
  once mapping.yml and the core of province.yml are valid.
- `contribute(workspace, mapping, province, allocations, inventory, diagnostics) -> None`:
  add groups, hosts, host vars, group vars and extra files to the
  `controller.render.InventoryTree` before it is written (see its docstring).
  `allocations` is `controller.allocate.Allocations` (labels, FQDNs, prefixes, sites...).
  Diagnostics added here stop the render: nothing is written.

Modules run in name order. Modules whose name starts with `_` are skipped.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def discover() -> dict[str, ModuleType]:
    """Contribution modules by name, in name order."""
    found: dict[str, ModuleType] = {}
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if module_info.name.startswith("_"):
            continue
        found[module_info.name] = importlib.import_module(f"{__name__}.{module_info.name}")
    return found
