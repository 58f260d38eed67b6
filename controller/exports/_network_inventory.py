"""Read what the network exports need from a rendered workspace (the inventory contract).

The exports read the generated inventory, not the controller's state, so what the video
conference provider and the data-network operator receive is exactly what the roles
configure. Problems are collected as diagnostics with file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from controller.errors import Diagnostics
from controller.render.paths import old_units_path
from controller.yamlio import LineIndex, key_path_text, parse_yaml


@dataclass(frozen=True)
class LoadedFile:
    path: Path
    data: dict[str, Any]
    index: LineIndex

    def line(self, *key: str | int) -> int | None:
        return self.index.line(tuple(key))


def _load_mapping(path: Path, diagnostics: Diagnostics) -> LoadedFile | None:
    data, index, problems = parse_yaml(path)
    diagnostics.extend(problems)
    if problems:
        return None
    if not isinstance(data, dict):
        diagnostics.add(path, 1, "expected a mapping of variables at the top level")
        return None
    return LoadedFile(path, data, index)


def commune_gateways(workspace: Path, diagnostics: Diagnostics) -> list[LoadedFile]:
    """host_vars of every `<label>-gw` host, sorted by file name (deterministic exports)."""
    folder = workspace / "host_vars"
    if not folder.is_dir():
        diagnostics.add(folder, None,
                        "no host_vars folder: render the inventory first (mergectl inventory DIR)")
        return []
    loaded = []
    for path in sorted(folder.glob("*-gw.yml")):
        gateway = _load_mapping(path, diagnostics)
        if gateway is not None:
            loaded.append(gateway)
    return loaded


def old_units_file(workspace: Path, diagnostics: Diagnostics) -> LoadedFile | None:
    path = old_units_path(workspace)
    if not path.is_file():
        diagnostics.add(path, None, "file not found: render the inventory first (mergectl inventory DIR)")
        return None
    return _load_mapping(path, diagnostics)


def require(loaded: LoadedFile, item: Any, key: str, where: tuple[str | int, ...],
            diagnostics: Diagnostics) -> Any:
    """item[key], or None plus a diagnostic at the item's line."""
    if isinstance(item, dict) and item.get(key) not in (None, ""):
        return item[key]
    diagnostics.add(loaded.path, loaded.line(*where), f"missing '{key}'", key=key_path_text(where))
    return None


def active_site_addresses(gateways: list[LoadedFile], diagnostics: Diagnostics) -> dict[str, str]:
    """Every address/prefix an active commune site uses -> the commune label using it."""
    used: dict[str, str] = {}
    for gateway in gateways:
        sites = gateway.data.get("commune_sites") or []
        if not isinstance(sites, list):
            diagnostics.add(gateway.path, gateway.line("commune_sites"), "commune_sites must be a list",
                            key="commune_sites")
            continue
        label = str(gateway.data.get("commune_label", gateway.path.stem))
        for position, site in enumerate(sites):
            if not isinstance(site, dict):
                continue
            for key in ("link_prefix", "core_address", "local_address", "loopback"):
                value = site.get(key)
                if value:
                    used[str(value)] = f"{label} site {site.get('name', position)}"
    return used
