"""Plan 2495/KH-UBND of Bình Thuận (3 June 2025): the default task list of a province.yml
without `tasks:`. Dates, agencies and wording follow the plan's sections II and III; a task
id that older workspaces knew as a `deadlines:` key keeps that key."""

from __future__ import annotations

import datetime as dt

from controller.tasks.model import MANUAL, After, PlanTask, Text

DOST = Text("Sở Khoa học và Công nghệ", "Department of Science and Technology")
DOST_CENTRE = Text(
    "Sở Khoa học và Công nghệ (Trung tâm Công nghệ thông tin và Truyền thông)",
    "Department of Science and Technology (IT and Communications Centre)",
)
HOME_AFFAIRS = Text("Sở Nội vụ", "Department of Home Affairs")
PPC_OFFICE = Text("Văn phòng UBND tỉnh", "Provincial People's Committee Office")
SECTORS = Text(
    "Các sở, ngành, địa phương chủ đầu tư, chủ trì thuê dịch vụ",
    "Departments, sectors and localities that own or rent the systems",
)


def _day(month: int, day: int) -> dt.date:
    return dt.date(2025, month, day)


DEFAULT_TASKS: tuple[PlanTask, ...] = (
    PlanTask(
        "domains_declared",
        Text("Khai báo tên miền cho các xã, phường mới", "Domain names declared for the new communes"),
        DOST,
        "dns",
        _day(6, 5),
    ),
    PlanTask(
        "data_lines_requested",
        Text(
            "Gửi địa chỉ trụ sở Đảng ủy, UBND cấp xã mới (điểm mạng truyền số liệu chuyên dùng)",
            "HQ addresses of each new commune's Party committee and People's Committee sent (data lines)",
        ),
        Text("UBND cấp huyện", "District People's Committees"),
        MANUAL,
        _day(6, 9),
    ),
    PlanTask(
        "vc_equipment_reviewed",
        Text(
            "Rà soát, phân bổ lại thiết bị hội nghị truyền hình; 02 phòng họp trực tuyến mỗi xã",
            "Video-conference equipment reviewed, two online meeting rooms allocated per commune",
        ),
        Text(
            "Văn phòng UBND tỉnh (phối hợp Văn phòng Tỉnh ủy, Sở Khoa học và Công nghệ, Sở Tài chính, "
            "các địa phương)",
            "Provincial People's Committee Office (with the Provincial Party Committee Office, the "
            "Department of Science and Technology, the Department of Finance and the localities)",
        ),
        MANUAL,
        _day(6, 9),
    ),
    PlanTask(
        "budget_estimates",
        Text(
            "Gửi dự toán kinh phí thực hiện về Sở Khoa học và Công nghệ",
            "Budget estimates sent to the Department of Science and Technology",
        ),
        Text("Các sở, ngành và địa phương", "Departments, sectors and localities"),
        MANUAL,
        _day(6, 10),
    ),
    PlanTask(
        "it_officers_listed",
        Text(
            "Danh sách chuyên viên phụ trách công nghệ thông tin của UBND cấp xã mới",
            "The new communes' IT officers named",
        ),
        Text(
            "Sở Nội vụ (phối hợp UBND cấp huyện)",
            "Department of Home Affairs (with the District People's Committees)",
        ),
        MANUAL,
        _day(6, 12),
        per_commune=True,
    ),
    PlanTask(
        "budget_allocated",
        Text(
            "Tham mưu UBND tỉnh phân bổ kinh phí",
            "Budget allocation proposed to the Provincial People's Committee",
        ),
        Text(
            "Sở Khoa học và Công nghệ, Sở Tài chính",
            "Department of Science and Technology, Department of Finance",
        ),
        MANUAL,
        _day(6, 14),
    ),
    PlanTask(
        "data_lines_installed",
        Text(
            "Thiết lập điểm mạng truyền số liệu chuyên dùng tại trụ sở Đảng ủy, UBND cấp xã mới; "
            "kết thúc điểm mạng không còn hoạt động",
            "Data-line endpoints at both HQs of each new commune; defunct endpoints ended",
        ),
        Text(f"{DOST_CENTRE.vi}, VNPT", f"{DOST_CENTRE.en}, VNPT"),
        "network",
        _day(6, 15),
    ),
    PlanTask(
        "tthc_set_up",
        Text(
            "Thiết lập hệ thống thông tin giải quyết thủ tục hành chính cho UBND cấp xã mới "
            "(điều chỉnh theo mô hình 02 cấp trước 01/7)",
            "Administrative-procedure (TTHC) system set up for the new communes "
            "(adjusted to the two-level model by 1 July)",
        ),
        DOST,
        "integration_centre",
        _day(6, 15),
        adjusted_due=_day(7, 1),
    ),
    PlanTask(
        "sector_systems_reviewed",
        Text(
            "Rà soát, điều chỉnh hạ tầng, hệ thống thông tin, cơ sở dữ liệu chuyên ngành",
            "Sector infrastructure, systems and databases reviewed and adjusted",
        ),
        SECTORS,
        MANUAL,
        _day(6, 15),
    ),
    PlanTask(
        "idesk_set_up",
        Text(
            "Thiết lập Hệ thống Quản lý văn bản và điều hành (iDesk) cho UBND cấp xã mới, "
            "phân quyền quản trị cho chuyên viên CNTT",
            "Document management (iDesk) set up for the new communes, administration "
            "delegated to their IT officers",
        ),
        Text(
            f"{PPC_OFFICE.vi}; {DOST_CENTRE.vi}: tài nguyên máy chủ",
            f"{PPC_OFFICE.en}; {DOST_CENTRE.en}: server resources",
        ),
        "integration_centre",
        _day(6, 20),
    ),
    PlanTask(
        "sector_guidance",
        Text(
            "Ban hành hướng dẫn khai thác, sử dụng hệ thống chuyên ngành đã điều chỉnh",
            "Guidance issued on using the adjusted sector systems",
        ),
        SECTORS,
        MANUAL,
        _day(6, 20),
    ),
    PlanTask(
        "mail_set_up",
        Text(
            "Thiết lập thư điện tử công vụ theo tên miền mới, phân quyền quản trị cho chuyên viên "
            "CNTT của xã (05 ngày kể từ khi nhận được danh sách)",
            "Official mail on the commune's new domain, administration delegated to its IT "
            "officer (5 days after the officer is named)",
        ),
        DOST,
        "mail",
        after=After("it_officers_listed", 5),
        per_commune=True,
    ),
    PlanTask(
        "staff_mail_accounts",
        Text(
            "Tạo tài khoản thư điện tử công vụ cho toàn bộ cán bộ, công chức, viên chức của xã",
            "Mail accounts for all of the commune's staff",
        ),
        Text("Chuyên viên phụ trách CNTT của UBND cấp xã mới", "The new commune's IT officer"),
        "mail",
        _day(6, 25),
    ),
    PlanTask(
        "commune_portals",
        Text(
            "Thiết lập trang thông tin điện tử cấp xã mới theo tên miền mới",
            "Commune web portals on the new domains",
        ),
        PPC_OFFICE,
        "portals",
        _day(6, 25),
    ),
    PlanTask(
        "vc_systems_set_up",
        Text(
            "Thiết lập hệ thống hội nghị truyền hình tại trụ sở cấp xã mới (khối Đảng, khối chính quyền)",
            "Video-conference systems set up at the new communes' HQs (Party and government)",
        ),
        Text(
            "Văn phòng Tỉnh ủy (khối Đảng), Văn phòng UBND tỉnh (khối chính quyền), phối hợp "
            "Sở Khoa học và Công nghệ",
            "Provincial Party Committee Office (Party), Provincial People's Committee Office "
            "(government), with the Department of Science and Technology",
        ),
        MANUAL,
        _day(6, 25),
    ),
    PlanTask(
        "vc_equipment_handed_over",
        Text(
            "Bàn giao, điều chuyển thiết bị hội nghị truyền hình theo quy định",
            "Video-conference equipment handed over and transferred",
        ),
        Text("Sở Tài chính", "Department of Finance"),
        MANUAL,
        _day(6, 25),
    ),
    PlanTask(
        "civil_servant_database",
        Text(
            "Tổ chức lại Cơ sở dữ liệu cán bộ, công chức, viên chức theo mô hình 02 cấp",
            "Civil-servant database reorganised for the two-level model",
        ),
        HOME_AFFAIRS,
        MANUAL,
        _day(7, 1),
    ),
    PlanTask(
        "admin_accounts_revoked",
        Text(
            "Thu hồi tài khoản quản trị hệ thống của các đơn vị không còn hoạt động",
            "Administrator accounts of defunct units revoked",
        ),
        Text(f"{HOME_AFFAIRS.vi}, {PPC_OFFICE.vi}", f"{HOME_AFFAIRS.en}, {PPC_OFFICE.en}"),
        "decommissioning",
        _day(7, 1),
    ),
    PlanTask(
        "in_service",
        Text("Hạ tầng, hệ thống sẵn sàng đưa vào sử dụng chính thức", "Everything in service"),
        Text(
            "Các sở, ngành và UBND các huyện, thị xã, thành phố",
            "Departments, sectors and District People's Committees",
        ),
        MANUAL,
        _day(7, 1),
    ),
)
