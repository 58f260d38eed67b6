"""The words of the line lists people read: columns, statuses, states, in Vietnamese and English."""

from __future__ import annotations

NOT_ORDERED = "not_ordered"
# An old line's state before it is ended: its district decides when it may go.
END_AFTER_DECOMMISSIONING = "end_after_decommissioning"
END_NOW = "end_now"

WORDS: dict[str, dict[str, str]] = {
    "vi": {
        NOT_ORDERED: "chưa đặt",
        "ordered": "đã đặt",
        "installed": "đã lắp đặt",
        "tested": "đã kiểm tra",
        "ended": "đã kết thúc",
        END_AFTER_DECOMMISSIONING: "kết thúc sau khi giải thể huyện",
        END_NOW: "cần kết thúc (huyện đã giải thể)",
        "new_line": "lắp mới",
        "keep_old_line": "giữ đường truyền cũ",
        "commune": "xã cũ",
        "district": "huyện cũ",
        "no_address_by": "chưa có địa chỉ, hạn {date}",
        "not_installed_by": "chưa lắp đặt, hạn {date}",
        "unknown": "(chưa rõ)",
    },
    "en": {
        NOT_ORDERED: "not ordered",
        "ordered": "ordered",
        "installed": "installed",
        "tested": "tested",
        "ended": "ended",
        END_AFTER_DECOMMISSIONING: "to end after decommissioning",
        END_NOW: "to end (district decommissioned)",
        "new_line": "new line",
        "keep_old_line": "keep the old line",
        "commune": "old commune",
        "district": "old district",
        "no_address_by": "no address by {date}",
        "not_installed_by": "not installed by {date}",
        "unknown": "(not known)",
    },
}

NEW_LINE_COLUMNS: dict[str, dict[str, str]] = {
    "vi": {
        "line": "Mã đường truyền",
        "commune_code": "Mã xã",
        "commune": "Tên xã",
        "hq": "Trụ sở",
        "postal_address": "Địa chỉ",
        "contact": "Người liên hệ",
        "order": "Yêu cầu",
        "old_endpoint": "Điểm cũ giữ lại",
        "old_line_id": "Số hiệu đường truyền cũ",
        "link_prefix": "Dải liên kết /31",
        "loopback": "Địa chỉ loopback",
        "deadline": "Hạn lắp đặt",
        "status": "Trạng thái",
        "status_date": "Ngày",
        "overdue": "Quá hạn",
    },
    "en": {
        "line": "Line",
        "commune_code": "Commune code",
        "commune": "Commune",
        "hq": "HQ",
        "postal_address": "Postal address",
        "contact": "Contact",
        "order": "Order",
        "old_endpoint": "Old endpoint kept",
        "old_line_id": "Old line id",
        "link_prefix": "Link prefix /31",
        "loopback": "Loopback",
        "deadline": "Install by",
        "status": "Status",
        "status_date": "Date",
        "overdue": "Overdue",
    },
}

LINE_TO_END_COLUMNS: dict[str, dict[str, str]] = {
    "vi": {
        "line": "Mã",
        "kind": "Loại",
        "name": "Tên",
        "district": "Huyện",
        "province": "Tỉnh cũ",
        "line_id": "Số hiệu đường truyền",
        "link_prefix": "Dải liên kết",
        "loopback": "Địa chỉ loopback",
        "status": "Tình trạng",
        "status_date": "Ngày",
    },
    "en": {
        "line": "Code",
        "kind": "Kind",
        "name": "Name",
        "district": "District",
        "province": "Old province",
        "line_id": "Line id",
        "link_prefix": "Link prefix",
        "loopback": "Loopback",
        "status": "State",
        "status_date": "Date",
    },
}

SUMMARY_COLUMNS: dict[str, dict[str, str]] = {
    "vi": {"item": "Nội dung", "count": "Số lượng", "of": "Trên tổng số", "due": "Hạn (KH 2495)",
           "overdue": "Quá hạn"},
    "en": {"item": "Item", "count": "Count", "of": "Of", "due": "Due (plan 2495)", "overdue": "Overdue"},
}

SUMMARY_ITEMS: dict[str, dict[str, str]] = {
    "vi": {
        "addresses": "Trụ sở đã có địa chỉ",
        NOT_ORDERED: "Đường truyền mới chưa đặt",
        "ordered": "Đường truyền mới đã đặt, chưa lắp đặt",
        "installed": "Đường truyền mới đã lắp đặt, chưa kiểm tra",
        "tested": "Đường truyền mới đã kiểm tra",
        "installed_or_tested": "Đường truyền mới đã lắp đặt (kể cả đã kiểm tra)",
        END_AFTER_DECOMMISSIONING: "Đường truyền cũ chờ giải thể huyện",
        END_NOW: "Đường truyền cũ cần kết thúc",
        "ended": "Đường truyền cũ đã kết thúc",
    },
    "en": {
        "addresses": "HQ sites with a postal address",
        NOT_ORDERED: "new lines not ordered",
        "ordered": "new lines ordered, not installed yet",
        "installed": "new lines installed, not tested yet",
        "tested": "new lines tested",
        "installed_or_tested": "new lines installed (tested ones included)",
        END_AFTER_DECOMMISSIONING: "old lines waiting for their district's decommissioning",
        END_NOW: "old lines to end now",
        "ended": "old lines ended",
    },
}
