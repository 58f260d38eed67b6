"""Per new commune: what its predecessors had, and what it still lacks.

An old unit's assets count for the new unit that inherits its data (its primary successor in
mapping.yml), so an old unit split between communes is counted once. A kind nobody imported
is unknown, never "nothing": its counts are None and it raises no gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from controller.province.model import VC_ROOMS
from controller.survey.holders import Holder
from controller.survey.registers import Survey

# Kinds whose records belong to an old unit, in the order reports show them.
HELD_KINDS = ("data_lines", "vc_endpoints", "portals", "mail_domains")

ROOM_HANDED_OVER = "handed_over"
ROOM_ALLOCATED = "allocated"  # equipment assigned to the room, no handover recorded yet
ROOM_EMPTY = "none"


@dataclass(frozen=True)
class Gap:
    gap: str  # vc_room | new_portal | mail_redirect | edoc_not_planned | edoc_not_issued | edoc_unknown
    items: tuple[str, ...] = ()  # the room, domains, code or old units concerned
    status: str = ""  # a room's status
    shown: tuple[str, ...] = ()  # the items as a person reads them, when codes alone say too little

    @property
    def readable(self) -> tuple[str, ...]:
        return self.shown or self.items


@dataclass
class CommuneSurvey:
    code: str
    name: str
    predecessors: list[str]  # every old unit it is formed from
    inherits_from: list[Holder]  # those whose data it inherits: their assets count here
    had: dict[str, list[dict[str, object]] | None]  # kind -> the predecessors' records; None: not surveyed
    known_codes: dict[str, str]  # old unit -> its e-ID code, where known
    rooms: dict[str, tuple[str, list[str]]] | None  # room -> (status, serials); None: no equipment register
    edoc_code: str | None  # planned in state/allocations.yml
    edoc_issued: bool
    gaps: list[Gap] = field(default_factory=list)


@dataclass
class DistrictSurvey:
    code: str
    name: str
    had: dict[str, list[dict[str, object]] | None]


def _had(survey: Survey, holder_codes: set[str]) -> dict[str, list[dict[str, object]] | None]:
    return {
        kind: [dict(record.values) for record in survey.records(kind)
               if record.get("old_code") in holder_codes] if survey.surveyed(kind) else None
        for kind in HELD_KINDS
    }


def _known_codes(survey: Survey) -> dict[str, str]:
    """Holder code -> e-ID code, whichever way province.yml or the survey names the holder."""
    known: dict[str, str] = {}
    for written, code in survey.edoc.old_codes.items():
        holder = survey.context.holders.old(written)
        if holder is not None:
            known[holder.code] = code
    return known


def _rooms(survey: Survey, commune: str) -> dict[str, tuple[str, list[str]]] | None:
    if not survey.surveyed("equipment"):
        return None
    rooms = {}
    for room in VC_ROOMS:
        items = [record for record in survey.records("equipment")
                 if record.get("to_commune_code") == commune and record.get("to_room") == room]
        status = (ROOM_HANDED_OVER if any(item.get("handover_date") for item in items)
                  else ROOM_ALLOCATED if items else ROOM_EMPTY)
        rooms[room] = (status, [item.get("serial") for item in items])
    return rooms


def _gaps(commune: CommuneSurvey) -> list[Gap]:
    gaps = [Gap("vc_room", (room,), status) for room, (status, _) in (commune.rooms or {}).items()
            if status != ROOM_HANDED_OVER]
    portals = commune.had["portals"]
    if portals is not None and not portals:
        gaps.append(Gap("new_portal"))
    domains = commune.had["mail_domains"]
    if domains:
        gaps.append(Gap("mail_redirect", tuple(str(record["domain"]) for record in domains)))
    if commune.edoc_code is None:
        gaps.append(Gap("edoc_not_planned"))
    elif not commune.edoc_issued:
        gaps.append(Gap("edoc_not_issued", (commune.edoc_code,)))
    unknown = [holder for holder in commune.inherits_from if holder.code not in commune.known_codes]
    if unknown:
        gaps.append(Gap("edoc_unknown", tuple(holder.code for holder in unknown),
                        shown=tuple(f"{holder.code} {holder.name}" for holder in unknown)))
    return gaps


def commune_surveys(survey: Survey) -> list[CommuneSurvey]:
    holders = survey.context.holders
    known = _known_codes(survey)
    planned = {entry.commune: code for code, entry in survey.context.planned.items()}
    issued = set(survey.edoc.issued)
    result = []
    for code, unit in sorted(survey.context.mapping.new_units.items()):
        inherits = [holder for holder in holders.predecessors(code) if holder.primary_successor == code]
        commune = CommuneSurvey(
            code=code,
            name=unit.name,
            predecessors=[succession.old_code for succession in unit.formed_from],
            inherits_from=inherits,
            had=_had(survey, {holder.code for holder in inherits}),
            known_codes={holder.code: known[holder.code] for holder in inherits if holder.code in known},
            rooms=_rooms(survey, code),
            edoc_code=planned.get(code),
            edoc_issued=planned.get(code) in issued,
        )
        commune.gaps = _gaps(commune)
        result.append(commune)
    return result


def district_surveys(survey: Survey) -> list[DistrictSurvey]:
    """Old districts with something surveyed: their assets are no single commune's."""
    result = []
    for holder in survey.context.holders.all_old():
        if holder.is_district:
            had = _had(survey, {holder.code})
            if any(had.values()):
                result.append(DistrictSurvey(holder.code, holder.name, had))
    return result
