"""The `ic_vms` section of province.yml: VM profiles, overcommit policy, tenant settings.

The hypervisors themselves are `integration_centre.hypervisors` (read by
`controller.province`): `vcpus` hardware threads, `memory_gb` and `disk_gb` that
guests may use (read as GiB). This section says how big each VM is and how far the
hosts may be overcommitted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from controller.capacity.model import Hypervisor, Overcommit, Profile
from controller.errors import Diagnostics
from controller.yamlio import KeyPath, LineIndex
from controller.yamlreader import YamlReader

SECTION = "ic_vms"
SYSTEMS = ("idesk", "tthc")  # host name prefixes, in placement order
DEFAULT_PROFILES = {
    "idesk": Profile("idesk", vcpu=4, memory_gib=8, disk_gib=100),
    "tthc": Profile("tthc", vcpu=2, memory_gib=4, disk_gib=60),
}
# QCVN 102:2016 style procedure codes as published on the National Public Service Portal.
PROCEDURE_CODE = re.compile(r"^[0-9]\.[0-9]{6}(\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2})?$")
BRANDNAME = re.compile(r"^[A-Za-z0-9 ._-]{1,11}$")
DEFAULT_PROCEDURES = (
    {"code": "", "name": "Đăng ký khai sinh", "field": "Hộ tịch"},
    {"code": "", "name": "Đăng ký khai tử", "field": "Hộ tịch"},
    {"code": "", "name": "Đăng ký kết hôn", "field": "Hộ tịch"},
    {"code": "", "name": "Chứng thực bản sao từ bản chính", "field": "Chứng thực"},
    {"code": "", "name": "Chứng thực chữ ký", "field": "Chứng thực"},
)


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field: str = ""


@dataclass(frozen=True)
class SmsSettings:
    enabled: bool = False
    provider: str = ""
    brandname: str = ""
    api_url: str = ""


@dataclass
class IcConfig:
    hypervisors: list[Hypervisor]
    overcommit: Overcommit = field(default_factory=Overcommit)
    profiles: dict[str, Profile] = field(default_factory=lambda: dict(DEFAULT_PROFILES))
    first_host_offset: int = 10  # VM addresses start here; lower ones are gateway and hypervisor bridges
    procedure_set: str = "commune-2025"
    procedures: tuple[Procedure, ...] = tuple(Procedure(**item) for item in DEFAULT_PROCEDURES)
    sms: SmsSettings = field(default_factory=SmsSettings)


TEMPLATE_SECTION = """\
# Integration Centre VMs (iDesk / QLVB&ĐH and TTHC): one of each per new commune,
# placed on integration_centre.hypervisors by `mergectl inventory` (recorded in
# state/placement.yml; a placed VM never moves). `mergectl capacity DIR` shows the plan.
# A commune needs 6 vCPU, 12 GiB memory, 160 GiB disk: about 30 communes fill 70% of
# the memory of a 64-thread / 512 GiB / 8 TB host (mergectl import sizes the host list so).
ic_vms:
  overcommit: {cpu: 4.0, memory: 1.0, disk: 1.0}   # guests may use host size x ratio
  profiles:
    idesk: {vcpu: 4, memory_gib: 8, disk_gib: 100}
    tthc: {vcpu: 2, memory_gib: 4, disk_gib: 60}
  first_host_offset: 10          # VM addresses from vm_prefix start at this offset
  # TTHC: the procedure set assigned to commune level (codes from the National Public
  # Service Portal, e.g. 1.001193 or 1.011442.000.00.00.H38; empty until filled in).
  tthc_procedure_set: commune-2025
  tthc_procedures:
    - {code: "", name: "Đăng ký khai sinh", field: "Hộ tịch"}
    - {code: "", name: "Đăng ký khai tử", field: "Hộ tịch"}
    - {code: "", name: "Đăng ký kết hôn", field: "Hộ tịch"}
    - {code: "", name: "Chứng thực bản sao từ bản chính", field: "Chứng thực"}
    - {code: "", name: "Chứng thực chữ ký", field: "Chứng thực"}
  # SMS notifications of TTHC (brandname: at most 11 characters, as registered).
  sms: {enabled: false, provider: "", brandname: "", api_url: ""}
"""


def _number(section: YamlReader, keypath: KeyPath, default: float, low: float, high: float) -> float:
    value = section.number(keypath, low, high, default)
    return default if value is None else value


def _whole(section: YamlReader, keypath: KeyPath, default: int, low: int, high: int) -> int:
    value = section.integer(keypath, low, high, default)
    return default if value is None else value


def read_ic_config(
    raw: dict[str, Any] | None,
    lines: LineIndex,
    path: Path,
    hypervisors: list[Hypervisor],
    diagnostics: Diagnostics,
) -> IcConfig:
    """The section with defaults for what is absent; every bad value becomes a diagnostic."""
    section = YamlReader(path, raw or {}, lines, diagnostics)
    top = section.get((SECTION,), {})
    if not isinstance(top, dict):
        section.error((SECTION,), "expected a mapping (see the commented template)")
        return IcConfig(hypervisors)
    base: KeyPath = (SECTION,)
    overcommit = Overcommit(
        cpu=_number(section, (*base, "overcommit", "cpu"), 4.0, 0.1, 32.0),
        memory=_number(section, (*base, "overcommit", "memory"), 1.0, 0.1, 4.0),
        disk=_number(section, (*base, "overcommit", "disk"), 1.0, 0.1, 10.0),
    )
    profiles: dict[str, Profile] = {}
    given = section.mapping((*base, "profiles"))
    for name in given:
        if name not in SYSTEMS:
            section.error((*base, "profiles", str(name)), f"unknown system {name!r}",
                          hint=f"profiles are {', '.join(SYSTEMS)}")
    for name in SYSTEMS:
        default = DEFAULT_PROFILES[name]
        keypath = (*base, "profiles", name)
        if name in given and not isinstance(given[name], dict):
            section.error(keypath, "expected {vcpu, memory_gib, disk_gib}")
            profiles[name] = default
            continue
        profiles[name] = Profile(
            name,
            vcpu=_whole(section, (*keypath, "vcpu"), default.vcpu, 1, 512),
            memory_gib=_whole(section, (*keypath, "memory_gib"), default.memory_gib, 1, 4096),
            disk_gib=_whole(section, (*keypath, "disk_gib"), default.disk_gib, 1, 65536),
        )
    offset = _whole(section, (*base, "first_host_offset"), 10, 2, 4096)
    procedure_set = section.text((*base, "tthc_procedure_set"), "commune-2025").strip()
    procedures: list[Procedure] = []
    raw_procedures = section.get((*base, "tthc_procedures"), list(DEFAULT_PROCEDURES))
    if not isinstance(raw_procedures, list):
        section.error((*base, "tthc_procedures"), "expected a list of {code, name, field}")
        raw_procedures = []
    seen: set[str] = set()
    for position, item in enumerate(raw_procedures):
        keypath = (*base, "tthc_procedures", position)
        if not isinstance(item, dict):
            section.error(keypath, "expected {code, name, field}")
            continue
        code = section.text((*keypath, "code")).strip()
        name = section.text((*keypath, "name")).strip()
        if not name:
            section.error((*keypath, "name"), "a procedure needs a name")
        if code and not PROCEDURE_CODE.match(code):
            section.error((*keypath, "code"), f"{code!r} is not a procedure code",
                          hint="e.g. 1.001193 or 1.011442.000.00.00.H38, or leave it empty")
        identity = code or name
        if identity in seen:
            section.error(keypath, f"procedure {identity!r} is listed twice")
        seen.add(identity)
        procedures.append(Procedure(code, name, section.text((*keypath, "field")).strip()))
    enabled = section.boolean((*base, "sms", "enabled"), False)
    brandname = section.text((*base, "sms", "brandname")).strip()
    if brandname and not BRANDNAME.match(brandname):
        section.error((*base, "sms", "brandname"),
                      f"{brandname!r}: a brandname is 1-11 of A-Z a-z 0-9 space . _ -")
    sms = SmsSettings(enabled, section.text((*base, "sms", "provider")).strip(), brandname,
                      section.url((*base, "sms", "api_url")))
    if sms.enabled and not (sms.provider and sms.brandname):
        section.error((*base, "sms"), "SMS is enabled but provider or brandname is empty")
    return IcConfig(hypervisors, overcommit, profiles, offset, procedure_set, tuple(procedures), sms)


def hypervisors_from_province(province: Any) -> list[Hypervisor]:
    """The placement view of `ProvinceConfig.hypervisors` (memory_gb/disk_gb read as GiB)."""
    return [
        Hypervisor(h.name, cpu_cores=h.vcpus, memory_gib=h.memory_gb, storage_gib=h.disk_gb,
                   address=str(h.address))
        for h in province.hypervisors
    ]


def load_ic_config(province: Any, diagnostics: Diagnostics) -> IcConfig:
    return read_ic_config(province.raw, province.lines, province.path, hypervisors_from_province(province),
                          diagnostics)
