"""`mergectl export vc-equipment DIR`: the video-conference equipment register (plan 2495 §2,
plan 114 II.2) for the Office of the People's Committee, the Party Office and the Department
of Finance, from the survey's equipment register.

One row per item: where it comes from, the commune and room it goes to, the handover date and
minutes' number; and one row per room of a new commune that has no item at all, so that what
is missing shows. Rows not yet handed over come first, each with the deadline it answers to:
allocation by `vc_equipment_reviewed`, handover by `vc_equipment_handed_over` (province.yml).
Writes vc-equipment.csv (Vietnamese by default) and vc-equipment.json.
"""

from __future__ import annotations

from pathlib import Path

from controller.exports._survey_lists import write_lists
from controller.province.model import VC_ROOMS
from controller.survey.gaps import ROOM_ALLOCATED, ROOM_EMPTY, ROOM_HANDED_OVER
from controller.survey.registers import Survey, load_survey
from controller.workspace import Workspace

NAME = "vc-equipment"
HELP = "video-conference equipment: item, serial, from old unit, to commune and room, handover (CSV/JSON)"
LANGUAGES = ("vi", "en")
STEM = "vc-equipment"
UNALLOCATED = "unallocated"
COLUMNS = ("status", "deadline", "to_commune_code", "to_commune_name", "to_room", "item", "serial",
           "from_old_code", "from_old_name", "handover_date", "handover_record", "note")
HEADINGS_VI = {
    "status": "Tình trạng",
    "deadline": "Thời hạn",
    "to_commune_code": "Mã xã mới",
    "to_commune_name": "Xã mới (nơi nhận)",
    "to_room": "Phòng họp",
    "item": "Thiết bị",
    "serial": "Số sê-ri",
    "from_old_code": "Mã đơn vị cũ",
    "from_old_name": "Đơn vị cũ (nơi đi)",
    "handover_date": "Ngày bàn giao",
    "handover_record": "Số biên bản bàn giao",
    "note": "Ghi chú",
}
# What is furthest from done first.
_ORDER = (ROOM_EMPTY, UNALLOCATED, ROOM_ALLOCATED, ROOM_HANDED_OVER)


def rows(survey: Survey) -> list[dict[str, str]]:
    holders = survey.context.holders
    deadlines = survey.vc_deadlines()
    due = {
        ROOM_EMPTY: deadlines.get("vc_equipment_reviewed", ""),
        UNALLOCATED: deadlines.get("vc_equipment_reviewed", ""),
        ROOM_ALLOCATED: deadlines.get("vc_equipment_handed_over", ""),
    }
    found = []
    equipped: set[tuple[str, str]] = set()
    for record in survey.require("equipment"):
        commune = record.get("to_commune_code")
        status = (ROOM_HANDED_OVER if record.get("handover_date")
                  else ROOM_ALLOCATED if commune else UNALLOCATED)
        source = holders.old(record.get("from_old_code"))
        equipped.add((commune, record.get("to_room")))
        found.append({
            **{column: record.get(column) for column in COLUMNS},
            "status": status,
            "to_commune_name": holders.new(commune).name if commune else "",
            "from_old_name": source.name if source else "",
        })
    for code, unit in survey.context.mapping.new_units.items():
        for room in VC_ROOMS:
            if (code, room) not in equipped:
                found.append({**dict.fromkeys(COLUMNS, ""), "status": ROOM_EMPTY, "to_commune_code": code,
                              "to_commune_name": unit.name, "to_room": room})
    for row in found:
        row["deadline"] = due.get(row["status"], "")
    return sorted(found, key=lambda row: (_ORDER.index(row["status"]), row["to_commune_code"],
                                          row["to_room"], row["serial"]))


def export(workspace_dir: Path, out_dir: Path, lang: str = "vi") -> list[Path]:
    survey = load_survey(Workspace(workspace_dir))
    return write_lists(Path(out_dir), STEM, COLUMNS, HEADINGS_VI, rows(survey), lang,
                       {"deadlines": survey.vc_deadlines()})
