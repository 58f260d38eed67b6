"""A journal on the host: one JSON file, replaced whole so a reader never sees half of it.

Shared by the decommissioning journal and the release journal: both are the record that says
what may be deleted later, so a crash mid-write must leave the previous journal intact.
"""

from __future__ import annotations

import json
import os
import tempfile


def load_journal(path, empty):
    """The journal at `path`, or `empty` when the host has none yet."""
    if not os.path.exists(path):
        return empty
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def save_journal(path, journal, prefix):
    """Write `journal` to `path` atomically (temporary file, fsync, rename), mode 0640."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, mode=0o750, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=prefix)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(journal, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(temporary, 0o640)
    os.replace(temporary, path)
