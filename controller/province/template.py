"""The commented `province.yml` that `mergectl import` writes once (the engineer owns it afterwards)."""

from __future__ import annotations

from pathlib import Path

from controller.model import Mapping
from controller.names import domain_dn, province_domain, province_label
from controller.province.model import KNOWN_LEVEL1
from controller.province.schema import modeline


def default_hypervisor_count(communes: int) -> int:
    """Two at least (one may fail); about 30 communes' VMs per 64-core / 512 GiB host."""
    return max(2, -(-communes // 30))


def province_template(mapping: Mapping, workspace: Path | None = None) -> str:
    """A commented province.yml with defaults that make a fresh import work end to end; its first
    line points editors at the schema (relative to `workspace` when given)."""
    label = province_label(mapping.province)
    domain = province_domain(mapping.province)
    level1 = KNOWN_LEVEL1.get(label, "H00")
    text = modeline(workspace) + "\n" + _TEMPLATE.format(
        province=mapping.province,
        domain=domain,
        base_dn=domain_dn(domain),
        level1=level1,
        level1_note="" if label in KNOWN_LEVEL1 else "   # CHANGE ME: the province's level-1 code",
        communes=len(mapping.new_units),
        hypervisors="\n".join(
            f"    - {{name: hv{number}, address: 10.240.0.{100 + number}, "
            "vcpus: 64, memory_gb: 512, disk_gb: 8000}"
            for number in range(1, default_hypervisor_count(len(mapping.new_units)) + 1)
        ),
    )
    # Contributions append their own commented sections (accounts, VMs, DNS...).
    from controller.contrib import contributions

    for contribution in contributions():
        if contribution.template_section:
            text += "\n" + contribution.template_section.strip("\n") + "\n"
    return text


_TEMPLATE = """\
# province.yml: the parameters only the provincial IT department knows.
# Written once by `mergectl import`; yours to edit from now on (re-imports keep it).
# `mergectl validate DIR` checks it; `mergectl plan DIR` shows what a change does.
# Keys and values: controller/province/province.schema.json (the line above lets editors
# with the YAML language server complete and check them); unknown keys are errors.
province: {province}
domain: {domain}                  # communes get <label>.{domain}
mail_domain: {domain}             # province-level mail; communes get <label>.{domain}
directory_base_dn: {base_dn}

# Address pools. Used only where the operator (VNPT / Cuc Buu dien Trung uong) has
# not assigned addresses per site (see `sites:`). Pools must not overlap.
pools:
  commune_lans: 10.64.0.0/14      # one LAN supernet per commune, split by vlans below
  dataline_links: 10.250.0.0/18   # one /31 per HQ site; the core takes the even address
  loopbacks: 10.251.0.0/20        # one /32 per HQ site
  video_conference: 10.252.0.0/20 # one /28 per commune: gateway, gov room, party room
  legacy_links: 10.249.0.0/17     # planning/lab stand-ins for old units' existing lines
  legacy_loopbacks: 10.249.128.0/17

# Commune LAN split, in this order (the supernet size follows: /23 for this plan).
vlans:
  - {{name: gov, id: 10, prefixlen: 25, dhcp: true, description: "Khối chính quyền (People's Committee)"}}
  - {{name: party, id: 20, prefixlen: 26, dhcp: true, description: "Khối Đảng (Party committee)"}}
  - {{name: onestop, id: 30, prefixlen: 26, dhcp: true, description: "Bộ phận một cửa (one-stop desk)"}}
  - {{name: mgmt, id: 99, prefixlen: 28, dhcp: false, description: "Management"}}
vc_vlan: {{name: vc, id: 40, prefixlen: 28}}   # from pools.video_conference

# Specialised data network core (IP/MPLS PE side).
data_network:
  core_loopback: 10.251.15.255
  core_asn: 64512
  # Sites with `routing: bgp` peer with the core; their commune's AS is first + its code
  # (22918 -> 4200022918): stable, never reused. Private 4-byte range (RFC 6996).
  commune_asns: {{first: 4200000000, last: 4200099999}}

# Integration Centre (Trung tâm tích hợp dữ liệu): servers and hypervisors.
integration_centre:
  prefix: 10.240.0.0/24
  vm_prefix: 10.241.0.0/22        # iDesk / TTHC virtual machines
  servers:
    - {{name: core1, role: dataline_core, address: 10.240.0.1}}
    - {{name: ns1, role: dns_primary, address: 10.240.0.11, fqdn: ns1.{domain}}}
    - {{name: ns2, role: dns_secondary, address: 10.240.0.12, fqdn: ns2.{domain}}}
    - {{name: mail1, role: mail, address: 10.240.0.21, fqdn: mail.{domain}}}
    - {{name: ldap1, role: directory, address: 10.240.0.31, fqdn: ldap.{domain}}}
    - {{name: portal1, role: portal, address: 10.240.0.41, fqdn: portal.{domain}, ipv6: "fd68::41"}}
    - {{name: archive1, role: archive, address: 10.240.0.51, fqdn: archive.{domain}}}
  # Sized for {communes} communes (an iDesk and a TTHC VM each, see ic_vms); add hosts as needed.
  hypervisors:
{hypervisors}

# The plan's tasks (date, responsible agency, workstream). Absent: plan 2495/KH-UBND of Bình
# Thuận (`mergectl tasks DIR` lists them); a province with a plan of its own lists every task:
# tasks:
#   - id: data_lines_installed
#     title: {{vi: "Thiết lập điểm mạng truyền số liệu chuyên dùng", en: "Data-line endpoints"}}
#     agency: {{vi: "Sở Khoa học và Công nghệ, VNPT", en: "Department of Science and Technology, VNPT"}}
#     workstream: network           # network dns mail integration_centre portals decommissioning, or null
#     due: 2025-06-15               # or after: {{task: it_officers_listed, days: 5}}
#   - id: mail_set_up
#     title: "Thiết lập thư điện tử công vụ"   # Vietnamese only is fine
#     agency: "Sở Khoa học và Công nghệ"
#     workstream: mail
#     after: {{task: it_officers_listed, days: 5}}   # 5 days after the task was recorded done
#     per_commune: true             # ... for each commune, from its own date
lookup_until: 2030-07-01          # old names and portals stay reachable for look-up until then (5 years)

# Released addresses, domains, lines, accounts are not reused before BOTH: this many
# allocation generations have passed, and (if set) this date has passed.
quarantine: {{generations: 2, until: null}}

# Electronic identifier codes (mã định danh điện tử, Decision 20/2020/QĐ-TTg):
# <= 35 chars of A-Z 0-9 '.', groups left to right, first group = level-1 code.
edoc:
  level1: {level1}{level1_note}
  pattern: "{{level1}}.{{seq:03d}}"
  first_seq: 1
  issued: []                      # codes already issued in the province: never planned again
  old_codes: {{}}                   # old unit/district code -> its code, closed after the merger

# New communes whose Party committee and People's Committee share one building: one site,
# `hq`, for both. Every other commune has two by default: `hq` (People's Committee, main line)
# and `party` (Party committee, secondary). Their postal addresses: `mergectl sites import`.
shared_hq: []
#  - "22918"

# HQ sites per new commune code ({communes} communes), when a commune needs other than the
# default above (an entry replaces the default list: list every site). Operator-assigned
# addresses take precedence over the pools.
sites: {{}}
#  "22918":
#    - name: hq
#      role: main                  # main | secondary (diverse second line)
#      hq_of: people_committee     # people_committee | party_committee | both (default by name:
#                                  # party -> party_committee, in shared_hq -> both)
#      postal_address: "..."       # else from registers/hq-sites.yml (mergectl sites import)
#      routing: static             # static | bgp
#      link_prefix: 10.250.0.4/31  # operator-assigned, optional
#      loopback: 10.251.0.3        # operator-assigned, optional
#      reuses_old_endpoint: "22915"  # old unit or district code (or "Old province/District name")
#                                    # whose line it keeps; null = none

# What each new commune decided (plan 114): its web portal keeps one of its merged communes'
# portals ({{keep: <old unit code>}}) or is a new one (`new`, the default for a commune not listed).
communes: {{}}
#  "22918":
#    portal: {{keep: "22915"}}
#  "22924":
#    portal: new

# Video-conference room MACs (default: deterministic locally-administered).
vc_macs: {{}}
#  "22918": {{gov: "02:4d:00:00:00:01", party: "02:4d:00:00:00:02"}}

# The existing lines of old units and districts, from the operator (keys: old unit
# code, old district code, or "Old province/District name"). Without an entry the
# legacy pools give stand-ins.
legacy_endpoints: {{}}
#  "22915": {{link_prefix: 10.10.5.6/31, loopback: 10.10.250.7, line_id: "BTN-0042"}}
"""
