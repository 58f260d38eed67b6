"""Where the renderer puts what other modules read back from a rendered workspace."""

from __future__ import annotations

from pathlib import Path

# The group whose hosts read the old units' records: the Integration Centre's servers, the
# data network's core and the old district hosts (see build.py for why not `all`).
OLD_UNITS_GROUP = "merger_records"


def old_units_path(workspace: Path) -> Path:
    """`old_units` and `old_districts` of a rendered workspace."""
    return workspace / "group_vars" / OLD_UNITS_GROUP / "old_units.yml"
