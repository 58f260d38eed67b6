"""Just enough of PNG to look at a screenshot without Pillow: size, and the decoded rows of an
8-bit, non-interlaced greyscale/RGB/RGBA image (what Chromium writes)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel


def _chunks(data: bytes):
    position = len(SIGNATURE)
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        yield kind, data[position + 8 : position + 8 + length]
        position += 12 + length


def size(path: Path) -> tuple[int, int]:
    data = Path(path).read_bytes()
    assert data.startswith(SIGNATURE), f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def rows(path: Path, limit: int | None = None) -> tuple[int, int, int, list[bytes]]:
    """(width, height, bytes per pixel, unfiltered rows): the first `limit` rows, or all."""
    data = Path(path).read_bytes()
    header = next(body for kind, body in _chunks(data) if kind == b"IHDR")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in CHANNELS and not interlace, "only 8-bit non-interlaced PNGs"
    bpp = CHANNELS[colour]
    raw = zlib.decompress(b"".join(body for kind, body in _chunks(data) if kind == b"IDAT"))
    stride = width * bpp
    previous = bytearray(stride)
    out = []
    for y in range(height if limit is None else min(limit, height)):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - bpp] if x >= bpp else 0
            up = previous[x]
            corner = previous[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + left) & 0xFF
            elif kind == 2:
                line[x] = (line[x] + up) & 0xFF
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[x] = (line[x] + _paeth(left, up, corner)) & 0xFF
        out.append(bytes(line))
        previous = line
    return width, height, bpp, out


def write(path: Path, width: int, height: int, bpp: int, lines: list[bytes]) -> None:
    """An unfiltered PNG of `lines` (for cropping a screenshot while looking at it)."""
    colour = {v: k for k, v in CHANNELS.items()}[bpp]
    raw = b"".join(b"\x00" + line for line in lines)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    Path(path).write_bytes(
        SIGNATURE
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 6))
        + chunk(b"IEND", b"")
    )
