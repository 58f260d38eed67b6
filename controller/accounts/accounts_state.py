"""`state/accounts.yml` (plain: who holds which username) and `state/accounts.vault.yml` (encrypted).

The plain file holds no personal data: an account is keyed by a digest of its identity
(see `staff.StaffRow.identity`) salted with the province's secret (`person_keys`), with the
username, unit, role and status. Names, contacts, initial passwords and that secret live only
in the vault file. Both are written atomically.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from controller.accounts import vault as vaultlib
from controller.accounts.person_keys import keyed
from controller.errors import InvalidInput, UserError
from controller.yamlio import atomic_write, parse_yaml

STATE_FILE = "state/accounts.yml"
SECRETS_FILE = "state/accounts.vault.yml"
COMMUNE = "commune"
OLD_DISTRICT = "old_district"
ACTIVE = "active"
DISABLED = "disabled"
# 1: unsalted SHA-256 keys; 2: HMAC-SHA256 under the vault's person_key_secret (`person_keys`).
VERSION = 2

# libyaml when present: a province has thousands of accounts.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

STATE_HINT = "restore state/accounts.yml from version control (a bad merge or a hand edit?)"
HEADER = (
    "# Issued usernames (mergectl accounts import). A username is never reissued, and changed only by\n"
    "# `accounts rename` before first use; people who leave are disabled, never deleted. No personal\n"
    "# data here: keys are salted with the vault's person_key_secret; names are in accounts.vault.yml.\n"
)


@dataclass
class Account:
    key: str  # keyed digest of the kind and identity
    kind: str  # commune | old_district
    unit: str  # commune code or old district key
    uid: str
    role: str
    status: str
    person: str  # keyed digest of the person (unit-independent): matches old district accounts to new ones
    issued: str  # ISO date
    disabled: str | None = None
    successor: str | None = None  # old districts: the new commune receiving its mail
    legacy_key: bool = False  # key and person still unsalted (version 1) until a list names the person
    # Usernames this account held before `accounts rename` corrected them: never issued again.
    renamed_from: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        document = asdict(self)
        if not self.legacy_key:
            del document["legacy_key"]
        if not self.renamed_from:
            del document["renamed_from"]
        return document

    def held(self) -> list[str]:
        """Every username this account holds or held."""
        return [self.uid, *self.renamed_from]


@dataclass
class AccountsState:
    accounts: list[Account] = field(default_factory=list)
    # key -> {full_name, position, given_name, personal_email, phone, initial_password}
    people: dict[str, dict[str, str]] = field(default_factory=dict)
    services: dict[str, str] = field(default_factory=dict)  # services.SERVICES -> password
    secret: str = ""  # person_key_secret, from the vault
    version: int = VERSION  # of the plain file as loaded

    def key(self, kind: str, identity: str) -> str:
        return keyed(self.secret, f"{kind}|{identity}")

    def person_key(self, person: str) -> str:
        return keyed(self.secret, person)

    def by_key(self) -> dict[str, Account]:
        return {account.key: account for account in self.accounts}

    def taken(self, kind: str, unit: str) -> set[str]:
        """Every username ever issued in a unit, active or not, renamed or not: none is handed out again."""
        held = (account.held() for account in self.accounts if (account.kind, account.unit) == (kind, unit))
        return {uid for uids in held for uid in uids}


def today() -> str:
    return dt.date.today().isoformat()


def load(workspace_dir: Path) -> AccountsState | None:
    """The state, or None when no staff list was ever imported. Needs the vault password when present."""
    path = Path(workspace_dir) / STATE_FILE
    if not path.exists():
        return None
    version, accounts = _checked_accounts(path)
    state = AccountsState(accounts=accounts, version=version)
    secrets_path = Path(workspace_dir) / SECRETS_FILE
    if secrets_path.exists():
        from ansible.errors import AnsibleError

        try:
            lib = vaultlib.vault(workspace_dir)
            plaintext = vaultlib.decrypt(lib, secrets_path.read_text(encoding="ascii"))
        except (OSError, UnicodeDecodeError, AnsibleError) as error:
            raise UserError(
                f"{secrets_path}: cannot be decrypted with {vaultlib.password_path(workspace_dir)} "
                f"({error}); restore the password file the vault was made with"
            ) from None
        secret = yaml.load(plaintext, Loader=_Loader) or {}
        state.people = secret.get("people") or {}
        state.services = secret.get("services") or {}
        state.secret = str(secret.get("person_key_secret") or "")
    if version >= 2 and not state.secret:
        raise UserError(
            f"{path} is keyed with the province's secret, but {secrets_path} holds none; restore "
            f"{SECRETS_FILE} from the workspace backup (a new secret would make everyone a new person)"
        )
    return state


def _checked_accounts(path: Path) -> tuple[int, list[Account]]:
    """The version and accounts of the plain state file; InvalidInput (FILE:LINE) when one is
    malformed or a username is held twice in a unit (a bad merge or a hand edit: two people, one
    mailbox). Every account of a version-1 file has an unsalted key."""
    data, lines, diagnostics = parse_yaml(path)
    if diagnostics:
        raise InvalidInput(diagnostics)
    entries = data.get("accounts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        diagnostics.add(path, 1, "expected a mapping with a list of accounts", hint=STATE_HINT)
        raise InvalidInput(diagnostics)
    version = data.get("version", 1)
    if version not in (1, VERSION):
        diagnostics.add(path, lines.line(("version",)), f"unknown state version {version!r}", hint=STATE_HINT)
        raise InvalidInput(diagnostics)
    accounts: list[Account] = []
    holders: dict[tuple[str, str, str], tuple[int, Account]] = {}  # -> (YAML position, holder)
    for position, entry in enumerate(entries):
        line = lines.line(("accounts", position))
        try:
            account = Account(**entry)
            if version == 1:
                account.legacy_key = True
        except TypeError as error:
            diagnostics.add(path, line, f"malformed account: {error}", hint=STATE_HINT)
            continue
        clash = next((uid for uid in account.held() if (account.kind, account.unit, uid) in holders), None)
        if clash is not None:
            other_position, other = holders[(account.kind, account.unit, clash)]
            diagnostics.add(
                path, line,
                f"username {clash} of {account.kind} {account.unit} is held twice (also by the account "
                f"at line {lines.line(('accounts', other_position))}, role {other.role})",
                hint=STATE_HINT,
            )
            continue
        for uid in account.held():
            holders[(account.kind, account.unit, uid)] = (position, account)
        accounts.append(account)
    if diagnostics:
        raise InvalidInput(diagnostics)
    return version, accounts


def save(workspace_dir: Path, state: AccountsState) -> None:
    """Write the vault file first, then the plain one (a crash leaves extra secrets, never missing ones)."""
    workspace_dir = Path(workspace_dir)
    vaultlib.ensure_password(workspace_dir)
    lib = vaultlib.vault(workspace_dir)
    if not state.secret:
        raise ValueError("saving accounts without a person key secret")  # a bug: import sets it
    secret_doc: dict[str, Any] = {
        "people": dict(sorted(state.people.items())),
        "services": dict(sorted(state.services.items())),
        "person_key_secret": state.secret,
    }
    atomic_write(
        workspace_dir / SECRETS_FILE,
        vaultlib.encrypt(lib, yaml.dump(secret_doc, Dumper=_Dumper, allow_unicode=True, sort_keys=True)),
    )
    ordered = sorted(state.accounts, key=lambda account: (account.kind, account.unit, account.uid))
    document = {"version": VERSION, "accounts": [account.as_dict() for account in ordered]}
    atomic_write(workspace_dir / STATE_FILE, HEADER + yaml.dump(document, Dumper=_Dumper, sort_keys=False))
