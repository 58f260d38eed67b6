"""`mergectl export lines-to-return DIR`: data lines of old units and districts to hand back.

An old endpoint whose `endpoint_reused_by` is empty is not kept by any new commune's
site: its line goes back to the provider and its addresses to quarantine. An endpoint
marked unused whose addresses an active site still has is an inconsistent inventory and
is reported as an error instead of being listed (nothing is written).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from controller.csvwrite import write_csv
from controller.errors import Diagnostics, InvalidInput
from controller.exports._network_inventory import (
    LoadedFile,
    active_site_addresses,
    commune_gateways,
    old_units_file,
    require,
)
from controller.names import old_district_host
from controller.yamlio import key_path_text

NAME = "lines-to-return"
HELP = "old units' and districts' data lines no new site reuses: lines and addresses to return (CSV)"
FILE_NAME = "lines-to-return.csv"
COLUMNS = [
    "kind", "code", "name", "district", "province", "link_prefix", "core_address",
    "local_address", "loopback", "operator_assigned",
]
ADDRESS_KEYS = ("link_prefix", "core_address", "local_address", "loopback")


@dataclass(frozen=True)
class LineToReturn:
    row: dict[str, str]  # the CSV's row
    district_host: str  # the old district host whose decommissioning ends the line


def _candidates(old: LoadedFile, section: str, kind: str, active: dict[str, str],
                diagnostics: Diagnostics) -> list[LineToReturn]:
    entries: Any = old.data.get(section) or []
    if not isinstance(entries, list):
        diagnostics.add(old.path, old.line(section), f"{section} must be a list", key=section)
        return []
    found = []
    for position, entry in enumerate(entries):
        where = (section, position)
        code = require(old, entry, "code", where, diagnostics)
        endpoint = entry.get("endpoint") if isinstance(entry, dict) else None
        if code is None or not endpoint or entry.get("endpoint_reused_by"):
            continue
        values = {key: require(old, endpoint, key, (*where, "endpoint"), diagnostics) for key in ADDRESS_KEYS}
        if any(value is None for value in values.values()):
            continue
        clashes = [f"{value} ({active[str(value)]})" for value in values.values() if str(value) in active]
        if clashes:
            diagnostics.add(old.path, old.line(*where, "endpoint"),
                            f"old endpoint {code} has endpoint_reused_by empty but an active site uses "
                            + ", ".join(clashes), key=key_path_text((*where, "endpoint_reused_by")),
                            hint="set endpoint_reused_by or correct the addresses")
            continue
        row = {
            "kind": kind,
            "code": str(code),
            "name": str(entry.get("name", "")),
            "district": str(entry.get("district", "") if kind == "commune" else entry.get("name", "")),
            "province": str(entry.get("province", "")),
            **{key: str(values[key]) for key in ADDRESS_KEYS},
            "operator_assigned": "yes" if endpoint.get("operator_assigned") else "no",
        }
        host = entry.get("host") if kind == "district" else old_district_host(
            str(entry.get("province_label", "")), str(entry.get("district_label", "")))
        found.append(LineToReturn(row, str(host or "")))
    return found


def lines(workspace: Path) -> list[LineToReturn]:
    """The old lines no site keeps, districts first, by old province and code; InvalidInput when
    the rendered inventory is missing or contradicts itself."""
    diagnostics = Diagnostics()
    active = active_site_addresses(commune_gateways(workspace, diagnostics), diagnostics)
    old = old_units_file(workspace, diagnostics)
    found: list[LineToReturn] = []
    if old is not None:
        found += _candidates(old, "old_districts", "district", active, diagnostics)
        found += _candidates(old, "old_units", "commune", active, diagnostics)
    if diagnostics:
        raise InvalidInput(diagnostics)
    return sorted(found, key=lambda line: (line.row["kind"] != "district", line.row["province"],
                                           line.row["code"]))


def rows(workspace: Path) -> list[dict[str, str]]:
    return [line.row for line in lines(workspace)]


def export(workspace_dir: Path, out_dir: Path) -> list[Path]:
    found = rows(Path(workspace_dir))
    return [write_csv(Path(out_dir) / FILE_NAME, COLUMNS, found)]
