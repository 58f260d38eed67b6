"""`mergectl export vc-accounts-to-reclaim DIR`: every old unit's and old district's connection
account at the video-conference provider (plan 2495 §2, plan 114 II.2: accounts and addresses
of endpoints no longer used are reclaimed), from the survey's vc_endpoints register.

Each account with its old unit, the unit's district, the new commune that succeeds it (an old
district's: every commune formed from its units) and the room, so the provider can close it
once the room's equipment has moved (`vc_equipment_handed_over` in province.yml).
Writes vc-accounts-to-reclaim.csv (Vietnamese by default) and vc-accounts-to-reclaim.json.
"""

from __future__ import annotations

from pathlib import Path

from controller.exports._survey_lists import write_lists
from controller.survey.registers import Survey, load_survey
from controller.workspace import Workspace

NAME = "vc-accounts-to-reclaim"
HELP = "video-conference connection accounts of old units to reclaim, with their successors (CSV/JSON)"
LANGUAGES = ("vi", "en")
STEM = "vc-accounts-to-reclaim"
COLUMNS = ("account", "provider", "old_code", "old_name", "old_district", "successor_code", "successor_name",
           "room", "address", "endpoint_status", "equipment_serial", "deadline", "note")
HEADINGS_VI = {
    "account": "Tài khoản kết nối",
    "provider": "Nhà cung cấp",
    "old_code": "Mã đơn vị cũ",
    "old_name": "Đơn vị cũ",
    "old_district": "Huyện cũ",
    "successor_code": "Mã xã mới kế thừa",
    "successor_name": "Xã mới kế thừa",
    "room": "Phòng họp",
    "address": "Địa chỉ IP",
    "endpoint_status": "Tình trạng điểm cầu",
    "equipment_serial": "Số sê-ri thiết bị",
    "deadline": "Thời hạn",
    "note": "Ghi chú",
}


def rows(survey: Survey) -> list[dict[str, str]]:
    holders = survey.context.holders
    deadline = survey.vc_deadlines().get("vc_equipment_handed_over", "")
    found = []
    for record in survey.require("vc_endpoints"):
        holder = holders.old(record.get("old_code"))
        assert holder is not None  # checked when the register was read
        successors = holder.successors[:1] if holder.primary_successor else holder.successors
        found.append({
            "account": record.get("account"),
            "provider": record.get("provider"),
            "old_code": holder.code,
            "old_name": holder.name,
            "old_district": holder.district or holder.name,
            "successor_code": "; ".join(successors),
            "successor_name": "; ".join(holders.new(code).name for code in successors),
            "room": record.get("room"),
            "address": record.get("address"),
            "endpoint_status": record.get("status"),
            "equipment_serial": record.get("equipment_serial"),
            "deadline": deadline,
            "note": record.get("note"),
        })
    return sorted(found, key=lambda row: (row["old_district"], row["old_code"], row["room"], row["account"]))


def export(workspace_dir: Path, out_dir: Path, lang: str = "vi") -> list[Path]:
    survey = load_survey(Workspace(workspace_dir))
    return write_lists(Path(out_dir), STEM, COLUMNS, HEADINGS_VI, rows(survey), lang,
                       {"deadlines": survey.vc_deadlines()})
