#!/usr/bin/python3
# ruff: noqa: E501 (the seed data are documents whose lines are as long as their text)
"""Seed an old district host with realistic data (stdlib only; run once by the old_district_seed role).

Documents with Vietnamese names (NFC), the portal's static pages, Maildir mailboxes and the document
system's PostgreSQL database (staff, dossiers, documents) with a read-write application role.
"""

import argparse
import base64
import os
import subprocess
import unicodedata
import zipfile
from xml.sax.saxutils import escape

DOCUMENTS = [
    (
        'Văn bản đến/Quyết định số 1234-QĐ-UBND về sáp nhập xã.txt',
        """ỦY BAN NHÂN DÂN TỈNH BÌNH THUẬN
Quyết định số 1234/QĐ-UBND
Về việc sắp xếp đơn vị hành chính cấp xã năm 2025.
Điều 1. Thành lập xã Hàm Thuận trên cơ sở nhập toàn bộ diện tích tự nhiên và dân số của các xã Hàm Trí, Hàm Phú.
Điều 2. Quyết định có hiệu lực từ ngày 01 tháng 7 năm 2025.
""",
    ),
    (
        'Văn bản đến/Công văn 87-UBND hướng dẫn bàn giao hồ sơ.txt',
        """Công văn số 87/UBND-VP
Hướng dẫn bàn giao hồ sơ, tài liệu lưu trữ của Ủy ban nhân dân huyện trước khi kết thúc hoạt động.
Các phòng chuyên môn hoàn thành việc số hóa hồ sơ đất đai trước ngày 25 tháng 6.
""",
    ),
    (
        'Văn bản đi/Báo cáo tổng kết công tác năm 2024.md',
        """# Báo cáo tổng kết công tác năm 2024

Trong năm 2024, huyện đã giải quyết **12.450** hồ sơ thủ tục hành chính đúng hạn,
đạt tỷ lệ 98,7%. Công tác chuyển đổi số được đẩy mạnh ở tất cả các xã, thị trấn.
""",
    ),
    (
        'Văn bản đi/Kế hoạch chuyển đổi số giai đoạn 2025.html',
        """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Kế hoạch chuyển đổi số</title></head>
<body><h1>Kế hoạch chuyển đổi số giai đoạn 2025</h1>
<p>Triển khai hệ thống quản lý văn bản và điều hành liên thông tới cấp xã; đảm bảo an toàn thông tin.</p>
</body></html>
""",
    ),
    (
        'Hồ sơ một cửa/Danh sách hồ sơ đất đai tồn đọng.csv',
        """mã hồ sơ,người nộp,thủ tục,ngày nhận,trạng thái
HS-2025-0001,Nguyễn Thanh Phương,Cấp giấy chứng nhận quyền sử dụng đất,2025-05-12,đang xử lý
HS-2025-0002,Trần Thị Hồng Đào,Chuyển mục đích sử dụng đất,2025-05-20,chờ bổ sung
HS-2025-0003,Lê Văn Đức,Đăng ký biến động đất đai,2025-06-02,đang xử lý
""",
    ),
    (
        'Hồ sơ một cửa/Hướng dẫn tra cứu hồ sơ cũ.txt',
        """Công dân tra cứu hồ sơ đã nộp tại bộ phận một cửa huyện trước ngày 01/7/2025
trên trang lưu trữ của tỉnh, theo mã hồ sơ hoặc họ tên người nộp.
""",
    ),
    (
        'Nội quy cơ quan.txt',
        """Nội quy cơ quan Ủy ban nhân dân huyện: giờ làm việc từ 7 giờ 00 đến 17 giờ 00, thứ Hai đến thứ Sáu.
""",
    ),
]

PORTAL_INDEX = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>Cổng thông tin điện tử {name}</title></head>
<body>
<h1>Cổng thông tin điện tử {name}</h1>
<p>Từ ngày 01/7/2025, {name} kết thúc hoạt động theo mô hình chính quyền địa phương hai cấp.</p>
<ul><li><a href="tin-tuc/thông-báo-sáp-nhập.html">Thông báo sáp nhập đơn vị hành chính</a></li></ul>
</body>
</html>
"""

PORTAL_NEWS = """<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>Thông báo sáp nhập đơn vị hành chính</title></head>
<body>
<h1>Thông báo sáp nhập đơn vị hành chính</h1>
<p>Người dân tiếp tục tra cứu thủ tục hành chính tại trang {domain} đến hết thời hạn tra cứu.</p>
</body>
</html>
"""

SEED_SQL = """-- The document system of {name}: staff, dossiers, documents.
CREATE ROLE {role} LOGIN;
CREATE DATABASE {database} ENCODING 'UTF8' TEMPLATE template0;
\\connect {database}
CREATE TABLE can_bo (
  id serial PRIMARY KEY, ho_ten text NOT NULL, chuc_vu text NOT NULL, email text NOT NULL);
CREATE TABLE ho_so (
  id serial PRIMARY KEY, ma_ho_so text UNIQUE NOT NULL, nguoi_nop text NOT NULL,
  thu_tuc text NOT NULL, ngay_nhan date NOT NULL, trang_thai text NOT NULL, can_bo_id int REFERENCES can_bo(id));
CREATE TABLE van_ban (
  id serial PRIMARY KEY, so_ky_hieu text NOT NULL, trich_yeu text NOT NULL, ngay_ban_hanh date NOT NULL,
  ho_so_id int REFERENCES ho_so(id));
INSERT INTO can_bo (ho_ten, chuc_vu, email)
SELECT (ARRAY['Nguyễn Thanh Phương','Trần Thị Hồng Đào','Lê Văn Đức','Phạm Quốc Vinh','Võ Thị Ánh'])[1 + i % 5] || ' ' || i,
       (ARRAY['Văn thư','Chuyên viên','Phó Chánh Văn phòng'])[1 + i % 3],
       'canbo' || i || '@{domain}'
FROM generate_series(1, {staff}) AS i;
INSERT INTO ho_so (ma_ho_so, nguoi_nop, thu_tuc, ngay_nhan, trang_thai, can_bo_id)
SELECT 'HS-2025-' || lpad(i::text, 5, '0'),
       (ARRAY['Nguyễn Văn An','Trần Thị Bình','Hoàng Minh Châu','Đặng Thu Hà'])[1 + i % 4],
       (ARRAY['Cấp giấy chứng nhận quyền sử dụng đất','Đăng ký kết hôn','Cấp giấy phép xây dựng'])[1 + i % 3],
       date '2025-01-01' + (i % 170), (ARRAY['đã trả kết quả','đang xử lý','chờ bổ sung'])[1 + i % 3],
       1 + i % {staff}
FROM generate_series(1, {dossiers}) AS i;
INSERT INTO van_ban (so_ky_hieu, trich_yeu, ngay_ban_hanh, ho_so_id)
SELECT i || '/QĐ-UBND', 'Quyết định giải quyết hồ sơ số ' || i, date '2025-01-05' + (i % 160), 1 + i % {dossiers}
FROM generate_series(1, {documents}) AS i;
GRANT CONNECT ON DATABASE {database} TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};
"""

MESSAGE = """From: "V\u0103n ph\u00f2ng UBND" <vanphong@{domain}>
To: {user}@{domain}
Subject: =?UTF-8?B?{subject}?=
Date: Mon, 30 Jun 2025 08:00:00 +0700
Message-ID: <seed-{user}@{domain}>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

K\u00ednh g\u1eedi \u0111\u1ed3ng ch\u00ed {user},
Cu\u1ed9c h\u1ecdp giao ban b\u00e0n giao h\u1ed3 s\u01a1 \u0111\u01b0\u1ee3c t\u1ed5 ch\u1ee9c l\u00fac 8 gi\u1edd ng\u00e0y 30/6/2025.
"""


# Office documents and a PDF, each holding a word no other seeded file has (kênh mương in the PDF,
# liệt sĩ in the DOCX, xâm nhập mặn in the ODT), so a search that finds the word proves that
# file's text was extracted. Their names say nothing of their content.
OFFICE_DOCUMENTS = {
    "Văn bản điện tử/Biên bản nghiệm thu công trình năm 2024.pdf": [
        "ỦY BAN NHÂN DÂN HUYỆN",
        "Biên bản nghiệm thu công trình kênh mương nội đồng xã Hàm Trí.",
        "Tổng chiều dài 1.250 mét, hoàn thành ngày 15 tháng 11 năm 2024.",
    ],
    "Văn bản điện tử/Tờ trình số 15-TTr-UBND.docx": [
        "Tờ trình số 15/TTr-UBND",
        "Về việc tu bổ nghĩa trang liệt sĩ huyện, kinh phí từ ngân sách năm 2025.",
    ],
    "Văn bản điện tử/Kế hoạch số 22-KH-UBND.odt": [
        "Kế hoạch số 22/KH-UBND",
        "Phòng, chống xâm nhập mặn mùa khô năm 2025 tại các xã ven biển.",
    ],
}
_ZIP_TIME = (2025, 6, 30, 8, 0, 0)


def pdf_bytes(lines):
    """A one-page PDF whose text pdftotext reads back: a Type0 font (Identity-H, each code the
    character's code point) with a ToUnicode map, as Vietnamese office PDFs are made."""
    chars = sorted({ch for line in lines for ch in line})
    body = "BT /F1 12 Tf 14 TL 56 780 Td " + " ".join(
        "<" + "".join(f"{ord(ch):04X}" for ch in line) + "> Tj T*" for line in lines) + " ET"
    pairs = [f"<{ord(ch):04X}> <{ord(ch):04X}>" for ch in chars]
    blocks = "\n".join(f"{len(pairs[i:i + 100])} beginbfchar\n" + "\n".join(pairs[i:i + 100]) + "\nendbfchar"
                        for i in range(0, len(pairs), 100))
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) "
            "/Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n" + blocks +
            "\nendcmap CMapName currentdict /CMap defineresource pop end end")
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(body)} >>\nstream\n{body}\nendstream",
        "<< /Type /Font /Subtype /Type0 /BaseFont /Arial /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Arial /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) "
        "/Supplement 0 >> /FontDescriptor 8 0 R /DW 600 /CIDToGIDMap /Identity >>",
        f"<< /Length {len(cmap)} >>\nstream\n{cmap}\nendstream",
        "<< /Type /FontDescriptor /FontName /Arial /Flags 32 /FontBBox [0 -210 1000 900] /ItalicAngle 0 /Ascent 900 "
        "/Descent -210 /CapHeight 700 /StemV 80 >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("ascii")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("ascii")
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode("ascii")
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode("ascii")
    return bytes(out)


def _zip(path, members):
    """A zip with fixed member times (the same bytes every time); the first member is stored."""
    with zipfile.ZipFile(path, "w") as archive:
        for index, (name, text) in enumerate(members):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))


def write_docx(path, lines):
    paragraphs = "".join(f"<w:p w:rsidR=\"00A1B2C3\"><w:r><w:t>{escape(line)}</w:t></w:r></w:p>" for line in lines)
    _zip(path, [
        ("[Content_Types].xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/word/document.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
        ("_rels/.rels",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="word/document.xml"/></Relationships>'),
        ("word/document.xml",
         '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
         f"<w:body>{paragraphs}</w:body></w:document>"),
    ])


def write_odt(path, lines):
    paragraphs = "".join(f"<text:p>{escape(line)}</text:p>" for line in lines)
    _zip(path, [
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml",
         '<?xml version="1.0" encoding="UTF-8"?>'
         '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
         '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
         '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'),
        ("content.xml",
         '<?xml version="1.0" encoding="UTF-8"?>'
         '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
         'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
         f"<office:body><office:text>{paragraphs}</office:text></office:body></office:document-content>"),
    ])


def seed_office_documents(documents_dir):
    """The PDF, DOCX and ODT documents of OFFICE_DOCUMENTS under documents_dir."""
    for relative, lines in OFFICE_DOCUMENTS.items():
        path = unicodedata.normalize("NFC", os.path.join(documents_dir, relative))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if path.endswith(".pdf"):
            with open(path, "wb") as handle:
                handle.write(pdf_bytes(lines))
        elif path.endswith(".docx"):
            write_docx(path, lines)
        else:
            write_odt(path, lines)
        os.chmod(path, 0o644)


def write(path, text, mode=0o644):
    path = unicodedata.normalize("NFC", path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, mode)


def main():
    parser = argparse.ArgumentParser()
    for option in ("name", "domain", "documents-dir", "portal-dir", "mail-dir", "database", "app-role", "marker"):
        parser.add_argument("--" + option, required=True)
    parser.add_argument("--mailboxes", required=True, help="comma-separated")
    parser.add_argument("--dossiers", type=int, required=True)
    args = parser.parse_args()
    for relative, text in DOCUMENTS:
        write(os.path.join(args.documents_dir, relative), text)
    seed_office_documents(args.documents_dir)
    write(os.path.join(args.portal_dir, "index.html"), PORTAL_INDEX.format(name=args.name))
    write(os.path.join(args.portal_dir, "tin-t\u1ee9c", "th\u00f4ng-b\u00e1o-s\u00e1p-nh\u1eadp.html"),
          PORTAL_NEWS.format(domain=args.domain))
    os.makedirs(os.path.join(args.portal_dir, "uploads"), exist_ok=True)
    subject = base64.b64encode("L\u1ecbch h\u1ecdp giao ban tu\u1ea7n".encode()).decode()
    for user in args.mailboxes.split(","):
        box = os.path.join(args.mail_dir, args.domain, user, "Maildir")
        for sub in ("cur", "new", "tmp"):
            os.makedirs(os.path.join(box, sub), mode=0o700, exist_ok=True)
        write(os.path.join(box, "cur", f"1719800000.M1P1.{user}:2,S"),
              MESSAGE.format(domain=args.domain, user=user, subject=subject), 0o600)
    staff = max(1, args.dossiers // 10)
    sql = SEED_SQL.format(name=args.name, role=args.app_role, database=args.database, domain=args.domain,
                          staff=staff, dossiers=args.dossiers, documents=args.dossiers * 2)
    subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1"],
                   input=sql, text=True, check=True)
    write(args.marker, "seeded\n")


if __name__ == "__main__":
    main()
