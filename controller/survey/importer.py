"""`survey import`: a department's sheet checked whole, merged into the stored register by key,
written atomically under the workspace lock; on any problem nothing is written.

A district may send its own sheet: its records join those already stored, and a record with
the key of a stored one replaces it. `replace` starts the register over from this sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from controller.csvread import iter_table
from controller.errors import Diagnostics, InvalidInput
from controller.limits import SURVEY_CSV_MAX_BYTES
from controller.survey.conflicts import check_against_workspace
from controller.survey.context import load_context
from controller.survey.holders import Holders
from controller.survey.kinds import Kind
from controller.survey.records import Place, SurveyRecord, check_set, check_values, is_unfilled
from controller.survey.store import load_register, save_register
from controller.workspace import Workspace


@dataclass(frozen=True)
class Imported:
    path: Path  # the register written
    rows: int  # records taken from the sheet
    added: int
    replaced: int
    kept: int  # earlier records left as they were
    dropped: int  # earlier records dropped by `replace`
    unfilled: int  # template rows nobody filled in


def read_sheet(kind: Kind, sheet: Path, holders: Holders, imported_at: str,
               diagnostics: Diagnostics) -> tuple[list[SurveyRecord], int]:
    """(records, unfilled template rows) of a sheet; problems go to `diagnostics`."""
    records: list[SurveyRecord] = []
    unfilled = 0
    for row in iter_table(sheet, diagnostics, required=kind.required, optional=kind.optional,
                          max_bytes=SURVEY_CSV_MAX_BYTES, what=kind.what):
        if is_unfilled(kind, row.values):
            unfilled += 1
            continue
        place = Place(sheet, row.line)
        values = check_values(kind, row.values, holders, place, diagnostics)
        if values is not None:
            records.append(SurveyRecord(values, sheet.name, imported_at, row.line, place))
    return records, unfilled


def import_sheet(ws: Workspace, kind: Kind, sheet: Path, *, replace: bool = False,
                 now: dt.datetime | None = None) -> Imported:
    context = load_context(ws)
    diagnostics = Diagnostics()
    imported_at = (now or dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    records, unfilled = read_sheet(kind, sheet, context.holders, imported_at, diagnostics)
    if not diagnostics and not records:
        diagnostics.add(sheet, None, f"{kind.what}: no row is filled in beyond the unit's code and names",
                        hint="fill in at least the required columns: " + ", ".join(kind.required))
    with ws.lock():
        earlier = load_register(ws, kind, context.holders, Diagnostics() if replace else diagnostics) or []
        keys = {kind.key_of(record.values) for record in records}
        kept = [] if replace else [record for record in earlier if kind.key_of(record.values) not in keys]
        # Earlier records first: a clash between a sheet's row and a stored record is reported
        # on the sheet's line, naming the stored one.
        merged = kept + records
        check_set(kind, merged, diagnostics)
        check_against_workspace(kind, merged, context, diagnostics)
        if diagnostics:
            raise InvalidInput(diagnostics)
        path = save_register(ws, kind, merged)
    replaced = 0 if replace else len(earlier) - len(kept)
    return Imported(path, len(records), len(records) - replaced, replaced, len(kept),
                    len(earlier) if replace else 0, unfilled)
