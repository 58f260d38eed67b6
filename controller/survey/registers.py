"""Every stored register of a workspace, checked, with the e-ID codes as the allocation sees them:
what `survey report`, the progress report and the video-conference exports read."""

from __future__ import annotations

from dataclasses import dataclass

from controller.errors import Diagnostics, InvalidInput, UserError
from controller.province import EdocConfig
from controller.survey.conflicts import check_against_workspace
from controller.survey.context import Context, load_context
from controller.survey.edoc import fed
from controller.survey.kinds import KINDS
from controller.survey.records import SurveyRecord
from controller.survey.store import load_register
from controller.workspace import Workspace

# Plan 2495 §2's dates, which the lists of equipment and accounts answer to.
VC_DEADLINES = ("vc_equipment_reviewed", "vc_equipment_handed_over")


@dataclass
class Survey:
    context: Context
    registers: dict[str, list[SurveyRecord] | None]  # kind -> records; None: never imported
    edoc: EdocConfig  # province.yml's, with the surveyed codes

    def records(self, kind: str) -> list[SurveyRecord]:
        return self.registers.get(kind) or []

    def surveyed(self, kind: str) -> bool:
        return self.registers.get(kind) is not None

    def vc_deadlines(self) -> dict[str, str]:
        deadlines = self.context.province.deadlines
        return {name: deadlines[name].isoformat() for name in VC_DEADLINES if name in deadlines}

    def require(self, kind: str) -> list[SurveyRecord]:
        """The records of a kind a list is made from; without them the list would claim "none"."""
        if not self.surveyed(kind):
            ws = self.context.ws
            raise UserError(f"{ws.dir}: nothing imported for {KINDS[kind].what} yet; fill in the sheet "
                            f"`mergectl survey template {ws.dir} --kind {kind}` writes and import it "
                            f"(`mergectl survey import {ws.dir} --kind {kind} FILE.csv`)")
        return self.records(kind)


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
