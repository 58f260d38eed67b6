"""The report's words in Vietnamese (the default: it goes to the Department) and English.

The one table of them: the HTML and Markdown renderers and the mail's subject take every
fixed text from here; texts that come with the data (task titles, agencies) arrive in both
languages already (contract B). Vietnamese is stored NFC, as officials' software expects.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

# key -> (vi, en). Texts with {placeholders} are filled by Labels.__call__.
_TABLE: dict[str, tuple[str, str]] = {
    "title": (
        "Báo cáo tiến độ chuyển đổi hạ tầng CNTT sau sáp nhập: {province}",
        "IT progress report after the commune mergers: {province}",
    ),
    "mail_subject": (
        "Báo cáo tiến độ CNTT sau sáp nhập - {province} - ngày {date}",
        "IT progress report after the mergers - {province} - {date}",
    ),
    "mail_body_intro": (
        "Kính gửi Sở Khoa học và Công nghệ,\n\nBáo cáo tiến độ ngày {date} được đính kèm "
        "(tệp HTML, mở bằng trình duyệt, không cần mạng). Tóm tắt:",
        "To the Department of Science and Technology,\n\nThe progress report of {date} is "
        "attached (an HTML file: open it in a browser, no network needed). Summary:",
    ),
    "report_date": ("Ngày báo cáo", "Report date"),
    "next_report": ("Báo cáo tiếp theo (thứ Năm)", "Next report (Thursday)"),
    "generated_at": ("Lập lúc", "Generated at"),
    "last_check": ("Kiểm tra nghiệm thu gần nhất", "Last acceptance check"),
    "no_check": ("chưa có (chưa chạy mergectl check)", "none (mergectl check has not run)"),
    "check_counts": (
        "{passed} đạt, {failed} không đạt, {skipped} bỏ qua",
        "{passed} passed, {failed} failed, {skipped} skipped",
    ),
    "summary": ("Tóm tắt", "Summary"),
    "communes_total": ("{count} xã, phường, đặc khu", "{count} communes"),
    "honesty_note": (
        "Số liệu lấy từ hồ sơ của không gian làm việc, các lần chạy và lần kiểm tra gần "
        'nhất; "chưa rõ" nghĩa là không có hồ sơ để đếm (không phải bằng 0).',
        "Figures come from the workspace's records, the runs and the last check; "
        '"unknown" means there is no record to count from (not zero).',
    ),
    # Sections
    "tasks": ("Nhiệm vụ theo kế hoạch", "Tasks of the plan"),
    "timeline": ("Mốc thời hạn", "Deadlines"),
    "map": ("Bản đồ các xã, phường", "Map of the communes"),
    "communes": ("Tình trạng từng xã, phường", "Status per commune"),
    "failures": ("Lỗi cần xử lý", "Failures to deal with"),
    "workstreams": ("Các nhóm công việc (số liệu từ hồ sơ)", "Workstreams (counts from the records)"),
    "retired": ("Hệ thống cũ đã ngừng, lưu trữ và cách ly", "Retired, archived and quarantined"),
    "last_runs": ("Các lần chạy gần nhất", "Last runs"),
    "survey": ("Khảo sát hiện trạng", "Survey of what exists"),
    "sources": ("Nguồn số liệu", "Sources"),
    "exports": ("Danh sách đã gửi các bên (reports/)", "Exports handed out (reports/)"),
    # Column headings
    "col_task": ("Nhiệm vụ", "Task"),
    "col_agency": ("Cơ quan chủ trì", "Responsible agency"),
    "col_due": ("Thời hạn", "Deadline"),
    "col_days_left": ("Còn lại", "Days left"),
    "col_planned": ("Kế hoạch", "Planned"),
    "col_applied": ("Đã triển khai", "Applied"),
    "col_verified": ("Đã kiểm tra", "Verified"),
    "col_failed": ("Lỗi", "Failed"),
    "col_state": ("Tình trạng", "State"),
    "col_commune": ("Xã, phường", "Commune"),
    "col_code": ("Mã", "Code"),
    "col_host": ("Máy", "Host"),
    "col_message": ("Thông báo", "Message"),
    "col_source": ("Nguồn", "Source"),
    "col_time": ("Thời điểm", "Time"),
    "col_run": ("Lần chạy", "Run"),
    "col_playbook": ("Playbook", "Playbook"),
    "col_started": ("Bắt đầu", "Started"),
    "col_hosts": ("Số máy", "Hosts"),
    "col_failed_hosts": ("Máy lỗi", "Failed hosts"),
    "col_item": ("Hạng mục", "Item"),
    "col_done": ("Đã xong", "Done"),
    "col_percent": ("%", "%"),
    "col_stage": ("Giai đoạn", "Stage"),
    "col_steps": ("Các bước", "Steps"),
    "col_archived": ("Đã lưu trữ", "Archived"),
    "col_quarantine_until": ("Cách ly đến", "Quarantined until"),
    "col_register": ("Sổ", "Register"),
    "col_records": ("Số bản ghi", "Records"),
    "col_lacking": ("Còn thiếu", "Still lacking"),
    "col_count": ("Số lượng", "Count"),
    "col_file": ("Tệp", "File"),
    "col_workstream": ("Nhóm công việc", "Workstream"),
    # Values
    "unknown": ("chưa rõ", "unknown"),
    "none": ("không có", "none"),
    "yes": ("có", "yes"),
    "no": ("chưa", "no"),
    "days_left": ("còn {days} ngày", "{days} day(s) left"),
    "due_today": ("hết hạn hôm nay", "due today"),
    "days_over": ("quá hạn {days} ngày", "{days} day(s) overdue"),
    "adjusted_due": ("điều chỉnh đến {date}", "adjusted to {date}"),
    "due_relative": ('{days} ngày sau khi có "{after}"', '{days} days after "{after}"'),
    "per_commune": ("(tính riêng từng xã)", "(per commune)"),
    "done_on": ("hoàn thành ngày {date}", "done on {date}"),
    "no_workstream": ("(không do playbook thực hiện)", "(not done by a playbook)"),
    "today": ("Hôm nay", "Today"),
    "no_tasks": (
        "Không có danh sách nhiệm vụ (province.yml, mục tasks).",
        "No task list (province.yml, section tasks).",
    ),
    "no_failures": ("Không có lỗi nào được ghi nhận.", "No failure recorded."),
    "no_communes": ("Không có xã, phường nào trong mapping.yml.", "No commune in mapping.yml."),
    "no_runs": ("Chưa có lần chạy nào được ghi nhận.", "No run recorded yet."),
    "no_retired": ("Chưa có máy nào của đơn vị cũ được ngừng.", "No old unit's host retired yet."),
    "no_coordinates": ("Chưa có toạ độ (không hiện trên bản đồ)", "Without coordinates (not on the map)"),
    "map_none": (
        "Không xã nào có toạ độ trong mapping.yml: không vẽ được bản đồ.",
        "No commune has coordinates in mapping.yml: no map to draw.",
    ),
    "map_caption": (
        "Mỗi điểm là một xã, phường tại toạ độ trong mapping.yml; màu và hình dạng cho biết "
        "tình trạng. Bản đồ vẽ từ toạ độ, không dùng bản đồ nền trực tuyến.",
        "Each marker is a commune at its mapping.yml coordinates; colour and shape give its "
        "status. Drawn from the coordinates, without online map tiles.",
    ),
    "map_scale": ("{km} km", "{km} km"),
    "legend": ("Chú giải", "Legend"),
    "portals_archived": ("Cổng thông tin cũ đã lưu trữ", "Old portals archived"),
    "accounts_revoked": ("Tài khoản quản trị của đơn vị cũ đã thu hồi", "Old units' admin accounts revoked"),
    "survey_absent": (
        "Chưa có khảo sát ({status}): chưa rõ các xã còn thiếu gì.",
        "No survey ({status}): what the communes lack is unknown.",
    ),
    "not_imported": ("chưa nhập", "not imported"),
    "present": ("có", "present"),
    "absent": ("không có", "absent"),
    "unreadable": ("không đọc được", "unreadable"),
    "source_lab_runs_only": (" (chỉ có các lần chạy trong lab)", " (lab runs only)"),
    "source_tasks_unusable": ("; không dùng được danh sách nhiệm vụ", "; tasks unusable"),
    "source_files": ("({count} tệp)", "({count} file(s))"),
    "source_run": ("lần chạy", "run"),
    "source_check": ("kiểm tra", "check"),
    "workstream_unknown_note": ("chưa có hồ sơ: chưa rõ tiến độ", "no record: progress unknown"),
    # Commune / workstream status (contract B: verified | applied | failed | planned | unknown)
    "status_verified": ("Đã kiểm tra đạt", "Verified"),
    "status_applied": ("Đã triển khai", "Applied"),
    "status_failed": ("Lỗi", "Failed"),
    "status_planned": ("Chưa triển khai", "Planned"),
    "status_unknown": ("Chưa rõ", "Unknown"),
    # Task state (done | on_track | at_risk | overdue | unknown)
    "state_done": ("Đã hoàn thành", "Done"),
    "state_on_track": ("Đúng tiến độ", "On track"),
    "state_at_risk": ("Có nguy cơ chậm", "At risk"),
    "state_overdue": ("Quá hạn", "Overdue"),
    "state_unknown": ("Chưa rõ", "Unknown"),
    # Workstreams of the status store (controller/runs/workstreams.py)
    "ws_network": ("Mạng truyền số liệu", "Data network"),
    "ws_dns": ("Tên miền (DNS)", "Domain names (DNS)"),
    "ws_mail": ("Thư điện tử", "Mail"),
    "ws_integration_centre": ("Trung tâm tích hợp dữ liệu", "Integration Centre"),
    "ws_portals": ("Cổng thông tin điện tử", "Web portals"),
    "ws_decommissioning": ("Ngừng hệ thống cũ", "Decommissioning"),
    "ws_other": ("Khác", "Other"),
    # Decommissioning steps (controller/report.py DECOMMISSION_STEPS)
    "step_inventory": ("kiểm kê", "inventory"),
    "step_backup": ("sao lưu", "backup"),
    "step_verify": ("kiểm tra bản sao lưu", "backup verified"),
    "step_lockdown": ("khoá", "lockdown"),
    "step_revoke": ("thu hồi", "revoke"),
    "step_poweroff": ("tắt máy", "power off"),
    # The twelve workstreams of the existing per-workstream counts (number -> name)
    "wsn_1": ("Mạng truyền số liệu chuyên dùng", "Specialised data network"),
    "wsn_2": ("Mạng LAN của xã", "Commune LAN"),
    "wsn_3": ("Hội nghị truyền hình", "Video conferencing"),
    "wsn_4": ("Tên miền", "Domain names"),
    "wsn_5": ("Thư điện tử công vụ và xác thực tập trung", "Official e-mail and central authentication"),
    "wsn_6": ("Mã định danh điện tử", "Electronic identifier codes"),
    "wsn_7": ("Quản lý văn bản (iDesk)", "Document management (iDesk)"),
    "wsn_8": ("Thủ tục hành chính (TTHC)", "Administrative procedures (TTHC)"),
    "wsn_9": ("Cổng thông tin điện tử", "Web portals"),
    "wsn_10": (
        "Báo cáo, CSDL cán bộ công chức, hệ thống chuyên ngành",
        "Reporting, civil-servant and sector systems",
    ),
    "wsn_11": ("Chữ ký số", "Digital signatures"),
    "wsn_12": ("Ngừng hệ thống cũ", "Decommissioning"),
}

STATUSES = ("verified", "applied", "failed", "planned", "unknown")
TASK_STATES = ("done", "on_track", "at_risk", "overdue", "unknown")


def table() -> dict[str, tuple[str, str]]:
    """Every label, NFC-normalised (a test checks both languages are there and non-empty)."""
    return {
        key: (unicodedata.normalize("NFC", vi), unicodedata.normalize("NFC", en))
        for key, (vi, en) in _TABLE.items()
    }


class Labels:
    """The labels of one language: `labels("key", name=value)`, `labels.pick({"vi":..,"en":..})`."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"language {lang!r} is not one of {', '.join(LANGUAGES)}")
        self.lang = lang
        index = LANGUAGES.index(lang)
        self._texts = {key: pair[index] for key, pair in table().items()}

    def __call__(self, key: str, **values: Any) -> str:
        text = self._texts[key]
        return text.format(**values) if values else text

    def get(self, key: str, default: str) -> str:
        """A label that may not exist (a workstream the table does not name yet): the raw value then."""
        return self._texts.get(key, default)

    def pick(self, value: Any) -> str:
        """A text of the data: {"vi": ..., "en": ...} in this language (the other when missing), or as is."""
        if isinstance(value, Mapping):
            chosen = value.get(self.lang) or next((text for text in value.values() if text), "")
            return unicodedata.normalize("NFC", str(chosen))
        return "" if value is None else unicodedata.normalize("NFC", str(value))

    def date(self, value: str | None) -> str:
        """An ISO date as officials write it: dd/mm/yyyy in Vietnamese, ISO in English."""
        if not value:
            return self("unknown")
        text = str(value)[:10]
        if self.lang == "vi" and len(text) == 10 and text[4] == "-" and text[7] == "-":
            return f"{text[8:10]}/{text[5:7]}/{text[0:4]}"
        return text

    def moment(self, value: str | None) -> str:
        """An ISO timestamp to the minute, in the writer's local time as recorded (its offset dropped)."""
        if not value:
            return ""
        text = str(value)
        return f"{self.date(text[:10])} {text[11:16]}".rstrip()

    def figure(self, value: Any) -> str:
        if value is None:
            return self("unknown")
        if isinstance(value, int) and self.lang == "vi":
            return f"{value:,}".replace(",", ".")
        return f"{value:,}" if isinstance(value, int) else str(value)

    def days(self, days_left: int | None) -> str:
        if days_left is None:
            return self("unknown")
        if days_left > 0:
            return self("days_left", days=days_left)
        if days_left == 0:
            return self("due_today")
        return self("days_over", days=-days_left)
