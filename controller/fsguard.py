"""Guards for writing into a workspace: no symbolic link out of it, no temporary files left behind.

A workspace lives in the province's repository, where a folder may well be a link
(`host_vars -> /srv/shared/host_vars`); writing or deleting through such a link would
change files mergectl does not own. Writers check the path first and refuse.

Temporary files: `atomic_write` (`.NAME.XXXXXXXX.tmp`, mkstemp) and the renderer
(`.NAME.PID.tmp`) both write `.NAME.<token>.tmp` beside the target. A run that is
killed between the write and the rename leaves one behind; the next writer, holding
the workspace lock (so no other mergectl is mid-write), removes them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

# The target's name ends in an extension we write, then mkstemp's or the pid's token.
TEMP_NAME = re.compile(r"^\.(?P<target>.+\.(?:yml|yaml|json|md|csv|txt))\.[a-z0-9_]{1,16}\.tmp$")


def escaping_symlink(
    root: Path, relative: Path, checked: dict[Path, Path | None] | None = None
) -> Path | None:
    """The first component of `root/relative` that is a symbolic link resolving outside `root`
    (None when there is none). `checked` caches answers across calls for shared folders."""
    checked = {} if checked is None else checked
    real_root = Path(os.path.realpath(root))
    path = Path(root)
    for part in relative.parts:
        path = path / part
        if path in checked:
            found = checked[path]
            if found is not None:
                return found
            continue
        found = None
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            if target != real_root and real_root not in target.parents:
                found = path
        checked[path] = found
        if found is not None:
            return found
    return None


def is_temp_name(name: str) -> bool:
    return TEMP_NAME.match(name) is not None


def remove_stale_temps(folders: Iterable[Path]) -> int:
    """Remove our own temporary files in `folders` (not recursive); the caller holds the lock."""
    removed = 0
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if is_temp_name(entry.name) and entry.is_file(follow_symlinks=False):
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:
                    continue
                removed += 1
    return removed
