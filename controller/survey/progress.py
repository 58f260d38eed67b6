"""The survey's section of the weekly progress report: what was imported and what the new communes
still lack, counted. Like the rest of the report it never fails: a register nobody imported is
"not imported" (its gaps unknown), a register that does not pass its checks is named as such."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from controller.errors import InvalidInput, UserError
from controller.survey.gaps import commune_surveys
from controller.survey.kinds import KINDS
from controller.survey.registers import load_survey
from controller.workspace import Workspace

if TYPE_CHECKING:
    from controller.report import Item

# gap -> (what is counted, the register it needs; None: province.yml and the allocation only)
_COUNTED = {
    "vc_room": ("video-conference rooms without equipment handed over", "equipment"),
    "new_portal": ("new communes needing a new portal (no predecessor's to keep)", "portals"),
    "mail_redirect": ("old mail domains to redirect", "mail_domains"),
    "edoc_not_issued": ("new communes whose e-ID code is not issued yet", None),
    "edoc_unknown": ("old units whose e-ID code is unknown (to close)", None),
}


def survey_gaps(ws: Workspace) -> dict[str, Any]:
    """{status, registers: kind -> records or None, lacking: [{what, count or None}], deadlines}."""
    if not (ws.registers_dir / "survey").is_dir():
        return {"status": "absent", "registers": {}, "lacking": [], "deadlines": {}}
    try:
        survey = load_survey(ws)
    except (InvalidInput, UserError) as error:
        first = next(iter(error.diagnostics), None) if isinstance(error, InvalidInput) else error
        return {"status": f"unreadable ({first})", "registers": {}, "lacking": [], "deadlines": {}}
    counts: Counter[str] = Counter()
    for commune in commune_surveys(survey):
        for gap in commune.gaps:
            # A code not planned yet is not issued either.
            counted = "edoc_not_issued" if gap.gap == "edoc_not_planned" else gap.gap
            counts[counted] += len(gap.items) if gap.gap in ("mail_redirect", "edoc_unknown") else 1
    lacking = [{"what": what, "count": counts[gap] if needs is None or survey.surveyed(needs) else None}
               for gap, (what, needs) in _COUNTED.items()]
    registers = {name: len(survey.records(name)) if survey.surveyed(name) else None for name in KINDS}
    return {"status": "present", "registers": registers, "lacking": lacking,
            "deadlines": survey.vc_deadlines()}


def video_conference_items(ws: Workspace, section: dict[str, Any], rooms: int, due: dt.date | None,
                           sources: dict[str, str]) -> list[Item]:
    """Workstream 3 beyond the rendered rooms (plan 2495 §2): rooms whose equipment is handed over,
    rooms with a contact point for the provider, old connection accounts to reclaim. Unknown, never
    0, where no register says."""
    from controller.exports.vc_contacts import room_contacts
    from controller.report import Item

    lacking = next((item["count"] for item in section.get("lacking", [])
                    if item["what"] == _COUNTED["vc_room"][0]), None)
    handed_over = None if lacking is None else rooms - lacking
    accounts = section.get("registers", {}).get("vc_endpoints")
    contacts: int | None = None  # nobody sent a sheet of HQ contacts yet: unknown, not none
    try:
        if (ws.registers_dir / "hq-sites.yml").exists():
            contacts = sum(1 for room in room_contacts(ws) if room.has_contact)
    except (InvalidInput, UserError) as error:
        first = next(iter(error.diagnostics), None) if isinstance(error, InvalidInput) else error
        sources["video-conference contacts"] = f"unknown ({first})"
        contacts = None
    return [
        Item(f"rooms with equipment handed over{f' (plan 2495: by {due})' if due else ''}", rooms,
             handed_over, "handed over", "registers/survey/equipment.yml"),
        Item("rooms with a contact point for the provider", rooms, contacts, "known",
             "registers/hq-sites.yml"),
        # The provider reclaims them; the workspace lists them (export vc-accounts-to-reclaim) but
        # has no record of the provider's answer.
        Item("old connection accounts to reclaim", accounts, None, "reclaimed",
             "registers/survey/vc_endpoints.yml"),
    ]
