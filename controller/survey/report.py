"""`survey report`: the per-commune table (Vietnamese by default) and its JSON form."""

from __future__ import annotations

from typing import Any

from controller.survey.gaps import (
    HELD_KINDS,
    CommuneSurvey,
    Gap,
    commune_surveys,
    district_surveys,
)
from controller.survey.kinds import KINDS
from controller.survey.registers import Survey
from controller.survey.texts import room, text


def gap_text(lang: str, gap: Gap) -> str:
    if gap.gap == "vc_room":
        return text(lang, f"gap_vc_room_{gap.status}", room=room(lang, gap.items[0]))
    return text(lang, f"gap_{gap.gap}", items=", ".join(gap.readable))


def _count(records: list[Any] | None) -> str:
    return "?" if records is None else str(len(records))


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows]


def to_text(survey: Survey, lang: str = "vi") -> str:
    communes = commune_surveys(survey)
    deadlines = survey.vc_deadlines()
    lines = [
        text(lang, "title", province=survey.context.mapping.province, communes=len(communes)),
        text(lang, "deadlines", reviewed=deadlines.get("vc_equipment_reviewed", "-"),
             handed_over=deadlines.get("vc_equipment_handed_over", "-")),
        f"{text(lang, 'imported')}: " + (", ".join(
            f"{name} ({text(lang, 'records', count=len(survey.records(name)))})"
            for name in KINDS if survey.surveyed(name)) or "-"),
        f"{text(lang, 'not_imported')}: " + (", ".join(
            name for name in KINDS if not survey.surveyed(name)) or "-"),
        "",
    ]
    header = ["code", "commune", "inherits", *HELD_KINDS, "edoc_codes", "lacking"]
    rows = [[text(lang, key) for key in header]]
    for commune in communes:
        rows.append([
            commune.code, commune.name, str(len(commune.inherits_from)),
            *(_count(commune.had[kind]) for kind in HELD_KINDS),
            f"{len(commune.known_codes)}/{len(commune.inherits_from)}",
            str(len(commune.gaps)),
        ])
    lines += _table(rows)
    lines += ["", text(lang, "lacking_title") + ":"]
    lacking = [commune for commune in communes if commune.gaps]
    for commune in lacking:
        lines.append(f"{commune.code} {commune.name}")
        lines += [f"  - {gap_text(lang, gap)}" for gap in commune.gaps]
    if not lacking:
        lines.append(text(lang, "nothing_lacking"))
    districts = district_surveys(survey)
    if districts:
        lines += ["", text(lang, "districts_title") + ":"]
        rows = [[text(lang, "code"), text(lang, "district"), *(text(lang, kind) for kind in HELD_KINDS)]]
        rows += [[district.code, district.name, *(_count(district.had[kind]) for kind in HELD_KINDS)]
                 for district in districts]
        lines += _table(rows)
    return "\n".join(lines) + "\n"


def _commune_json(commune: CommuneSurvey, lang: str) -> dict[str, Any]:
    return {
        "code": commune.code,
        "name": commune.name,
        "predecessors": commune.predecessors,
        "inherits_from": [holder.code for holder in commune.inherits_from],
        "had": commune.had,
        "edoc_codes_known": commune.known_codes,
        "rooms": None if commune.rooms is None else {
            name: {"status": status, "serials": serials} for name, (status, serials) in commune.rooms.items()
        },
        "edoc_code": commune.edoc_code,
        "edoc_issued": commune.edoc_issued,
        "gaps": [{"gap": gap.gap, "items": list(gap.items), "status": gap.status, "text": gap_text(lang, gap)}
                 for gap in commune.gaps],
    }


def to_json_data(survey: Survey, lang: str = "vi") -> dict[str, Any]:
    return {
        "province": survey.context.mapping.province,
        "deadlines": survey.vc_deadlines(),
        "registers": {name: len(survey.records(name)) if survey.surveyed(name) else None for name in KINDS},
        "communes": [_commune_json(commune, lang) for commune in commune_surveys(survey)],
        "districts": [{"code": district.code, "name": district.name, "had": district.had}
                      for district in district_surveys(survey)],
    }
