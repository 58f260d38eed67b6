"""Where the renderer puts what other modules read back from a rendered workspace."""

from __future__ import annotations

from pathlib import Path

# The group whose hosts read the old units' records: the Integration Centre's servers, the
# data network's core and the old district hosts (see build.py for why not `all`).
OLD_UNITS_GROUP = "merger_records"
# The data network's core and the file (group_vars/<group>/<stem>.yml) with its peers, old
# endpoints and active addresses.
CORE_GROUP = "dataline_core"
DATA_LINE_STEM = "data_line"


def old_units_path(workspace: Path) -> Path:
    """`old_units` and `old_districts` of a rendered workspace."""
    return workspace / "group_vars" / OLD_UNITS_GROUP / "old_units.yml"


def core_data_line_path(workspace: Path) -> Path:
    """`core_peers`, `core_old_endpoints` and `core_active_addresses` of a rendered workspace."""
    return workspace / "group_vars" / CORE_GROUP / f"{DATA_LINE_STEM}.yml"
