"""Accounts contribution: what the directory and mail roles need, personal data only in the vault.

Writes, when `state/accounts.yml` exists (after `mergectl accounts import`):
- `group_vars/all/accounts.yml` (plain): `accounts_communes`, `accounts_retired_units`,
  `accounts_list` (uid, unit, mail, enabled, role, forward_to; no names), `accounts_domain_forwards`;
- `group_vars/directory_servers/accounts.vault.yml`: `accounts_secrets_vault` (vault-encrypted JSON:
  mail -> cn, sn, given_name, display_name, password), the initial passwords and names;
- `group_vars/{directory_servers,mail_servers}/accounts_services.vault.yml`:
  `accounts_mail_service_password`, `accounts_mail_master_password` (vault-encrypted);
- `group_vars/{directory_servers,archive_servers}/accounts_archive.vault.yml`:
  `accounts_archive_service_password` (vault-encrypted), the archive's directory bind.
Encrypted values are rewritten only when their plaintext changes, so a re-render is a no-op.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from ansible.parsing.vault import VaultLib

from controller.accounts import accounts_state
from controller.accounts import vault as vaultlib
from controller.accounts.name_order import KINH, Reading
from controller.accounts.usernames import name_words, reading
from controller.allocate.result import Allocations, OldDistrictAllocation
from controller.contrib import Contribution
from controller.errors import Diagnostics
from controller.model import Mapping
from controller.names import normalize, retired_unit_name
from controller.province import ProvinceConfig
from controller.render.tree import InventoryTree
from controller.workspace import Workspace


class _VaultLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Reads our own generated files back, keeping `!vault` scalars as their ciphertext."""


_VaultLoader.add_constructor("!vault", lambda loader, node: loader.construct_scalar(node))


def render(
    workspace: Workspace,
    mapping: Mapping,
    province: ProvinceConfig,
    allocations: Allocations,
    inventory: InventoryTree,
    diagnostics: Diagnostics,
) -> None:
    directory = workspace.dir
    if not (directory / accounts_state.STATE_FILE).exists():
        return
    if not vaultlib.password_path(directory).exists():
        diagnostics.add(
            directory / accounts_state.STATE_FILE,
            None,
            f"accounts exist but the vault password file {vaultlib.PASSWORD_FILE} is missing",
            hint="restore DIR/.vault-pass from the workspace backup",
        )
        return
    state = accounts_state.load(directory)
    assert state is not None
    plain, secrets = build(state, allocations)
    inventory.set_group_vars("all", "accounts", plain)
    lib = vaultlib.vault(directory)
    people_text = json.dumps(secrets, ensure_ascii=False, sort_keys=True)
    _vault_file(
        inventory,
        directory,
        lib,
        "directory_servers",
        "accounts.vault",
        {"accounts_secrets_vault": people_text},
    )
    # Each service's password goes to the directory (which creates the account) and to its
    # clients only: the archive host never holds the mail passwords, nor the mail host the archive's.
    for stem, groups, values in _service_files(state):
        for group in groups:
            _vault_file(inventory, directory, lib, group, stem, values)


def _service_files(
    state: accounts_state.AccountsState,
) -> list[tuple[str, tuple[str, ...], dict[str, str]]]:
    """(file stem, groups, variables) of the service passwords' vault files."""
    return [
        (
            "accounts_services.vault",
            ("directory_servers", "mail_servers"),
            {
                "accounts_mail_service_password": state.services.get("mail", ""),
                "accounts_mail_master_password": state.services.get("master", ""),
            },
        ),
        (
            "accounts_archive.vault",
            ("directory_servers", "archive_servers"),
            {"accounts_archive_service_password": state.services.get("archive", "")},
        ),
    ]


def build(
    state: accounts_state.AccountsState, allocations: Allocations
) -> tuple[dict[str, object], dict[str, dict[str, str]]]:
    """(plain group vars, secrets by mail address) from the state and the allocations."""
    communes = {commune.code: commune for commune in allocations.communes}
    districts = {district.key: district for district in allocations.old_districts}

    def district_ou(district: OldDistrictAllocation) -> str:
        return retired_unit_name(district.label, district.province_label)

    accounts: list[dict[str, str | bool]] = []
    secrets: dict[str, dict[str, str]] = {}
    active_by_person: dict[tuple[str, str], str] = {}
    officers: dict[str, list[str]] = {}
    for account in state.accounts:
        commune = communes.get(account.unit) if account.kind == accounts_state.COMMUNE else None
        if commune is None or account.status != accounts_state.ACTIVE:
            continue
        mail = f"{account.uid}@{commune.mail_domain}"
        active_by_person[(account.unit, account.person)] = mail
        if account.role == "it_officer":
            officers.setdefault(account.unit, []).append(mail)

    for account in sorted(state.accounts, key=lambda a: (a.kind, a.unit, a.uid)):
        if account.kind == accounts_state.COMMUNE:
            commune = communes.get(account.unit)
            if commune is None:
                continue  # the unit left the mapping: its directory entries stay as they are
            mail = f"{account.uid}@{commune.mail_domain}"
            entry: dict[str, str | bool] = {
                "uid": account.uid,
                "unit": commune.label,
                "retired": False,
                "mail": mail,
                "enabled": account.status == accounts_state.ACTIVE,
                "role": account.role,
            }
        else:
            district = districts.get(_district_key(account.unit, districts))
            if district is None:
                continue
            forward = None
            if account.successor:
                forward = active_by_person.get((account.successor, account.person)) or next(
                    iter(sorted(officers.get(account.successor, []))), None
                )
            mail = f"{account.uid}@{district.lookup_fqdn}"
            entry = {
                "uid": account.uid,
                "unit": district_ou(district),
                "retired": True,
                "mail": mail,
                "enabled": False,
                "role": account.role,
            }
            if forward:
                entry["forward_to"] = forward
        accounts.append(entry)
        person = state.people.get(account.key, {})
        secrets[mail] = _identity(person)

    commune_mail_domains = {commune.mail_domain for commune in allocations.communes}
    district_domains = {district.lookup_fqdn for district in allocations.old_districts}
    forwards: list[dict[str, str]] = []
    for unit in allocations.old_units:
        fallback = unit.successors[0] if unit.successors else None
        primary = next((s for s in unit.successors if s.primary), fallback)
        target = communes.get(primary.code) if primary else None
        if target is None or unit.lookup_fqdn in commune_mail_domains | district_domains:
            continue
        forwards.append({"from": unit.lookup_fqdn, "to": target.mail_domain})
    plain: dict[str, object] = {
        "accounts_communes": [
            {"code": c.code, "label": c.label, "name": c.name, "mail_domain": c.mail_domain}
            for c in allocations.communes
        ],
        "accounts_retired_units": [
            {"label": district_ou(d), "name": d.name, "mail_domain": d.lookup_fqdn}
            for d in allocations.old_districts
        ],
        "accounts_list": accounts,
        "accounts_domain_forwards": sorted(forwards, key=lambda f: f["from"]),
    }
    return plain, secrets


def mail_address(account: accounts_state.Account, allocations: Allocations) -> str | None:
    """The address the account has (or would have) in the rendered inventory; None when its unit
    is no longer allocated."""
    if account.kind == accounts_state.COMMUNE:
        commune = next((c for c in allocations.communes if c.code == account.unit), None)
        return f"{account.uid}@{commune.mail_domain}" if commune else None
    districts = {district.key: district for district in allocations.old_districts}
    district = districts.get(_district_key(account.unit, districts))
    return f"{account.uid}@{district.lookup_fqdn}" if district else None


def _district_key(unit: str, districts: dict[str, OldDistrictAllocation]) -> str:
    """State keys districts as "province|name"; allocations may key them differently."""
    if unit in districts:
        return unit
    province, _, name = unit.partition("|")
    for key, district in districts.items():
        same_name = normalize(district.name) == normalize(name)
        if same_name and normalize(district.province) == normalize(province):
            return key
    return unit


def _identity(person: dict[str, str]) -> dict[str, str]:
    """LDAP naming attributes: givenName and sn by the same reading of the name as the username."""
    full_name = person.get("full_name", "")
    try:
        read = reading(full_name, person.get("given_name") or None)
    except ValueError:  # issued from a `username` column before the name could be read
        words = name_words(full_name)
        read = Reading(tuple(words[-1:]), tuple(words[:-1]), KINH)
    given = " ".join(read.given)
    return {
        "cn": full_name,
        "display_name": full_name,
        "given_name": given,
        "sn": (read.others[0] if read.others else given) or full_name,
        "password": person.get("initial_password", ""),
    }


def _vault_file(
    inventory: InventoryTree, directory: Path, lib: VaultLib, group: str, stem: str, values: dict[str, str]
) -> None:
    relative = f"group_vars/{group}/{stem}.yml"
    previous: dict[str, str] = {}
    path = directory / relative
    if path.exists():
        try:
            previous = yaml.load(path.read_text(encoding="utf-8"), Loader=_VaultLoader) or {}
        except yaml.YAMLError:
            previous = {}
    lines = ["---"]
    for name, plaintext in values.items():
        ciphertext = previous.get(name)
        try:
            reusable = ciphertext is not None and vaultlib.decrypt(lib, ciphertext) == plaintext
        except Exception:  # a file encrypted with another password: encrypt again
            reusable = False
        if not reusable:
            ciphertext = vaultlib.encrypt(lib, plaintext)
        lines.append(f"{name}: !vault |")
        lines.extend(f"  {line}" for line in str(ciphertext).strip().splitlines())
    inventory.add_file(relative, "\n".join(lines) + "\n")


CONTRIBUTION = Contribution(name="accounts", render=render)
