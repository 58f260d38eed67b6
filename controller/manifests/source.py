"""The recorded workspace data the exports read: inputs, allocations, placement, accounts.

Exports describe what was recorded, never a fresh plan: codes submitted for issuance
or closure must be the ones `mergectl inventory` wrote to state/allocations.yml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from controller.errors import Diagnostics, InvalidInput, UserError
from controller.workspace import Workspace
from controller.yamlio import parse_yaml


@dataclass
class Recorded:
    workspace: Workspace
    mapping: Any
    province: Any
    allocations: Any
    placements: dict[str, Any] = field(default_factory=dict)  # VM name -> PlacedVm
    accounts: list[dict[str, Any]] = field(default_factory=list)  # state/accounts.yml entries
    accounts_note: str = ""


def load_recorded(workspace_dir: Path) -> Recorded:
    from controller.allocate import allocate_workspace, validated_inputs
    from controller.capacity.placement_state import load_placement

    workspace = Workspace(workspace_dir)
    inputs = validated_inputs(workspace)
    _state, allocations, changed = allocate_workspace(workspace, inputs, write=False)
    if changed:
        raise UserError(
            f"{workspace.dir}: the allocation is not recorded or is out of date; "
            f"run `mergectl inventory {workspace.dir}` first so that exported codes are the recorded ones"
        )
    placement, problems = load_placement(workspace.state_dir)
    if problems:
        raise InvalidInput(problems)
    accounts, note = load_accounts(workspace.state_dir / "accounts.yml")
    return Recorded(workspace, inputs.mapping, inputs.province, allocations, dict(placement.placements),
                    accounts, note)


def load_accounts(path: Path) -> tuple[list[dict[str, Any]], str]:
    """Accounts from the accounts workstream's state/accounts.yml, read leniently.

    Accepted shapes (the file is another workstream's): a list, or a mapping by
    username, under `accounts:` (or `users:`); each entry has `username` and names its
    unit with `commune`/`commune_code`/`unit`, `commune_label`/`label`, `domain`/`email`,
    or for old district accounts `district_code`/`district_label`/`district`; the accounts
    workstream's own shape (`uid`, `kind: commune|old_district`, `unit`: commune code or
    district key, `role: staff|it_officer`, `status`) is read as such; optional
    `full_name`/`name`, `email`, `role`/`roles`, `system`.
    Without the file the manifests say "no users yet".
    """
    if not path.exists():
        return [], "no users yet: state/accounts.yml does not exist (accounts workstream)"
    data, _lines, diagnostics = parse_yaml(path)
    if diagnostics or not isinstance(data, dict):
        raise InvalidInput(diagnostics or _single(path, "expected a mapping"))
    entries = data.get("accounts", data.get("users", []))
    if isinstance(entries, dict):
        entries = [{"username": key, **value} if isinstance(value, dict) else {"username": key}
                   for key, value in entries.items()]
    if not isinstance(entries, list):
        return [], "no users yet: state/accounts.yml has no accounts list"
    # The accounts workstream writes `uid` (and `kind`/`unit`/`role`/`status`); others may say username.
    result = []
    for entry in entries:
        if isinstance(entry, dict) and (entry.get("username") or entry.get("uid")):
            result.append({**entry, "username": str(entry.get("username") or entry.get("uid"))})
    return result, ""


def accounts_of_commune(entries: list[dict[str, Any]], commune: Any) -> list[dict[str, Any]]:
    result = []
    for entry in entries:
        code = str(entry.get("commune") or entry.get("commune_code") or entry.get("unit") or "")
        label = str(entry.get("commune_label") or entry.get("label") or "")
        domain = str(entry.get("domain") or str(entry.get("email", "")).partition("@")[2])
        if entry.get("kind", "commune") != "commune" or entry.get("status", "active") != "active":
            continue
        if code == commune.code or label == commune.label or domain == commune.mail_domain:
            result.append(entry)
    return result


def accounts_of_district(entries: list[dict[str, Any]], district: Any) -> list[dict[str, Any]]:
    keys = {district.code, district.label, district.name} - {""}
    result = []
    for entry in entries:
        if entry.get("kind") == "old_district":
            if str(entry.get("unit", "")) == district.key:
                result.append(entry)
        elif {str(entry.get("district_code", "")), str(entry.get("district_label", "")),
              str(entry.get("district", ""))} & keys:
            result.append(entry)
    return result


def _single(path: Path, message: str) -> Diagnostics:
    diagnostics = Diagnostics()
    diagnostics.add(path, 1, message)
    return diagnostics
