"""`mergectl export certificates DIR`: agency certificates (digital signatures) whose agency
details change, for the Government Cipher Committee's process (Ban Cơ yếu Chính phủ).

One row per certificate holder agency (People's Committee) with the action:
- revoke: the agency no longer exists: every old district, and every old unit merged
  into a new unit as a non-primary part or divided between several;
- renew: the old unit a merged commune continues (its seat: the first old unit it is the
  primary successor of): its certificate is renewed under the new agency name and code;
- change: an old unit re-established on its own (fate kept): same unit, changed details
  (name and/or parent: the district level is gone, the province may have changed);
- issue: a new commune that continues none of its old units' certificates.
Columns give the old and new agency names, the new unit's e-doc code and the date the
change takes effect (the plan's in_service deadline). Writes certificates.csv.
"""

from __future__ import annotations

from pathlib import Path

from controller.csvwrite import write_csv
from controller.manifests.agency import peoples_committee, province_phrase
from controller.manifests.source import load_recorded

NAME = "certificates"
HELP = "agency certificates to renew, change or revoke (old and new agency names), CSV"
FILE_NAME = "certificates.csv"
COLUMNS = ("action", "level", "old_code", "old_agency_name", "new_code", "new_agency_name",
           "new_edoc_code", "effective_date", "reason")


def rows(workspace_dir: Path) -> list[dict[str, str]]:
    recorded = load_recorded(workspace_dir)
    province = recorded.province
    allocations = recorded.allocations
    in_service = province.deadlines.get("in_service")
    effective = in_service.isoformat() if in_service else ""
    communes = {commune.code: commune for commune in allocations.communes}
    new_phrase = province_phrase(province.name)
    result: list[dict[str, str]] = []
    for district in allocations.old_districts:
        result.append({
            "action": "revoke", "level": "district", "old_code": district.code,
            "old_agency_name": peoples_committee(district.name, province_phrase(district.province)),
            "new_code": "", "new_agency_name": "", "new_edoc_code": "", "effective_date": effective,
            "reason": "district level abolished; its units now belong to "
                      + ", ".join(sorted(district.successors)),
        })
    for unit in allocations.old_units:
        old_name = peoples_committee(unit.name, unit.district, province_phrase(unit.province))
        fallback = unit.successors[0] if unit.successors else None
        primary = next((s for s in unit.successors if s.primary), fallback)
        successor = communes.get(primary.code) if primary else None
        if successor is None:
            continue
        new_name = peoples_committee(successor.name, new_phrase)
        if unit.fate == "kept":
            action, reason = "change", "same unit re-established: name or parent changed"
            if old_name == new_name:
                continue
        elif unit.fate == "merged" and successor.seat == unit.code:
            action, reason = "renew", f"seat of the new unit {successor.name}: renew under the new name"
        else:
            action = "revoke"
            reason = ("divided between " + ", ".join(s.code for s in unit.successors) if unit.fate == "split"
                      else f"merged into {successor.name}")
        result.append({
            "action": action, "level": "commune", "old_code": unit.code, "old_agency_name": old_name,
            "new_code": successor.code, "new_agency_name": new_name, "new_edoc_code": successor.edoc_code,
            "effective_date": effective, "reason": reason,
        })
    continued = {row["new_code"] for row in result if row["action"] in ("renew", "change")}
    for commune in allocations.communes:
        if commune.code not in continued:
            result.append({
                "action": "issue", "level": "commune", "old_code": "", "old_agency_name": "",
                "new_code": commune.code, "new_agency_name": peoples_committee(commune.name, new_phrase),
                "new_edoc_code": commune.edoc_code, "effective_date": effective,
                "reason": "new agency that continues no single old unit: a new certificate",
            })
    order = {"revoke": 0, "renew": 1, "change": 2, "issue": 3}
    return sorted(result, key=lambda row: (order[row["action"]], row["level"], row["old_code"]))


def export(workspace_dir: Path, out_dir: Path) -> list[Path]:
    return [write_csv(out_dir / FILE_NAME, COLUMNS, rows(workspace_dir))]
