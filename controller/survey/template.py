"""`survey template`: the sheets a department fills in, one per kind, written through csvwrite.

A sheet of a kind held by old units has one row per old unit and old district of mapping.yml,
with its code and names, so nobody types a code; the rows left unfilled are skipped on import.
"""

from __future__ import annotations

from pathlib import Path

from controller.csvwrite import write_csv
from controller.survey.holders import Holders
from controller.survey.kinds import Kind


def template_rows(kind: Kind, holders: Holders) -> list[dict[str, str]]:
    if not kind.prefilled:
        return []
    return [{kind.unit_column: holder.code, "old_name": holder.name, "old_district": holder.district}
            for holder in holders.all_old()]


def write_templates(kinds: list[Kind], holders: Holders, out_dir: Path) -> list[Path]:
    return [write_csv(out_dir / f"{kind.name}.csv", kind.template_columns, template_rows(kind, holders))
            for kind in kinds]
