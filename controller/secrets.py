"""The secrets the playbooks will need, checked before a run instead of failing in the middle of it.

- a vault password: `DIR/.vault-pass` (what `accounts import` creates), or the `--vault-id`
  sources given to `validate`/`apply` (`[LABEL@]FILE`, or an executable password script;
  a name ending in `-client` is a vault-id client script), or Ansible's own
  ANSIBLE_VAULT_IDENTITY_LIST / ANSIBLE_VAULT_PASSWORD_FILE: needed as soon as any inventory
  file is vault-encrypted or holds a `!vault` value;
- the DNS TSIG key (`vault_dns_tsig_secret`, playbooks/dns.yml and site.yml): defined in a
  group_vars or host_vars file the DNS servers read.

Whole-file vaults are opened with the password (a wrong password is reported here, not
by the fifth play of a run); `!vault` values only need their key to be there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from controller.errors import Diagnostics

PASSWORD_FILE = ".vault-pass"
TSIG_VARIABLE = "vault_dns_tsig_secret"
DNS_GROUPS = ("all", "integration_centre", "dns_servers", "dns_primary", "dns_secondary")
TSIG_HINT = (
    "ansible-vault encrypt_string --vault-password-file DIR/.vault-pass --name vault_dns_tsig_secret "
    "\"$(tsig-keygen mergectl-transfer | awk '/secret/ {gsub(/[\";]/,\"\",$2); print $2}')\" "
    "> DIR/group_vars/dns_servers/vault.yml"
)
_VAULT_HEADER = "$ANSIBLE_VAULT"


class _VaultTolerantLoader(yaml.SafeLoader):
    """Reads `!vault |` values as opaque text: only the keys matter here."""


_VaultTolerantLoader.add_constructor("!vault", lambda loader, node: "<vault>")


def vault_sources(workspace: Path, vault_ids: Sequence[str] = ()) -> list[str]:
    """Where the vault password comes from, as `--vault-id` values, in the order Ansible tries them."""
    sources = list(vault_ids)
    sources += [item for item in os.environ.get("ANSIBLE_VAULT_IDENTITY_LIST", "").split(",") if item.strip()]
    if os.environ.get("ANSIBLE_VAULT_PASSWORD_FILE"):
        sources.append(os.environ["ANSIBLE_VAULT_PASSWORD_FILE"])
    own = Path(workspace) / PASSWORD_FILE
    if not vault_ids and own.is_file():
        sources.append(str(own))
    return sources


def source_problem(source: str) -> str | None:
    """Why a `--vault-id` value cannot be used by a non-interactive run (None when it can)."""
    path = source.split("@", 1)[1] if "@" in source else source
    if path == "prompt":
        return f"--vault-id {source}: 'prompt' needs a terminal; give a password file or a client script"
    if not Path(path).is_file():
        return f"--vault-id {source}: no such password file or script {path}"
    return None


def _vault(sources: Sequence[str]) -> tuple[Any, list[str]]:
    """(VaultLib or None, problems) from the password sources; scripts are run as Ansible runs them."""
    from ansible.errors import AnsibleError
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import VaultLib, get_file_vault_secret

    secrets = []
    problems = []
    for source in sources:
        problem = source_problem(source)
        if problem:
            problems.append(problem)
            continue
        label, path = source.split("@", 1) if "@" in source else ("default", source)
        try:
            secret = get_file_vault_secret(filename=path, vault_id=label, loader=DataLoader())
            secret.load()
        except (AnsibleError, OSError) as error:
            problems.append(f"vault password source {source} cannot be read: {error}")
            continue
        secrets.append((label, secret))
    return (VaultLib(secrets) if secrets else None), problems


def _inventory_files(workspace: Path) -> Iterator[Path]:
    for folder in ("group_vars", "host_vars"):
        top = workspace / folder
        if top.is_dir():
            yield from sorted(
                path for path in top.rglob("*") if path.is_file() and path.suffix in (".yml", ".yaml")
            )


def _dns_hosts(workspace: Path) -> list[str]:
    try:
        text = (workspace / "hosts.yml").read_text(encoding="utf-8")
        document = yaml.load(text, Loader=_VaultTolerantLoader)
    except (OSError, yaml.YAMLError):
        return []
    found: list[str] = []

    def walk(name: str, group: Any, inside: bool) -> None:
        if not isinstance(group, dict):
            return
        inside = inside or name in DNS_GROUPS[2:]
        if inside:
            found.extend(str(host) for host in group.get("hosts") or {})
        for child, body in (group.get("children") or {}).items():
            walk(str(child), body, inside)

    if isinstance(document, dict):
        walk("all", document.get("all"), False)
    return sorted(set(found))


def _reads_tsig(path: Path, workspace: Path, dns_hosts: list[str]) -> bool:
    """Whether the DNS servers read this vars file (their groups' group_vars, their host_vars)."""
    relative = path.relative_to(workspace).parts
    if relative[0] == "group_vars":
        group = relative[1].removesuffix(".yml").removesuffix(".yaml")
        return group in DNS_GROUPS
    host = relative[1].removesuffix(".yml").removesuffix(".yaml")
    return host in dns_hosts


def check_secrets(workspace: Path, vault_ids: Sequence[str] = (), *, need_tsig: bool = True) -> Diagnostics:
    """What a playbook run would miss, as diagnostics; nothing to check before the first render."""
    workspace = Path(workspace)
    diagnostics = Diagnostics()
    if not (workspace / "hosts.yml").is_file():
        return diagnostics
    sources = vault_sources(workspace, vault_ids)
    lib, problems = _vault(sources)
    for problem in problems:
        diagnostics.add(workspace / PASSWORD_FILE, None, problem)
    dns_hosts = _dns_hosts(workspace)
    encrypted: list[Path] = []
    tsig_defined = unreadable = False
    for path in _inventory_files(workspace):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if text.startswith(_VAULT_HEADER):
            encrypted.append(path)
            if lib is None:
                unreadable = unreadable or _reads_tsig(path, workspace, dns_hosts)
                continue
            try:
                text = lib.decrypt(text.encode("ascii")).decode("utf-8")
            except Exception as error:  # AnsibleVaultError and friends: a wrong password
                diagnostics.add(
                    path, 1, f"cannot be decrypted with the vault password ({error})",
                    hint="give the password it was encrypted with (--vault-id or DIR/.vault-pass)",
                )
                continue
        elif "!vault" in text:
            encrypted.append(path)
        if need_tsig and dns_hosts and _reads_tsig(path, workspace, dns_hosts):
            try:
                data = yaml.load(text, Loader=_VaultTolerantLoader)
            except yaml.YAMLError:
                continue
            tsig_defined = tsig_defined or (isinstance(data, dict) and TSIG_VARIABLE in data)
    if (workspace / "state" / "accounts.vault.yml").is_file():
        encrypted.append(workspace / "state" / "accounts.vault.yml")
    if encrypted and lib is None and not problems:
        what = ", ".join(str(path.relative_to(workspace)) for path in encrypted[:3]) or "the DNS TSIG key"
        diagnostics.add(
            workspace / PASSWORD_FILE, None,
            f"no vault password: the playbooks need one to open {what}",
            hint="create DIR/.vault-pass (mode 0600), or give --vault-id [LABEL@]FILE|SCRIPT, or set "
            "ANSIBLE_VAULT_IDENTITY_LIST",
        )
    if need_tsig and dns_hosts and not tsig_defined and not unreadable:
        diagnostics.add(
            workspace / "group_vars" / "dns_servers" / "vault.yml", None,
            f"{TSIG_VARIABLE} is not defined for the DNS servers ({', '.join(dns_hosts)}): playbooks/dns.yml "
            "needs it for zone transfers",
            hint=TSIG_HINT.replace("DIR", str(workspace)),
        )
    return diagnostics
