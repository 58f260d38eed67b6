"""The workspace's `.gitignore`: what must never reach the province's repository.

The README tells engineers to keep the workspace in the province's own repository, and
`git add -A` there would commit `.vault-pass` beside the vault files it opens. `import`
writes this file, and on every re-import adds any entry that is missing; lines the
province added are kept as they are.
"""

from __future__ import annotations

from pathlib import Path

from controller.yamlio import atomic_write

FILE_NAME = ".gitignore"
HEADER = "# Written by mergectl import: never commit these (your own lines may follow).\n"
ENTRIES = (
    ("/.vault-pass", "the vault password: it opens every vault file in this folder"),
    ("/.vault-pass*", "copies of it (editors, backups)"),
    ("/state/.lock", "the lock two mergectl runs share while writing"),
    (".*.tmp", "temporary files of an interrupted write"),
    ("/reports/runs/", "playbook run artefacts: task output and the command lines of each run"),
)


def ensure(workspace: Path) -> list[str]:
    """Add the missing entries to DIR/.gitignore (creating it); the entries added."""
    path = Path(workspace) / FILE_NAME
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    present = {line.strip() for line in text.splitlines()}
    missing = [(pattern, why) for pattern, why in ENTRIES if pattern not in present]
    if not missing:
        return []
    if text and not text.endswith("\n"):
        text += "\n"
    block = "".join(f"# {why}\n{pattern}\n" for pattern, why in missing)
    atomic_write(path, (text or HEADER) + ("\n" if text else "") + block)
    return [pattern for pattern, _ in missing]
