"""The Vietnamese of the per-workstream counts: the items and stages the report's data names.

The code that counts names its items in English (the key the tests and the JSON's `en` use);
the report goes to Vietnamese officials, so each item and stage is given here in Vietnamese
too. A test builds a report with every item and fails on one this table lacks.
"""

from __future__ import annotations

import re

ITEMS = {
    "commune HQ data-line endpoints": "Điểm cuối đường truyền số liệu tại trụ sở xã",
    "old commune endpoints to terminate": "Điểm cuối của xã cũ cần chấm dứt",
    "old district endpoints terminated": "Điểm cuối của huyện cũ đã chấm dứt",
    "HQ addresses received": "Địa chỉ trụ sở đã nhận",
    "new data lines ordered": "Đường truyền mới đã đặt",
    "new data lines installed": "Đường truyền mới đã lắp đặt",
    "new data lines tested": "Đường truyền mới đã thử nghiệm",
    "old lines ended": "Đường truyền cũ đã chấm dứt",
    "commune LAN supernets": "Dải địa chỉ mạng LAN của xã",
    "commune LANs in the inventory": "Mạng LAN của xã trong inventory",
    "meeting rooms (government + Party)": "Phòng họp trực tuyến (chính quyền + Đảng)",
    "rooms with equipment handed over": "Phòng họp đã bàn giao thiết bị",
    "rooms with a contact point for the provider": "Phòng họp có đầu mối liên hệ với nhà cung cấp",
    "old connection accounts to reclaim": "Tài khoản kết nối cũ cần thu hồi",
    "commune domains": "Tên miền của xã",
    "old names kept for look-up": "Tên cũ giữ lại để tra cứu",
    "mail domains": "Tên miền thư điện tử",
    "staff accounts": "Tài khoản cán bộ",
    "codes of new communes": "Mã định danh của xã mới",
    "iDesk tenants": "Đơn vị trên iDesk",
    "TTHC tenants": "Đơn vị trên hệ thống TTHC",
    "commune portals": "Cổng thông tin của xã",
    "old districts backed up, backup verified": "Huyện cũ đã sao lưu, bản sao lưu đã kiểm tra",
    "old districts locked down": "Huyện cũ đã khoá truy cập",
    "old districts powered off": "Huyện cũ đã tắt máy",
}
STAGES = {
    "allocated": "đã cấp phát",
    "rendered": "đã sinh cấu hình",
    "issued": "đã cấp",
    "received": "đã nhận",
    "ordered": "đã đặt",
    "installed": "đã lắp đặt",
    "tested": "đã thử nghiệm",
    "ended": "đã chấm dứt",
    "terminated": "đã chấm dứt",
    "handed over": "đã bàn giao",
    "known": "đã có",
    "reclaimed": "đã thu hồi",
    "verified": "đã kiểm tra",
    "locked": "đã khoá",
    "retired": "đã ngừng",
}
# The date a plan gives an item, appended where it is counted: "... (plan 2495: by 2025-06-09)".
_DUE = re.compile(r"^(?P<what>.*) \(plan 2495: by (?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\)$")


def item_text(what: str) -> dict[str, str]:
    """{"vi", "en"} of an item; an item the table lacks keeps its English in both."""
    due = _DUE.match(what)
    base = due["what"] if due else what
    vi = ITEMS.get(base, base)
    if due:
        vi += f" (KH 2495: trước {due['day']}/{due['month']}/{due['year']})"
    return {"vi": vi, "en": what}


def stage_text(stage: str) -> dict[str, str]:
    return {"vi": STAGES.get(stage, stage), "en": stage}
