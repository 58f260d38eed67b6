"""The workspace's Ansible Vault: password file `DIR/.vault-pass` and VaultLib helpers.

The password file is hidden (Ansible ignores dot-files as inventory sources) and mode 0600;
run playbooks with `--vault-password-file DIR/.vault-pass`. Losing it loses the initial
passwords and the service passwords: keep it with the workspace's backups.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ansible.constants import DEFAULT_VAULT_ID_MATCH
from ansible.parsing.vault import VaultLib, VaultSecret

PASSWORD_FILE = ".vault-pass"


def password_path(workspace_dir: Path) -> Path:
    return Path(workspace_dir) / PASSWORD_FILE


def ensure_password(workspace_dir: Path) -> Path:
    """Create `DIR/.vault-pass` (0600, random) when absent; an existing one is never changed."""
    path = password_path(workspace_dir)
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
    return path


def vault(workspace_dir: Path) -> VaultLib:
    password = password_path(workspace_dir).read_bytes().strip()
    return VaultLib([(DEFAULT_VAULT_ID_MATCH, VaultSecret(password))])


def encrypt(lib: VaultLib, plaintext: str) -> str:
    return lib.encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(lib: VaultLib, ciphertext: str) -> str:
    return lib.decrypt(ciphertext.encode("ascii")).decode("utf-8")


def new_password() -> str:
    """An initial password: 16 characters from an unambiguous alphabet (read aloud over the phone)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))
