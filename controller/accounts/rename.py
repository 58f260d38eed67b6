"""`accounts rename`: correct a username that was issued wrong and never used.

A username never changes on import. Before it is used it can still be corrected, and "used" is
defined by what the controller can see:

- applied: a run recorded in `DIR/reports/runs/*/summary.json` of the `mail` or `site` playbook,
  not in check mode, started on or after the day before the account was issued (the run folder's
  clock is UTC, the issue date local: one day of margin). Such a run may have created the mailbox
  and the directory entry: the rename is refused, with no flag to override it.
- rendered: the address is in the rendered inventory (`group_vars/all/accounts.yml`), so
  `ansible-playbook playbooks/mail.yml` run by hand (which leaves no run folder) may have applied
  it. Refused unless `--allow-rendered` says that no such run happened.

Otherwise the username has never reached a server. The old name stays with the account
(`renamed_from`, never reissued) and goes to the quarantine of `state/allocations.yml`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from controller.accounts.accounts_state import Account

RUN_PLAYBOOKS = ("mail", "site")  # the playbooks that create directory entries and mailboxes
RENDERED_FILE = "group_vars/all/accounts.yml"


@dataclass(frozen=True)
class Evidence:
    applied: list[str]  # run folders (relative to the workspace) of runs that may have used it
    rendered: bool  # the address is in the rendered inventory


def evidence(workspace_dir: Path, account: Account, mail: str | None) -> Evidence:
    return Evidence(_applied_runs(workspace_dir, account.issued), _rendered(workspace_dir, account, mail))


def _applied_runs(workspace_dir: Path, issued: str) -> list[str]:
    try:
        since = (dt.date.fromisoformat(issued) - dt.timedelta(days=1)).isoformat()
    except ValueError:
        since = ""  # an unreadable date: every run counts
    found = []
    for summary_path in sorted((workspace_dir / "reports" / "runs").glob("*/summary.json")):
        try:
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            found.append(f"{summary_path.parent.relative_to(workspace_dir)} (unreadable summary)")
            continue
        playbook = Path(str(summary.get("playbook", ""))).stem
        started = str(summary.get("started", ""))
        if playbook in RUN_PLAYBOOKS and not summary.get("check") and started >= since:
            run = summary_path.parent.relative_to(workspace_dir)
            found.append(f"{run} ({playbook}, {summary.get('status')}, {started})")
    return found


def _rendered(workspace_dir: Path, account: Account, mail: str | None) -> bool:
    path = workspace_dir / RENDERED_FILE
    if not path.exists():
        return False
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return True  # cannot tell: assume the worst
    entries = document.get("accounts_list") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return True
    if mail is None:
        return any(isinstance(entry, dict) and entry.get("uid") == account.uid for entry in entries)
    return any(isinstance(entry, dict) and entry.get("mail") == mail for entry in entries)


def rename(account: Account, new: str) -> None:
    account.renamed_from = [*account.renamed_from, account.uid]
    account.uid = new
