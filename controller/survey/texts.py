"""The words of the lists handed to officials, in Vietnamese (the default) and English.

Values a machine reads (JSON keys, `gov`, `handed_over`) stay as they are; only what a person
reads is translated here.
"""

from __future__ import annotations

LANGUAGES = ("vi", "en")

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "title": "Khảo sát hiện trạng: {province} ({communes} xã, phường, đặc khu mới)",
        "deadlines": "Thời hạn: rà soát, phân bổ thiết bị hội nghị truyền hình {reviewed}; "
                     "bàn giao thiết bị {handed_over}",
        "imported": "Đã nhập",
        "not_imported": "Chưa nhập (chưa biết)",
        "records": "{count} bản ghi",
        "code": "Mã",
        "commune": "Xã, phường mới",
        "inherits": "Kế thừa từ",
        "data_lines": "Đường truyền",
        "vc_endpoints": "Điểm cầu",
        "portals": "Cổng TTĐT",
        "mail_domains": "Tên miền thư",
        "edoc_codes": "Mã định danh cũ đã biết",
        "lacking": "Còn thiếu",
        "lacking_title": "Những việc còn thiếu theo từng xã mới",
        "nothing_lacking": "Không còn thiếu gì trong phạm vi đã khảo sát.",
        "districts_title": "Huyện cũ (tài sản không thuộc riêng xã nào)",
        "district": "Huyện cũ",
        "room_gov": "khối chính quyền",
        "room_party": "khối Đảng",
        "gap_vc_room_none": "phòng họp trực tuyến {room}: chưa có thiết bị",
        "gap_vc_room_allocated": "phòng họp trực tuyến {room}: đã phân bổ thiết bị, chưa bàn giao",
        "gap_new_portal": "cần cổng thông tin điện tử mới (không xã cũ nào có cổng để kế thừa)",
        "gap_mail_redirect": "chuyển hướng tên miền thư cũ: {items}",
        "gap_edoc_not_planned": "chưa lập mã định danh (chạy mergectl inventory)",
        "gap_edoc_not_issued": "mã định danh {items} chưa được cấp",
        "gap_edoc_unknown": "chưa biết mã định danh của đơn vị cũ (để thu hồi): {items}",
        "status_handed_over": "đã bàn giao",
        "status_allocated": "đã phân bổ, chưa bàn giao",
        "status_unallocated": "chưa phân bổ",
        "status_none": "chưa có thiết bị",
        "endpoint_working": "hoạt động",
        "endpoint_broken": "hỏng",
        "endpoint_missing": "không còn",
    },
    "en": {
        "title": "Survey of what exists: {province} ({communes} new communes)",
        "deadlines": "Deadlines: video-conference equipment reviewed and allocated {reviewed}; "
                     "handed over {handed_over}",
        "imported": "Imported",
        "not_imported": "Not imported (unknown)",
        "records": "{count} record(s)",
        "code": "Code",
        "commune": "New commune",
        "inherits": "Inherits from",
        "data_lines": "Lines",
        "vc_endpoints": "VC endpoints",
        "portals": "Portals",
        "mail_domains": "Mail domains",
        "edoc_codes": "Old e-ID codes known",
        "lacking": "Lacking",
        "lacking_title": "What each new commune still lacks",
        "nothing_lacking": "Nothing lacking, as far as the survey goes.",
        "districts_title": "Old districts (assets of no single commune)",
        "district": "Old district",
        "room_gov": "government room",
        "room_party": "Party room",
        "gap_vc_room_none": "{room}: no video-conference equipment",
        "gap_vc_room_allocated": "{room}: equipment allocated, not handed over",
        "gap_new_portal": "a new portal is needed (no predecessor has one to keep)",
        "gap_mail_redirect": "redirect the old mail domains: {items}",
        "gap_edoc_not_planned": "no e-ID code planned yet (run mergectl inventory)",
        "gap_edoc_not_issued": "e-ID code {items} not yet issued",
        "gap_edoc_unknown": "old units whose e-ID code is unknown (to close): {items}",
        "status_handed_over": "handed over",
        "status_allocated": "allocated, not handed over",
        "status_unallocated": "not allocated",
        "status_none": "no equipment",
        "endpoint_working": "working",
        "endpoint_broken": "broken",
        "endpoint_missing": "missing",
    },
}


def text(lang: str, key: str, **values: object) -> str:
    return TEXTS[lang][key].format(**values)


def room(lang: str, name: str) -> str:
    return text(lang, f"room_{name}")
