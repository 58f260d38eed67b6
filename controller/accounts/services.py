"""The service accounts' passwords (`state/accounts.vault.yml`, key `services`), issued once.

mail: Postfix/Dovecot bind to the directory; master: Dovecot's master user; archive: the archive's
read-only bind (`cn=archive,ou=services,BASE`). A password is never regenerated once issued: the
directory and its clients hold it. A service added later gets its password on the next
`accounts import` or `inventory` of a workspace with accounts.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from controller.accounts import accounts_state
from controller.accounts import vault as vaultlib

SERVICES = ("mail", "master", "archive")


def issue(state: accounts_state.AccountsState, password: Callable[[], str]) -> list[str]:
    """Give every service without a password one (in place); the services that got one."""
    missing = [service for service in SERVICES if not state.services.get(service)]
    for service in missing:
        state.services[service] = password()
    return missing


def issue_missing(workspace_dir: Path) -> list[str]:
    """Issue and save the missing passwords of a workspace that has accounts; the caller holds the
    workspace lock. Nothing is done without the vault password file (a new one would orphan the
    existing vault; the render reports the missing file) nor for a version-1 state."""
    if not (Path(workspace_dir) / accounts_state.STATE_FILE).exists():
        return []
    if not vaultlib.password_path(workspace_dir).exists():
        return []
    state = accounts_state.load(workspace_dir)
    # A state keyed before salting is re-keyed only by an import (it needs the staff list):
    # saving it here would mark it re-keyed. Its next import issues the passwords.
    if state is None or state.version < accounts_state.VERSION or not state.secret:
        return []
    issued = issue(state, vaultlib.new_password)
    if issued:
        accounts_state.save(workspace_dir, state)
    return issued
