#!/usr/bin/python3
# ruff: noqa: E501 (the seed pages are documents whose lines are as long as their text)
"""Seed the old commune portals an old district host serves (stdlib only; run once by old_district_seed).

Each portal: a front page (bare <body>), an inner page (<body class=...>), a news page, a style sheet,
two PNG images and a PDF, as an old commune's CMS export would hold them; the pages link to all of them,
so a crawler that follows links and page requisites finds every file.
"""

import argparse
import json
import os
import struct
import unicodedata
import zlib

FRONT = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cổng thông tin điện tử {name}</title>
<link rel="stylesheet" href="/css/trang.css"></head>
<body>
<header><img src="/images/bieu-trung.png" width="64" height="64" alt="Biểu trưng Ủy ban nhân dân {name}"> <h1>Cổng thông tin điện tử {name}</h1>
<p>{district}, tỉnh {province}</p></header>
<nav><a href="/">Trang chủ</a> | <a href="/gioi-thieu.html">Giới thiệu</a> | <a href="/tin-tuc/thong-bao-sap-nhap.html">Tin tức</a> | <a href="/van-ban/ke-hoach-chuyen-doi-so-2025.pdf">Văn bản</a></nav>
<main>
<figure><img src="/images/tru-so.png" width="480" height="200" alt="Trụ sở Ủy ban nhân dân {name}"><figcaption>Trụ sở Ủy ban nhân dân {name}</figcaption></figure>
<h2>Thông báo</h2>
<p>Thực hiện Nghị quyết của Ủy ban Thường vụ Quốc hội về sắp xếp đơn vị hành chính cấp xã năm 2025, {name} được sắp xếp vào đơn vị hành chính mới từ ngày 01/7/2025.</p>
<ul><li><a href="/tin-tuc/thong-bao-sap-nhap.html">Thông báo về việc sắp xếp đơn vị hành chính</a></li>
<li><a href="/van-ban/ke-hoach-chuyen-doi-so-2025.pdf">Kế hoạch chuyển đổi số năm 2025 (PDF)</a></li></ul>
</main>
<footer><p>Ủy ban nhân dân {name}. Điện thoại: 0252 3800 {phone}.</p></footer>
</body>
</html>
"""

INNER = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>Giới thiệu {name}</title><link rel="stylesheet" href="/css/trang.css"></head>
<body class="trang-con">
<main>
<h1>Giới thiệu {name}</h1>
<p>{name} có diện tích tự nhiên {area} km², dân số khoảng {people} người, gồm {villages} thôn, khu phố.</p>
<p><a href="/">Về trang chủ</a></p>
</main>
</body>
</html>
"""

NEWS = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>Thông báo về việc sắp xếp đơn vị hành chính</title><link rel="stylesheet" href="/css/trang.css"></head>
<body>
<h1>Thông báo về việc sắp xếp đơn vị hành chính</h1>
<p>Người dân tiếp tục tra cứu thông tin, văn bản của {name} tại địa chỉ {fqdn} đến hết thời hạn tra cứu.</p>
<p><img src="/images/bieu-trung.png" width="32" height="32" alt=""> <a href="/">Về trang chủ</a></p>
</body>
</html>
"""

STYLE = """body { font-family: Arial, sans-serif; margin: 0; color: #222; }
header { background: #1d4e89; color: #fff; padding: 12px 16px; }
header h1 { display: inline; font-size: 1.6em; vertical-align: middle; }
nav { background: #e8eef6; padding: 8px 16px; }
main { padding: 16px; max-width: 900px; }
footer { border-top: 1px solid #999; padding: 8px 16px; font-size: .9em; }
"""


def png(width, height, pixel):
    """A truecolour PNG whose pixel (x, y) is pixel(x, y) -> (r, g, b)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def emblem(x, y):
    inside = (x - 32) ** 2 + (y - 32) ** 2 <= 30 ** 2
    return (200, 16, 46) if inside else (255, 255, 255)


def building(x, y):
    if y < 120:
        return (135, 190, 235)  # sky
    if 120 <= y < 190 and 140 <= x < 340:
        return (245, 222, 179) if (x // 20 + y // 20) % 3 else (110, 80, 50)  # walls and windows
    return (80, 140, 60)  # grass


def pdf(title, lines):
    """A one-page PDF (Helvetica, ASCII text: the standard fonts have no Vietnamese glyphs)."""
    text = "BT /F1 18 Tf 60 780 Td (" + title + ") Tj /F1 12 Tf"
    for line in lines:
        text += " 0 -22 Td (" + line + ") Tj"
    text += " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
    ]
    out = "%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("ascii")


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(data)
    os.chmod(path, mode)


def seed(root, portal, district, province, number):
    name = unicodedata.normalize("NFC", portal["name"])
    fqdn = portal["fqdn"]
    site = os.path.join(root, fqdn)
    values = {"name": name, "fqdn": fqdn, "district": district, "province": province,
              "phone": f"{100 + number:03d}", "area": 12 + 3 * number, "people": 8000 + 1250 * number,
              "villages": 5 + number}
    write(os.path.join(site, "index.html"), FRONT.format(**values).encode())
    write(os.path.join(site, "gioi-thieu.html"), INNER.format(**values).encode())
    write(os.path.join(site, "tin-tuc", "thong-bao-sap-nhap.html"), NEWS.format(**values).encode())
    write(os.path.join(site, "css", "trang.css"), STYLE.encode())
    write(os.path.join(site, "images", "bieu-trung.png"), png(64, 64, emblem))
    write(os.path.join(site, "images", "tru-so.png"), png(480, 200, building))
    ascii_name = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d")).encode("ascii", "ignore").decode()
    write(os.path.join(site, "van-ban", "ke-hoach-chuyen-doi-so-2025.pdf"),
          pdf(f"Ke hoach chuyen doi so nam 2025 - {ascii_name}",
              [f"Don vi: {ascii_name} ({fqdn})", "Muc tieu: 100% ho so cong viec xu ly tren moi truong mang.",
               "Ban hanh kem theo Quyet dinh so 45/QD-UBND."]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True)
    parser.add_argument("--portals", required=True, help="JSON list of {fqdn, name}")
    parser.add_argument("--district", required=True)
    parser.add_argument("--province", required=True)
    parser.add_argument("--marker", required=True)
    args = parser.parse_args()
    for number, portal in enumerate(json.loads(args.portals)):
        seed(args.root, portal, args.district, args.province, number)
    write(args.marker, b"seeded\n")


if __name__ == "__main__":
    main()
