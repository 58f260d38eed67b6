"""Tenant manifests for the vendor systems (iDesk / QLVB&ĐH and TTHC).

One document per new commune (the tenant to create: unit, e-doc code, parent, users
and roles, user groups, TTHC procedure set, SMS settings) and one per dissolved
district (accounts to switch to read-only and to revoke). Each carries
`schema_version`, a `content_sha256` over everything except the version fields, and a
`generation` that grows by one whenever the content of that manifest changes.
The JSON Schema is `schema/tenant-manifest.schema.json` in this package.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

from controller.manifests.agency import peoples_committee, province_phrase
from controller.manifests.source import Recorded, accounts_of_commune, accounts_of_district
from controller.names import vm_name

SCHEMA_VERSION = "1.0"
SCHEMA_FILE = "tenant-manifest.schema.json"
VERSION_FIELDS = ("schema_version", "generation", "content_sha256")

# Default user groups of a commune tenant and the account roles that join them.
USER_GROUPS = (
    (
        "quan-tri",
        "Quản trị hệ thống (administrators: the commune IT officer)",
        "both",
        {"it_officer", "admin", "administrator"},
    ),
    (
        "lanh-dao",
        "Lãnh đạo UBND (leadership: approves and signs)",
        "both",
        {"leader", "chairman", "vice_chairman", "lanh_dao"},
    ),
    (
        "van-thu",
        "Văn thư (registry: incoming and outgoing documents)",
        "idesk",
        {"clerk", "van_thu", "registry"},
    ),
    (
        "mot-cua",
        "Bộ phận một cửa (one-stop desk: receives dossiers)",
        "tthc",
        {"onestop", "mot_cua", "one_stop"},
    ),
    (
        "chuyen-vien",
        "Chuyên viên (officers handling documents and dossiers)",
        "both",
        {"officer", "staff", "user"},
    ),
)
ADMIN_ROLES = {"it_officer", "admin", "administrator"}


def schema() -> dict[str, Any]:
    text = resources.files("controller.manifests").joinpath("schema", SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def content_hash(document: dict[str, Any]) -> str:
    content = {key: value for key, value in document.items() if key not in VERSION_FIELDS}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def versioned(content: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """The document with its version fields: the generation moves only when the content does."""
    digest = content_hash(content)
    generation = 1
    if previous and isinstance(previous.get("generation"), int):
        same = previous.get("content_sha256") == digest
        generation = previous["generation"] if same else previous["generation"] + 1
    return {"schema_version": SCHEMA_VERSION, "generation": generation, "content_sha256": digest, **content}


def _roles(entry: dict[str, Any]) -> list[str]:
    raw = entry.get("roles", entry.get("role", []))
    values = [raw] if isinstance(raw, str) else list(raw or [])
    return sorted({str(value).strip().lower() for value in values if str(value).strip()})


def _user(entry: dict[str, Any], mail_domain: str) -> dict[str, Any]:
    roles = _roles(entry)
    username = str(entry["username"])
    return {
        "username": username,
        "full_name": str(entry.get("full_name") or entry.get("name") or ""),
        "email": str(entry.get("email") or f"{username}@{mail_domain}"),
        "roles": sorted({"administrator" if role in ADMIN_ROLES else role for role in roles} or {"user"}),
    }


def _groups(users: list[dict[str, Any]], raw_roles: dict[str, list[str]]) -> list[dict[str, Any]]:
    groups = []
    for name, description, system, roles in USER_GROUPS:
        members = sorted(user["username"] for user in users if set(raw_roles[user["username"]]) & roles)
        groups.append({"name": name, "description": description, "system": system, "members": members})
    return groups


def province_block(recorded: Recorded) -> dict[str, Any]:
    province = recorded.province
    return {
        "name": province.name,
        "label": province.label,
        "domain": province.domain,
        "edoc_level1": province.edoc.level1,
    }


def commune_manifest(recorded: Recorded, commune: Any) -> dict[str, Any]:
    from controller.capacity.config import load_ic_config
    from controller.errors import Diagnostics

    province = recorded.province
    config = load_ic_config(province, Diagnostics())
    entries = sorted(
        accounts_of_commune(recorded.accounts, commune), key=lambda entry: str(entry["username"])
    )
    users = [_user(entry, commune.mail_domain) for entry in entries]
    raw_roles = {str(entry["username"]): _roles(entry) for entry in entries}
    systems: dict[str, Any] = {}
    for system in ("idesk", "tthc"):
        vm = recorded.placements.get(vm_name(system, commune.label))
        systems[system] = (
            None if vm is None else {"host": vm.name, "hypervisor": vm.host, "address": vm.address}
        )
    none_here = "no users yet: state/accounts.yml has none for this commune"
    note = "" if users else (recorded.accounts_note or none_here)
    if not note and not any("administrator" in user["roles"] for user in users):
        note = "no IT officer (administrator) yet: add one with role it_officer in the staff list"
    return {
        "kind": "commune",
        "province": province_block(recorded),
        "unit": {
            "code": commune.code,
            "name": commune.name,
            "short_name": commune.short_name,
            "type": commune.type,
            "label": commune.label,
            "fqdn": commune.fqdn,
            "mail_domain": commune.mail_domain,
            "edoc_code": commune.edoc_code,
            "agency_name": peoples_committee(commune.name, province_phrase(province.name)),
            "formed_from": [
                {
                    "code": item.code,
                    "name": item.name,
                    "district": item.district,
                    "district_code": item.district_code,
                    "province": item.province,
                    "primary": item.primary,
                    "fate": item.fate,
                }
                for item in commune.formed_from
            ],
        },
        "parent": {
            "name": peoples_committee(province_phrase(province.name)),
            "edoc_code": province.edoc.level1,
        },
        "systems": systems,
        "users": users,
        "users_note": note,
        "user_groups": _groups(users, raw_roles),
        "tthc": {
            "procedure_set": config.procedure_set,
            "procedures": [{"code": p.code, "name": p.name, "field": p.field} for p in config.procedures],
        },
        "sms": {
            "enabled": config.sms.enabled,
            "provider": config.sms.provider,
            "brandname": config.sms.brandname,
            "api_url": config.sms.api_url,
        },
    }


def district_manifest(recorded: Recorded, district: Any) -> dict[str, Any]:
    province = recorded.province
    communes = {commune.label: commune for commune in recorded.allocations.communes}
    entries = sorted(
        accounts_of_district(recorded.accounts, district), key=lambda entry: str(entry["username"])
    )
    read_only: list[dict[str, Any]] = []
    revoke: list[dict[str, Any]] = []
    for entry in entries:
        roles = _roles(entry)
        account = {
            "username": str(entry["username"]),
            "system": str(entry.get("system") or "all"),
            "roles": sorted({"administrator" if r in ADMIN_ROLES else r for r in roles} or {"user"}),
        }
        (revoke if set(roles) & ADMIN_ROLES else read_only).append(account)
    in_service = province.deadlines.get("in_service")
    return {
        "kind": "district",
        "province": province_block(recorded),
        "district": {
            "code": district.code,
            "name": district.name,
            "label": district.label,
            "province": district.province,
            "agency_name": peoples_committee(district.name, province_phrase(district.province)),
            "edoc_code": district.edoc_code,
            "lookup_fqdn": district.lookup_fqdn,
            "old_units": sorted(district.units),
        },
        "successors": [
            {
                "code": communes[label].code,
                "name": communes[label].name,
                "label": label,
                "edoc_code": communes[label].edoc_code,
            }
            for label in district.successors
            if label in communes
        ],
        "read_only_from": in_service.isoformat() if in_service else None,
        "keep_for_lookup_until": province.lookup_until.isoformat(),
        "accounts_read_only": read_only,
        "accounts_to_revoke": revoke,
        "accounts_note": ""
        if entries
        else (
            "no district accounts known to mergectl: switch every account of tenant "
            f"'{district.label}' to read-only and revoke its administrator accounts"
        ),
        "unfinished_dossiers": {
            "systems": ["idesk", "tthc"],
            "action": "list the district's unfinished documents and dossiers and hand them to the successors "
            "before the accounts become read-only",
        },
    }
