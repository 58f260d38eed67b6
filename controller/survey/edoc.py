"""The e-ID codes survey feeds the allocation: codes in use are never planned again, and old
units' codes are closed by code instead of "code not known".

`with_surveyed_codes` is called where the workspace's province.yml is loaded for validation
(so for inventory, plan and every export): a surveyed code held by another agency counts as
issued, next to province.yml's `edoc.issued`; a code held by an old unit or district fills
`edoc.old_codes`. Where both files give an old unit's code they must agree (conflicts.py).
"""

from __future__ import annotations

import dataclasses

from controller.errors import Diagnostics
from controller.model import Mapping
from controller.province import EdocConfig, ProvinceConfig
from controller.survey.conflicts import check_against_workspace
from controller.survey.context import Context, planned_codes
from controller.survey.holders import Holders
from controller.survey.kinds import KINDS
from controller.survey.records import SurveyRecord
from controller.survey.store import load_register
from controller.workspace import Workspace


def with_surveyed_codes(ws: Workspace, mapping: Mapping, province: ProvinceConfig,
                        diagnostics: Diagnostics) -> ProvinceConfig:
    """`province` with the surveyed codes added to its `edoc` (unchanged without a survey)."""
    kind = KINDS["edoc_codes"]
    holders = Holders(mapping)
    records = load_register(ws, kind, holders, diagnostics)
    if not records:
        return province
    context = Context(ws, mapping, holders, province, planned_codes(ws, diagnostics))
    check_against_workspace(kind, records, context, diagnostics)
    return dataclasses.replace(province, edoc=fed(province.edoc, records))


def fed(edoc: EdocConfig, records: list[SurveyRecord]) -> EdocConfig:
    issued = dict.fromkeys(edoc.issued)
    surveyed_old: dict[str, str] = {}
    for record in records:
        if record.get("old_code"):
            surveyed_old[record.get("old_code")] = record.get("edoc_code")
        else:
            issued[record.get("edoc_code")] = None
    return dataclasses.replace(edoc, issued=tuple(issued), old_codes={**surveyed_old, **edoc.old_codes})
