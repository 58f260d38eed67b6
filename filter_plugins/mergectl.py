"""Ansible filters over the naming rules of controller/names.py (the one copy, never re-implemented).

    {{ 'Phường Mũi Né' | commune_label }}            -> muine
    {{ '10.64.2.5' | ptr_name }}                     -> 5.2.64.10.in-addr.arpa
    {{ '10.64.2.0/23' | reverse_zones }}             -> ['2.64.10.in-addr.arpa', '3.64.10.in-addr.arpa']
    {{ 'Xã Đắk Mil' | ascii_fold }}                  -> xa dak mil
    {{ 'Bình Thuận' | group_name }}                  -> binh_thuan
    {{ 'binhthuan' | old_province_domain('lamdong.gov.vn') }}  -> binhthuan.gov.vn
    {{ 'PhuHai.PhanThiet.BinhThuan.gov.vn.' | lookup_name }}    -> phuhai.phanthiet.binhthuan.gov.vn
    {{ old_units | old_portal_sites(['22924']) }}    -> [{'fqdn': <its lookup_name>, 'name': ...}]
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

try:  # the reverse-DNS filters need it; the naming filters must load without it
    from netaddr import IPAddress, IPNetwork
except ImportError as error:  # pragma: no cover - netaddr is in requirements.txt and the EE
    NETADDR_IMPORT_ERROR: ImportError | None = error
else:
    NETADDR_IMPORT_ERROR = None

# Module name under which a checkout's rules file is loaded, shared by every filter file.
_RULES_MODULE = "_mergectl_naming_rules"


def naming_rules():
    """The naming rules, without importing the controller package (ansible-playbook may run where
    it is not installed: an execution environment, AWX).

    From a checkout (ansible.cfg's filter_plugins), controller/names.py itself, loaded by path: it
    imports only the standard library. In the collection, scripts/build-collection.sh ships that
    same file as plugins/plugin_utils/names.py. The checkout comes first so that a run from it
    never mixes in an older installed collection's rules.
    """
    checkout = Path(__file__).resolve().parents[1] / "controller" / "names.py"
    if not checkout.is_file():
        from ansible_collections.vngov.mergectl.plugins.plugin_utils import names as installed

        return installed
    if _RULES_MODULE not in sys.modules:
        spec = importlib.util.spec_from_file_location(_RULES_MODULE, checkout)
        if spec is None or spec.loader is None:  # pragma: no cover - a readable .py file always has one
            raise ImportError(f"cannot load the naming rules from {checkout}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[_RULES_MODULE] = module
    return sys.modules[_RULES_MODULE]


names = naming_rules()


def commune_label(name: str) -> str:
    return names.label(name)


def ascii_fold(text: str) -> str:
    return names.ascii_fold(text)


def group_name(*parts: str) -> str:
    return names.group_name(*parts)


def old_province_domain(old_province_label: str, domain: str) -> str:
    """The old province's domain beside the province's `domain` (where its look-up names live)."""
    return names.old_province_domain(old_province_label, domain)


def lookup_name(fqdn: object) -> str:
    """An old look-up name as the portal serves it, and as its mirror's folder is named in the
    archive and on the portal host: lower case, without the final dot of a written FQDN."""
    return str(fqdn or "").lower().removesuffix(".")


def old_portal_sites(old_units: list[dict], unit_codes: list) -> list[dict]:
    """The portals of the old units whose code is in `unit_codes`: [{fqdn, name}], one per look-up
    name (the last unit listing a name gives its name)."""
    codes = list(unit_codes or [])
    sites: dict[str, str] = {}
    for unit in old_units or []:
        if unit.get("code") in codes and lookup_name(unit.get("lookup_fqdn")):
            sites[lookup_name(unit.get("lookup_fqdn"))] = unit.get("name")
    return [{"fqdn": fqdn, "name": name} for fqdn, name in sites.items()]


def _require_netaddr() -> None:
    if NETADDR_IMPORT_ERROR is not None:
        raise ImportError(f"this filter needs the Python library netaddr: {NETADDR_IMPORT_ERROR}")


def ptr_name(address: str) -> str:
    """The PTR owner name of an IPv4 or IPv6 address."""
    _require_netaddr()
    return IPAddress(str(address).split("/", maxsplit=1)[0]).reverse_dns.rstrip(".")


def reverse_zones(prefix: str) -> list[str]:
    """The /24 (octet-aligned) IPv4 reverse zones covering a prefix, in order."""
    _require_netaddr()
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
            "lookup_name": lookup_name,
            "old_portal_sites": old_portal_sites,
            "ptr_name": ptr_name,
            "reverse_zones": reverse_zones,
        }
