"""Every stored register of a workspace, checked, with the e-ID codes as the allocation sees them:
what `survey report`, the progress report and the video-conference exports read."""

from __future__ import annotations

from dataclasses import dataclass

from controller.errors import Diagnostics, InvalidInput
from controller.province import EdocConfig
from controller.survey.conflicts import check_against_workspace
from controller.survey.context import Context, load_context
from controller.survey.edoc import fed
from controller.survey.kinds import KINDS
from controller.survey.records import SurveyRecord
from controller.survey.store import load_register
from controller.workspace import Workspace


@dataclass
class Survey:
    context: Context
    registers: dict[str, list[SurveyRecord] | None]  # kind -> records; None: never imported
    edoc: EdocConfig  # province.yml's, with the surveyed codes

    def records(self, kind: str) -> list[SurveyRecord]:
        return self.registers.get(kind) or []

    def surveyed(self, kind: str) -> bool:
        return self.registers.get(kind) is not None


def load_survey(ws: Workspace) -> Survey:
    """The workspace's survey; InvalidInput when a register or what it is checked against is wrong."""
    context = load_context(ws)
    diagnostics = Diagnostics()
    registers: dict[str, list[SurveyRecord] | None] = {}
    for name, kind in KINDS.items():
        records = load_register(ws, kind, context.holders, diagnostics)
        if records is not None:
            check_against_workspace(kind, records, context, diagnostics)
        registers[name] = records
    if diagnostics:
        raise InvalidInput(diagnostics)
    return Survey(context, registers, fed(context.province.edoc, registers["edoc_codes"] or []))
