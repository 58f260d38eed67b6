#!/usr/bin/env python3
"""Exit 0 when each PNG given is a real screenshot, not a blank page (stdlib only).

A page counts as blank when nearly every pixel has the background colour (the most frequent one)
or the picture has only a handful of colours: a failed load, a TLS error page in the wrong colour
would still pass the first rule, so the caller also checks what was loaded (the page's text).
"""

import struct
import sys
import zlib
from collections import Counter


def pixels(path: str) -> tuple[int, int, list[bytes]]:
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    position, idat, header = 8, b"", None
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * size
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):
            left = line[x - size] if x >= size else 0
            up = previous[x]
            corner = previous[x - size] if x >= size else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, [row[x : x + 3] for row in rows[::4] for x in range(0, stride, size * 4)]


def main() -> int:
    status = 0
    for path in sys.argv[1:]:
        width, height, sample = pixels(path)
        counts = Counter(sample)
        background = counts.most_common(1)[0][1] / len(sample)
        print(f"{path}: {width}x{height}, {len(counts)} colours, background {background:.0%}")
        if len(counts) < 16 or background > 0.97:
            print(f"{path}: blank", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
