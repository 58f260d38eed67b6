"""`mergectl export edoc-codes DIR`: electronic identifier codes (mã định danh điện tử) to
submit for issuance (every new commune, as recorded in state/allocations.yml) and the
codes of dissolved units and districts to close (never reissued).

Writes edoc-issuance.csv and edoc-closure.csv. Old units and districts whose code is not
known (province.yml edoc.old_codes, or the e-ID codes survey: docs/survey.md) are listed for
closure with an empty code and a note, so that nothing is forgotten; codes planned for
communes that later left the mapping (quarantined, kind edoc) are listed as withdrawn plans.
"""

from __future__ import annotations

from pathlib import Path

from controller.csvwrite import write_csv
from controller.manifests.agency import peoples_committee, province_phrase
from controller.manifests.source import load_recorded

NAME = "edoc-codes"
HELP = "electronic identifier codes: new communes to issue, dissolved units/districts to close"
ISSUANCE_FILE = "edoc-issuance.csv"
CLOSURE_FILE = "edoc-closure.csv"
ISSUANCE_COLUMNS = ("new_code", "agency_name", "unit_name", "label", "edoc_code", "parent_edoc_code",
                    "parent_name", "formed_from", "status")
CODE_NOT_KNOWN = "code not known: add it to the edoc_codes survey or province.yml edoc.old_codes"
CLOSURE_COLUMNS = ("level", "old_code", "agency_name", "edoc_code", "successor_codes",
                   "successor_edoc_codes", "reason", "note")


def rows(workspace_dir: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    recorded = load_recorded(workspace_dir)
    province = recorded.province
    allocations = recorded.allocations
    issued = set(province.edoc.issued)
    phrase = province_phrase(province.name)
    issuance = [
        {
            "new_code": commune.code,
            "agency_name": peoples_committee(commune.name, phrase),
            "unit_name": commune.name,
            "label": commune.label,
            "edoc_code": commune.edoc_code,
            "parent_edoc_code": province.edoc.level1,
            "parent_name": peoples_committee(phrase),
            "formed_from": ";".join(item.code for item in commune.formed_from),
            "status": "issued" if commune.edoc_code in issued else "to issue",
        }
        for commune in sorted(allocations.communes, key=lambda c: c.edoc_code)
    ]
    edoc_of = {commune.code: commune.edoc_code for commune in allocations.communes}
    closure: list[dict[str, str]] = []
    for district in allocations.old_districts:
        successors = [c for c in allocations.communes if c.label in district.successors]
        closure.append({
            "level": "district",
            "old_code": district.code,
            "agency_name": peoples_committee(district.name, province_phrase(district.province)),
            "edoc_code": district.edoc_code or "",
            "successor_codes": ";".join(c.code for c in successors),
            "successor_edoc_codes": ";".join(c.edoc_code for c in successors),
            "reason": "district level abolished",
            "note": "" if district.edoc_code else CODE_NOT_KNOWN,
        })
    for unit in allocations.old_units:
        successors = [s.code for s in unit.successors]
        closure.append({
            "level": "commune",
            "old_code": unit.code,
            "agency_name": peoples_committee(unit.name, unit.district, province_phrase(unit.province)),
            "edoc_code": unit.edoc_code or "",
            "successor_codes": ";".join(successors),
            "successor_edoc_codes": ";".join(edoc_of.get(code, "") for code in successors),
            "reason": {"kept": "unit re-established in the new province",
                       "merged": "merged into a new unit", "split": "divided between new units"}.get(
                           unit.fate, unit.fate),
            "note": "" if unit.edoc_code else CODE_NOT_KNOWN,
        })
    for item in allocations.state.quarantine:
        if item.kind == "edoc":
            closure.append({
                "level": "planned", "old_code": item.owner, "agency_name": "", "edoc_code": item.value,
                "successor_codes": "", "successor_edoc_codes": "",
                "reason": f"planned code withdrawn: {item.reason}", "note": "never reissued",
            })
    return issuance, closure


def export(workspace_dir: Path, out_dir: Path) -> list[Path]:
    issuance, closure = rows(workspace_dir)
    write_csv(out_dir / ISSUANCE_FILE, ISSUANCE_COLUMNS, issuance)
    write_csv(out_dir / CLOSURE_FILE, CLOSURE_COLUMNS, closure)
    return [out_dir / ISSUANCE_FILE, out_dir / CLOSURE_FILE]
