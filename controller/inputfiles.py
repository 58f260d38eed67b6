"""Reading input files within `controller.limits`: bounded in size and line length, never a device.

Every reader of a file the engineer gives (mapping CSV, staff lists, mapping.yml,
province.yml) and of the files mergectl reads back goes through `read_bytes` or
`read_text`, so `--csv /dev/zero`, a runaway 47 MB file or a single 1 GB line is
refused as a diagnostic (exit 3) in bounded time and memory, never read into memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from controller.errors import Diagnostics
from controller.limits import LINE_MAX_BYTES, MIB

_KINDS = (
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _size_text(size: int) -> str:
    return f"{size / MIB:.1f} MiB" if size >= MIB else f"{size:,} bytes"


def read_bytes(
    path: Path, diagnostics: Diagnostics, *, max_bytes: int, what: str = "this file"
) -> bytes | None:
    """The content of `path`, or None plus a diagnostic (missing, a folder or device, too large).

    A regular file is checked on its size before it is opened; a pipe (`<(...)`) is read
    up to the limit. Devices are refused without opening them: `/dev/zero` never ends.
    """
    path = Path(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        diagnostics.add(path, None, "file not found")
        return None
    except OSError as error:
        diagnostics.add(path, None, f"cannot read: {error.strerror}")
        return None
    if stat.S_ISDIR(status.st_mode):
        diagnostics.add(path, None, "is a folder, not a file")
        return None
    for test, kind in _KINDS:
        if test(status.st_mode):
            diagnostics.add(path, None, f"not a regular file ({kind})", hint=f"give the path of {what}")
            return None
    if stat.S_ISREG(status.st_mode) and status.st_size > max_bytes:
        _too_large(path, diagnostics, status.st_size, max_bytes, what)
        return None
    try:
        with open(path, "rb") as handle:
            # One byte more than allowed tells a file that grew (or a pipe) from one that fits.
            data = handle.read(max_bytes + 1)
    except OSError as error:
        diagnostics.add(path, None, f"cannot read: {error.strerror}")
        return None
    if len(data) > max_bytes:
        _too_large(path, diagnostics, None, max_bytes, what)
        return None
    return data


def _too_large(path: Path, diagnostics: Diagnostics, size: int | None, limit: int, what: str) -> None:
    found = f"{_size_text(size)}, " if size is not None else ""
    diagnostics.add(
        path,
        None,
        f"file too large: {found}more than the {_size_text(limit)} allowed for {what}",
        hint="check that this is the right file; the limits are in controller/limits.py",
    )


def long_line(data: bytes, limit: int = LINE_MAX_BYTES) -> tuple[int, int] | None:
    """(1-based line number, length in bytes) of the first line longer than `limit`, or None.

    Jumps from the last newline of one window of `limit` bytes to the next, so a file of
    short lines costs size/limit searches rather than one step per line.
    """
    position = 0
    size = len(data)
    while size - position > limit:
        newline = data.rfind(b"\n", position, position + limit + 1)
        if newline == -1:
            end = data.find(b"\n", position)
            length = (size if end == -1 else end) - position
            return data.count(b"\n", 0, position) + 1, length
        position = newline + 1
    return None


def check_line_length(path: Path, data: bytes, diagnostics: Diagnostics, limit: int = LINE_MAX_BYTES) -> bool:
    """False plus a FILE:LINE diagnostic when a line of `data` is longer than `limit` bytes."""
    found = long_line(data, limit)
    if found is None:
        return True
    line, length = found
    diagnostics.add(
        path,
        line,
        f"line too long: {length:,} bytes, more than the {limit:,} allowed",
        hint="break it up (YAML lists and mappings can be written one item per line)",
    )
    return False


def read_text(path: Path, diagnostics: Diagnostics, *, max_bytes: int, what: str = "this file") -> str | None:
    """UTF-8 text of `path` (BOM dropped), or None plus a diagnostic: missing, too large, a line
    too long, empty, binary or undecodable."""
    raw = read_bytes(path, diagnostics, max_bytes=max_bytes, what=what)
    if raw is None:
        return None
    if not raw.strip():
        diagnostics.add(path, None, "file is empty")
        return None
    if b"\x00" in raw:
        diagnostics.add(path, None, "file is binary (contains NUL bytes), expected UTF-8 text")
        return None
    if not check_line_length(path, raw, diagnostics):
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        diagnostics.add(
            path, line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x})", hint="save the file as UTF-8"
        )
        return None
