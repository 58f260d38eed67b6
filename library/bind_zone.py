#!/usr/bin/python
"""Render one authoritative BIND zone file from data, safely.

Ansible module used by roles/bind_primary. The pure parts (record building,
rendering, serial arithmetic, the mass-deletion guard) are plain functions so
that tests/test_dns_*.py and bench/bench_dns.py can import them without Ansible.
"""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: bind_zone
short_description: Render, check and atomically install an authoritative BIND zone file
description:
  - Renders a zone file from a list of records, sorted, so the same data always gives the same text.
  - A SHA-256 hash of the records is written in the first line; when it matches, nothing is touched and
    the serial is kept. On change the serial becomes C(max(current + 1, YYYYMMDD00)), never lower.
  - Refuses a change that removes more than O(max_delete_ratio) of the existing record sets unless
    O(allow_mass_delete) is true (octoDNS/DNSControl style safety).
  - The candidate file is checked with C(named-checkzone) before it replaces the live file, so an invalid
    zone never reaches the server, which keeps serving the last good file.
attributes:
  check_mode:
    support: full
    details: The candidate is rendered and checked in a temporary file; the plan and the diff show what a run
      would change, and the live file is left as it is.
  diff_mode:
    support: full
    details: The diff is the live zone file against the candidate.
  platform:
    platforms: posix
options:
  zone:
    description: Zone name (origin), without trailing dot.
    type: str
    required: true
  path:
    description: Live zone file path.
    type: path
    required: true
  records:
    description:
      - Records; each a dict with C(name) (relative to the zone, C(@) for the apex; a trailing dot makes it
        absolute), C(type), C(value) and optional C(ttl). TXT values are plain text, quoted and split here.
    type: list
    elements: dict
    default: []
  nameservers:
    description: NS host names of the zone (the first is the SOA MNAME).
    type: list
    elements: str
    required: true
  hostmaster:
    description: SOA RNAME as a mail address (hostmaster@example.org) or dotted name.
    type: str
    required: true
  default_ttl:
    description: $TTL of the zone.
    type: int
    default: 3600
  soa_refresh:
    type: int
    default: 3600
    description: SOA refresh.
  soa_retry:
    type: int
    default: 900
    description: SOA retry.
  soa_expire:
    type: int
    default: 1209600
    description: SOA expire.
  soa_minimum:
    type: int
    default: 300
    description: SOA minimum (negative caching TTL).
  max_delete_ratio:
    description: Largest share of existing record sets a change may remove without O(allow_mass_delete).
    type: float
    default: 0.10
  min_records_for_guard:
    description: The guard applies once the live zone has at least this many record sets.
    type: int
    default: 10
  allow_mass_delete:
    description: Accept a change above O(max_delete_ratio) (a reviewed change).
    type: bool
    default: false
  checkzone:
    description: Path or name of named-checkzone.
    type: str
    default: named-checkzone
  today:
    description: Date (YYYY-MM-DD) used for the YYYYMMDD00 serial floor; the target's UTC date when empty.
    type: str
    default: ""
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.files
author: The mergectl authors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Province zone
  vngov.mergectl.bind_zone:
    zone: lamdong.gov.vn
    path: /var/lib/bind/mergectl/lamdong.gov.vn.zone
    nameservers: [ns1.lamdong.gov.vn, ns2.lamdong.gov.vn]
    hostmaster: hostmaster@lamdong.gov.vn
    records:
      - {name: muine, type: A, value: 10.240.0.41}
      - {name: muine, type: MX, value: "10 mail.lamdong.gov.vn."}
    owner: root
    group: bind
    mode: "0644"

- name: Preview a reviewed change that removes many records (check mode shows the plan and the diff)
  vngov.mergectl.bind_zone:
    zone: binhthuan.gov.vn
    path: /var/lib/bind/mergectl/binhthuan.gov.vn.zone
    nameservers: [ns1.lamdong.gov.vn]
    hostmaster: hostmaster@lamdong.gov.vn
    records: "{{ dns_lookup_records }}"
    allow_mass_delete: true
  check_mode: true
  diff: true
"""

RETURN = r"""
zone:
  description: The zone's name, lower case and without the trailing dot.
  type: str
  returned: always
  sample: lamdong.gov.vn
path:
  description: The live zone file.
  type: str
  returned: always
serial:
  description: Serial of the zone after the run (the candidate's in check mode).
  type: int
  returned: always
previous_serial:
  description: Serial of the live file before the run (0 when there was none).
  type: int
  returned: always
content_hash:
  description: SHA-256 of the zone data.
  type: str
  returned: always
plan:
  description:
    - Record sets added, removed and updated (at most 50 of each), their counts and the deletion ratio.
  type: dict
  returned: always
  sample: {"added": ["muine A"], "removed": [], "updated": [],
           "counts": {"added": 1, "removed": 0, "updated": 0, "existing": 12}, "delete_ratio": 0.0}
problems:
  description: Every problem found in O(records), when they are invalid (the module fails).
  type: list
  elements: str
  returned: failure
checkzone_output:
  description: What C(named-checkzone) said about a candidate it rejected (the module fails).
  type: str
  returned: failure
"""

import datetime
import hashlib
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass

HASH_PREFIX = "; mergectl bind_zone sha256="
SUPPORTED_TYPES = frozenset({"A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "PTR", "DS"})
# One record per line is what makes the live file parseable again (deletion guard), so rdata
# that could open a multi-line group, start a comment or end the line is refused outright.
_UNSAFE_RDATA = re.compile(r'[\n\r;()"\\]')
_LABEL = r"[A-Za-z0-9_][A-Za-z0-9_-]{0,62}"
_OWNER = re.compile(rf"^(@|\*|(\*\.)?{_LABEL}(\.{_LABEL})*\.?)$")
_SOA_SERIAL = re.compile(r"\sSOA\s+\S+\s+\S+\s+\(?\s*(\d+)", re.IGNORECASE)
MAX_SERIAL = 2**32 - 1


@dataclass(frozen=True, order=True)
class Record:
    """One resource record, owner relative to the zone origin."""

    owner: str
    rtype: str
    rdata: str
    ttl: int | None = None

    @property
    def rrset(self) -> tuple[str, str]:
        return (self.owner, self.rtype)


class ZoneInputError(ValueError):
    """The records given to the module are not usable; carries every problem found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def txt_rdata(text: str) -> str:
    """Quote an ASCII TXT value, split in 255-octet strings (RFC 1035 character-string limit)."""
    chunks = [text[i : i + 255] for i in range(0, len(text), 255)] or [""]
    quoted = []
    for chunk in chunks:
        part = chunk.replace("\\", "\\\\").replace('"', '\\"')
        quoted.append(f'"{part}"')
    return " ".join(quoted)


def relative_owner(name: str, zone: str) -> str:
    """Owner name as written in the zone file: '@' for the apex, relative inside the zone."""
    name = name.strip()
    zone = zone.rstrip(".").lower()
    if name in ("", "@"):
        return "@"
    if name.endswith("."):
        absolute = name.rstrip(".").lower()
        if absolute == zone:
            return "@"
        if absolute.endswith("." + zone):
            return absolute[: -len(zone) - 1]
        raise ValueError(f"owner {name} is outside zone {zone}")
    return name.lower()


def build_records(zone: str, items: list[dict]) -> list[Record]:
    """Validate the input records and return them sorted and de-duplicated."""
    problems: list[str] = []
    records: set[Record] = set()
    for index, item in enumerate(items):
        where = f"records[{index}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: not a mapping")
            continue
        name = str(item.get("name", ""))
        rtype = str(item.get("type", "")).upper()
        value = item.get("value")
        ttl = item.get("ttl")
        if rtype not in SUPPORTED_TYPES:
            problems.append(f"{where} ({name}): unsupported type {rtype or '(missing)'}")
            continue
        if rtype == "CNAME" and name in ("", "@"):
            problems.append(f"{where}: a CNAME cannot be at the zone apex")
            continue
        if value is None or str(value).strip() == "":
            problems.append(f"{where} ({name} {rtype}): empty value")
            continue
        try:
            owner = relative_owner(name, zone)
        except ValueError as err:
            problems.append(f"{where}: {err}")
            continue
        if not _OWNER.match(owner):
            problems.append(f"{where}: invalid owner name {name!r}")
            continue
        if rtype == "TXT":
            if not str(value).isascii() or "\n" in str(value):
                problems.append(f"{where} ({name} TXT): value must be one line of ASCII")
                continue
            rdata = txt_rdata(str(value))
        else:
            rdata = " ".join(str(value).split())
            if _UNSAFE_RDATA.search(rdata):
                problems.append(f"{where} ({name} {rtype}): value contains a forbidden character")
                continue
        if ttl is not None:
            try:
                ttl = int(ttl)
            except (TypeError, ValueError):
                problems.append(f"{where} ({name} {rtype}): ttl is not an integer")
                continue
        records.add(Record(owner, rtype, rdata, ttl))
    if problems:
        raise ZoneInputError(problems)
    return sorted(records, key=lambda r: (r.owner != "@", r.owner.split(".")[::-1], r.rtype, r.rdata))


def rname_of(hostmaster: str) -> str:
    """SOA RNAME from a mail address: the local part's dots are escaped (RFC 1035)."""
    if "@" in hostmaster:
        local, domain = hostmaster.split("@", 1)
        return local.replace(".", "\\.") + "." + domain.rstrip(".") + "."
    return hostmaster.rstrip(".") + "."


def content_hash(zone: str, soa_fields: tuple, nameservers: list[str], records: list[Record]) -> str:
    """Hash of everything that makes up the zone except its serial."""
    digest = hashlib.sha256()
    digest.update(repr((zone.lower(), soa_fields, [n.lower() for n in nameservers])).encode())
    for record in records:
        digest.update(repr((record.owner, record.rtype, record.rdata, record.ttl)).encode())
    return digest.hexdigest()


def render_zone(
    zone: str,
    serial: int,
    digest: str,
    nameservers: list[str],
    hostmaster: str,
    records: list[Record],
    default_ttl: int = 3600,
    soa_timers: tuple[int, int, int, int] = (3600, 900, 1209600, 300),
) -> str:
    """The zone file text; one record per line so that the live file can be read back."""
    refresh, retry, expire, minimum = soa_timers
    mname = nameservers[0].rstrip(".") + "."
    lines = [
        f"{HASH_PREFIX}{digest}",
        "; Generated by Ansible (roles/bind_primary, bind_zone). Do not edit: the next run replaces it.",
        f"$ORIGIN {zone.rstrip('.')}.",
        f"$TTL {default_ttl}",
        f"@ {default_ttl} IN SOA {mname} {rname_of(hostmaster)} "
        f"{serial} {refresh} {retry} {expire} {minimum}",
    ]
    lines += [f"@ {default_ttl} IN NS {ns.rstrip('.')}." for ns in nameservers]
    width = max([len(r.owner) for r in records] + [1])
    for record in records:
        ttl = record.ttl if record.ttl is not None else default_ttl
        lines.append(f"{record.owner:<{width}} {ttl} IN {record.rtype} {record.rdata}")
    return "\n".join(lines) + "\n"


def parse_zone_text(text: str) -> tuple[str | None, int, set[tuple[str, str, str]]]:
    """Read back a file this module wrote: (hash or None, serial, records without SOA/apex NS)."""
    first = text.split("\n", 1)[0]
    digest = first[len(HASH_PREFIX) :].strip() if first.startswith(HASH_PREFIX) else None
    match = _SOA_SERIAL.search(text)
    serial = int(match.group(1)) if match else 0
    records: set[tuple[str, str, str]] = set()
    if digest is None:
        return None, serial, records
    for line in text.splitlines():
        if not line or line.startswith((";", "$")):
            continue
        parts = line.split(None, 4)
        if len(parts) < 5 or parts[2] != "IN":
            continue
        owner, _ttl, _cls, rtype, rdata = parts
        if rtype == "SOA" or (owner == "@" and rtype == "NS"):
            continue
        records.add((owner, rtype, rdata))
    return digest, serial, records


def next_serial(current: int, today: datetime.date) -> int:
    """DNSControl's rule: max(current + 1, YYYYMMDD00); never lower than the current serial."""
    floor = int(today.strftime("%Y%m%d")) * 100
    candidate = max(current + 1, floor)
    if candidate > MAX_SERIAL:
        raise ValueError(f"serial {candidate} does not fit in 32 bits")
    return candidate


@dataclass(frozen=True)
class ChangePlan:
    """What a change does to the zone's record sets (name + type)."""

    added: list[tuple[str, str]]
    removed: list[tuple[str, str]]
    updated: list[tuple[str, str]]
    existing: int

    @property
    def delete_ratio(self) -> float:
        return len(self.removed) / self.existing if self.existing else 0.0

    def as_dict(self, limit: int = 50) -> dict:
        def names(items: list[tuple[str, str]]) -> list[str]:
            return [f"{owner} {rtype}" for owner, rtype in items[:limit]]

        return {
            "added": names(self.added),
            "removed": names(self.removed),
            "updated": names(self.updated),
            "counts": {
                "added": len(self.added),
                "removed": len(self.removed),
                "updated": len(self.updated),
                "existing": self.existing,
            },
            "delete_ratio": round(self.delete_ratio, 4),
        }


def plan_change(old: set[tuple[str, str, str]], new: list[Record]) -> ChangePlan:
    """Compare record sets: a name+type that disappears is a deletion, a changed value an update."""
    old_sets: dict[tuple[str, str], set[str]] = {}
    for owner, rtype, rdata in old:
        old_sets.setdefault((owner, rtype), set()).add(rdata)
    new_sets: dict[tuple[str, str], set[str]] = {}
    for record in new:
        new_sets.setdefault(record.rrset, set()).add(record.rdata)
    added = sorted(set(new_sets) - set(old_sets))
    removed = sorted(set(old_sets) - set(new_sets))
    updated = sorted(k for k in set(old_sets) & set(new_sets) if old_sets[k] != new_sets[k])
    return ChangePlan(added, removed, updated, len(old_sets))


def deletion_refused(plan: ChangePlan, max_ratio: float, min_records: int, allow: bool) -> bool:
    """True when the change removes too much of a zone large enough to be guarded."""
    if allow or plan.existing < min_records:
        return False
    return plan.delete_ratio > max_ratio


def run_checkzone(binary: str, zone: str, path: str) -> tuple[bool, str]:
    """named-checkzone, strict, with in-zone integrity checks only.

    -i local: names outside the zone are never looked up (no traffic leaves the server).
    """
    strict = ["-k", "fail", "-n", "fail", "-m", "fail", "-M", "fail", "-S", "fail"]
    cmd = [binary, "-i", "local", *strict, zone, path]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return proc.returncode == 0, (proc.stdout + proc.stderr).strip()


def main() -> None:  # pragma: no cover - exercised by Molecule
    from ansible.module_utils.basic import AnsibleModule

    module = AnsibleModule(
        argument_spec={
            "zone": {"type": "str", "required": True},
            "path": {"type": "path", "required": True},
            "records": {"type": "list", "elements": "dict", "default": []},
            "nameservers": {"type": "list", "elements": "str", "required": True},
            "hostmaster": {"type": "str", "required": True},
            "default_ttl": {"type": "int", "default": 3600},
            "soa_refresh": {"type": "int", "default": 3600},
            "soa_retry": {"type": "int", "default": 900},
            "soa_expire": {"type": "int", "default": 1209600},
            "soa_minimum": {"type": "int", "default": 300},
            "max_delete_ratio": {"type": "float", "default": 0.10},
            "min_records_for_guard": {"type": "int", "default": 10},
            "allow_mass_delete": {"type": "bool", "default": False},
            "checkzone": {"type": "str", "default": "named-checkzone"},
            "today": {"type": "str", "default": ""},
        },
        add_file_common_args=True,
        supports_check_mode=True,
    )
    p = module.params
    zone = p["zone"].rstrip(".").lower()
    path = p["path"]
    try:
        records = build_records(zone, p["records"])
    except ZoneInputError as err:
        module.fail_json(msg=f"zone {zone}: invalid records", problems=err.problems)
    if not p["nameservers"]:
        module.fail_json(msg=f"zone {zone}: at least one name server is required")
    timers = (p["soa_refresh"], p["soa_retry"], p["soa_expire"], p["soa_minimum"])
    soa_fields = (rname_of(p["hostmaster"]), p["default_ttl"], *timers)
    digest = content_hash(zone, soa_fields, p["nameservers"], records)

    before_text = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            before_text = handle.read()
    old_digest, old_serial, old_records = parse_zone_text(before_text)
    plan = plan_change(old_records, records)
    result = {
        "changed": False,
        "zone": zone,
        "path": path,
        "content_hash": digest,
        "previous_serial": old_serial,
        "serial": old_serial,
        "plan": plan.as_dict(),
    }

    if old_digest == digest:
        file_args = module.load_file_common_arguments(p)
        result["changed"] = module.set_fs_attributes_if_different(file_args, False)
        module.exit_json(**result)

    if before_text and old_digest is None and not p["allow_mass_delete"]:
        module.fail_json(
            msg=f"zone {zone}: {path} was not written by bind_zone; replacing it needs allow_mass_delete "
            "(bind_primary_allow_mass_delete: true) after review",
            **result,
        )
    if deletion_refused(plan, p["max_delete_ratio"], p["min_records_for_guard"], p["allow_mass_delete"]):
        module.fail_json(
            msg=(
                f"zone {zone}: the change removes {len(plan.removed)} of {plan.existing} record sets "
                f"({plan.delete_ratio:.0%} > {p['max_delete_ratio']:.0%}); review the plan and re-run with "
                "bind_primary_allow_mass_delete: true to apply it"
            ),
            **result,
        )

    today = (
        datetime.date.fromisoformat(p["today"]) if p["today"] else datetime.datetime.now(datetime.UTC).date()
    )
    try:
        serial = next_serial(old_serial, today)
    except ValueError as err:
        module.fail_json(msg=f"zone {zone}: {err}", **result)
    after_text = render_zone(
        zone, serial, digest, p["nameservers"], p["hostmaster"], records, p["default_ttl"], timers
    )

    checkzone = module.get_bin_path(p["checkzone"], required=True)
    directory = os.path.dirname(path) or "."
    if not os.path.isdir(directory):
        if module.check_mode:
            directory = tempfile.gettempdir()
        else:
            module.fail_json(msg=f"zone {zone}: directory {directory} does not exist", **result)
    fd, candidate = tempfile.mkstemp(prefix=f".{zone}.", suffix=".candidate", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(after_text)
        ok, output = run_checkzone(checkzone, zone, candidate)
        if not ok:
            module.fail_json(
                msg=f"zone {zone}: named-checkzone rejected the candidate; the live zone is unchanged",
                checkzone_output=output.replace(candidate, f"<candidate {zone}>"),
                **result,
            )
        result.update(changed=True, serial=serial)
        if module._diff:
            result["diff"] = {
                "before": before_text,
                "after": after_text,
                "before_header": path,
                "after_header": f"{path} (candidate)",
            }
        if not module.check_mode:
            module.atomic_move(candidate, path)
            candidate = ""
            file_args = module.load_file_common_arguments(p)
            module.set_fs_attributes_if_different(file_args, True)
    finally:
        if candidate and os.path.exists(candidate):
            os.unlink(candidate)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
