"""Ansible filters over the controller's naming rules (imported from controller.names, never copied).

    {{ 'Phường Mũi Né' | commune_label }}            -> muine
    {{ '10.64.2.5' | ptr_name }}                     -> 5.2.64.10.in-addr.arpa
    {{ '10.64.2.0/23' | reverse_zones }}             -> ['2.64.10.in-addr.arpa', '3.64.10.in-addr.arpa']
    {{ 'Xã Đắk Mil' | ascii_fold }}                  -> xa dak mil
    {{ 'Bình Thuận' | group_name }}                  -> binh_thuan
    {{ 'binhthuan' | old_province_domain('lamdong.gov.vn') }}  -> binhthuan.gov.vn
    {{ [['commune', '22916']] | csv_table(['kind', 'code']) }}  -> the product's CSV (BOM, no formulas)
"""

from __future__ import annotations

import sys
from pathlib import Path

# The plugin runs inside ansible-playbook, where the repository root may not be on sys.path.
_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from netaddr import IPAddress, IPNetwork  # noqa: E402

from controller import csvwrite, names  # noqa: E402


def commune_label(name: str) -> str:
    return names.label(name)


def ascii_fold(text: str) -> str:
    return names.ascii_fold(text)


def group_name(*parts: str) -> str:
    return names.group_name(*parts)


def old_province_domain(old_province_label: str, domain: str) -> str:
    """The old province's domain beside the province's `domain` (where its look-up names live)."""
    return names.old_province_domain(old_province_label, domain)


def csv_table(rows: list, columns: list[str]) -> str:
    """A CSV file's text by the product's one CSV writer (controller.csvwrite): roles write reports
    that engineers open in Excel too."""
    return csvwrite.csv_text(columns, rows)


def ptr_name(address: str) -> str:
    """The PTR owner name of an IPv4 or IPv6 address."""
    return IPAddress(str(address).split("/")[0]).reverse_dns.rstrip(".")


def reverse_zones(prefix: str) -> list[str]:
    """The /24 (octet-aligned) IPv4 reverse zones covering a prefix, in order."""
    network = IPNetwork(str(prefix))
    if network.version != 4:
        raise ValueError(f"reverse_zones handles IPv4 prefixes, got {prefix}")
    zone_len = 24 if network.prefixlen > 16 else (16 if network.prefixlen > 8 else 8)
    zones = []
    if network.prefixlen > zone_len:
        blocks = [IPNetwork(f"{network.network}/{zone_len}").cidr]
    else:
        blocks = list(network.subnet(zone_len))
    for block in blocks:
        octets = str(block.network).split(".")[: zone_len // 8]
        zones.append(".".join(reversed(octets)) + ".in-addr.arpa")
    return zones


class FilterModule:
    def filters(self) -> dict:
        return {
            "commune_label": commune_label,
            "ascii_fold": ascii_fold,
            "group_name": group_name,
            "old_province_domain": old_province_domain,
            "ptr_name": ptr_name,
            "csv_table": csv_table,
            "reverse_zones": reverse_zones,
        }
