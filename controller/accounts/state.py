"""`state/accounts.yml` (plain: who holds which username) and `state/accounts.vault.yml` (encrypted).

The plain file holds no personal data: an account is keyed by a hash of its identity
(see `staff.StaffRow.identity`), with the username, unit, role and status. Names, contacts
and initial passwords live only in the vault file. Both are written atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from controller.accounts import vault as vaultlib
from controller.yamlio import atomic_write

STATE_FILE = "state/accounts.yml"
SECRETS_FILE = "state/accounts.vault.yml"
COMMUNE = "commune"
OLD_DISTRICT = "old_district"
ACTIVE = "active"
DISABLED = "disabled"

# libyaml when present: a province has thousands of accounts.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

HEADER = (
    "# Issued usernames (mergectl accounts import). A username is never changed nor reissued;\n"
    "# people who leave are disabled, never deleted. No personal data here: see accounts.vault.yml.\n"
)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


@dataclass
class Account:
    key: str  # digest of the identity
    kind: str  # commune | old_district
    unit: str  # commune code or old district key
    uid: str
    role: str
    status: str
    person: str  # digest of the person (unit-independent): matches old district accounts to new ones
    issued: str  # ISO date
    disabled: str | None = None
    successor: str | None = None  # old districts: the new commune receiving its mail


@dataclass
class AccountsState:
    accounts: list[Account] = field(default_factory=list)
    # key -> {full_name, position, given_name, personal_email, phone, initial_password}
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    services: dict[str, str] = field(default_factory=dict)  # mail, master

    def by_key(self) -> dict[str, Account]:
        return {account.key: account for account in self.accounts}

    def taken(self, kind: str, unit: str) -> set[str]:
        """Every username ever issued in a unit, active or not: none is handed out again."""
        return {account.uid for account in self.accounts if account.kind == kind and account.unit == unit}


def today() -> str:
    return dt.date.today().isoformat()


def load(workspace_dir: Path) -> AccountsState | None:
    """The state, or None when no staff list was ever imported. Needs the vault password when present."""
    path = Path(workspace_dir) / STATE_FILE
    if not path.exists():
        return None
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    accounts = [Account(**entry) for entry in raw.get("accounts") or []]
    state = AccountsState(accounts=accounts)
    secrets_path = Path(workspace_dir) / SECRETS_FILE
    if secrets_path.exists():
        lib = vaultlib.vault(workspace_dir)
        plaintext = vaultlib.decrypt(lib, secrets_path.read_text(encoding="ascii"))
        secret = yaml.load(plaintext, Loader=_Loader) or {}
        state.people = secret.get("people") or {}
        state.services = secret.get("services") or {}
    return state


def save(workspace_dir: Path, state: AccountsState) -> None:
    """Write the vault file first, then the plain one (a crash leaves extra secrets, never missing ones)."""
    workspace_dir = Path(workspace_dir)
    vaultlib.ensure_password(workspace_dir)
    lib = vaultlib.vault(workspace_dir)
    secret_doc: dict[str, Any] = {
        "people": dict(sorted(state.people.items())),
        "services": dict(sorted(state.services.items())),
    }
    atomic_write(
        workspace_dir / SECRETS_FILE,
        vaultlib.encrypt(lib, yaml.dump(secret_doc, Dumper=_Dumper, allow_unicode=True, sort_keys=True)),
    )
    ordered = sorted(state.accounts, key=lambda account: (account.kind, account.unit, account.uid))
    document = {"version": 1, "accounts": [asdict(account) for account in ordered]}
    atomic_write(workspace_dir / STATE_FILE, HEADER + yaml.dump(document, Dumper=_Dumper, sort_keys=False))
