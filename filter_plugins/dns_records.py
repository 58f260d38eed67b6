"""Turn the inventory contract into the zone data roles/bind_primary serves.

`mergectl_dns_plan` reads the commune gateways' hostvars, the province's
parameters and the old units/districts (docs/inventory-contract.md) and returns
the zone set: the province zone with every new commune's records, and one
look-up zone per old province domain that disappeared in the merger
(binhthuan.gov.vn for Bình Thuận). Names are never computed here: labels and
domains come from the inventory, where controller.names made them, and the old
provinces' zones from `old_province_domain` of the same rules, the rule the
allocator named their look-up names by.
"""

from __future__ import annotations

import datetime
import importlib.util
import sys
from pathlib import Path
from typing import Any

try:  # Ansible loads this file as a plugin; the unit tests import it directly.
    from ansible.errors import AnsibleFilterError
except ImportError:  # pragma: no cover
    AnsibleFilterError = ValueError  # type: ignore[misc,assignment]

# Shared with filter_plugins/mergectl.py, which explains the loading (whichever file Ansible loads
# first loads the rules).
_RULES_MODULE = "_mergectl_naming_rules"


def _naming_rules():
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


old_province_domain = _naming_rules().old_province_domain

SPF_POLICY = "v=spf1 mx -all"
DMARC_POLICY = "v=DMARC1; p=quarantine; adkim=r; aspf=r; rua=mailto:dmarc@{report_to}"
MAIL_PRIORITY = 10


def _as_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _relative(fqdn: str, zone: str) -> str | None:
    """Owner relative to zone, '@' for the apex, None when fqdn is outside it."""
    fqdn = fqdn.rstrip(".").lower()
    if fqdn == zone:
        return "@"
    if fqdn.endswith("." + zone):
        return fqdn[: -len(zone) - 1]
    return None


def _address_records(owner: str, host: dict) -> list[dict]:
    records = []
    if host.get("address"):
        records.append({"name": owner, "type": "A", "value": str(host["address"])})
    if host.get("ipv6"):
        records.append({"name": owner, "type": "AAAA", "value": str(host["ipv6"])})
    return records


class _Plan:
    """Accumulates records per zone and the problems found, reported together."""

    def __init__(self, zones: list[str]) -> None:
        self.records: dict[str, list[dict]] = {zone: [] for zone in zones}
        self.problems: list[str] = []
        self.shadowed: list[str] = []

    def zone_of(self, fqdn: str) -> tuple[str, str] | None:
        # The longest served zone wins, so a name is never placed in a parent that delegates it.
        for zone in sorted(self.records, key=len, reverse=True):
            owner = _relative(fqdn, zone)
            if owner is not None:
                return zone, owner
        return None

    def add(self, fqdn: str, rtype: str, value: str, where: str) -> None:
        placed = self.zone_of(fqdn)
        if placed is None:
            self.problems.append(f"{where}: {fqdn} is outside every served zone ({', '.join(self.records)})")
            return
        zone, owner = placed
        self.records[zone].append({"name": owner, "type": rtype, "value": value})

    def add_host(self, fqdn: str, host: dict, where: str) -> None:
        for record in _address_records(fqdn, host):
            self.add(fqdn, record["type"], record["value"], where)

    def owners(self) -> set[tuple[str, str]]:
        return {(zone, r["name"]) for zone, recs in self.records.items() for r in recs}


def _lookup_zone(entry: dict, province_domain: str) -> str:
    return old_province_domain(str(entry.get("province_label", "")), province_domain).lower()


def zone_names(
    province_domain: str, old_units: list[dict] | None = None, old_districts: list[dict] | None = None
) -> list[str]:
    """The province zone first, then one look-up zone per dissolved province domain."""
    domain = str(province_domain).rstrip(".").lower()
    entries = [*(old_units or []), *(old_districts or [])]
    lookup = {_lookup_zone(e, domain) for e in entries if e.get("province_label")} - {domain}
    return [domain, *sorted(lookup)]


def dns_plan(
    communes: list[dict],
    province: dict,
    old_units: list[dict] | None = None,
    old_districts: list[dict] | None = None,
    today: Any = None,
    extra_records: list[dict] | None = None,
    dkim: list[dict] | None = None,
) -> dict:
    """Zone set for the province.

    communes: hostvars of the `communes` group (commune_label, commune_domain, ...).
    province: {domain, mail_domain, mail, portal, archive, directory, dns_primary, dns_secondaries,
    lookup_until} taken from group_vars/all/province.yml.
    extra_records: [{name, type, value, zone?}] added as they are (zone defaults to the province zone).
    dkim: [{name: <selector>._domainkey.<domain>, txt}] from the mail role (mail_dkim_record).
    """
    old_units = old_units or []
    old_districts = old_districts or []
    domain = str(province["domain"]).rstrip(".").lower()
    plan = _Plan(zone_names(domain, old_units, old_districts))
    mail = province.get("mail") or {}
    portal = province.get("portal") or {}
    archive = province.get("archive") or {}

    servers = [province.get("dns_primary") or {}, *(province.get("dns_secondaries") or [])]
    nameservers = [str(s["fqdn"]).rstrip(".").lower() for s in servers if s.get("fqdn")]
    if not nameservers:
        plan.problems.append("province_dns_primary: fqdn is required")
    for host in [*servers, mail, archive, portal, province.get("directory") or {}]:
        if host.get("fqdn") and plan.zone_of(str(host["fqdn"])) is not None:
            plan.add_host(str(host["fqdn"]), host, f"province host {host.get('name', host['fqdn'])}")

    # The province's own mail domain: MX, SPF and the DMARC policy commune sub-domains inherit.
    province_mail_domain = str(province.get("mail_domain") or domain).lower()
    if mail.get("fqdn") and plan.zone_of(province_mail_domain) is not None:
        where = "province mail domain"
        plan.add(province_mail_domain, "MX", f"{MAIL_PRIORITY} {str(mail['fqdn']).rstrip('.')}.", where)
        plan.add(province_mail_domain, "TXT", SPF_POLICY, where)
        plan.add(
            f"_dmarc.{province_mail_domain}",
            "TXT",
            DMARC_POLICY.format(report_to=province_mail_domain),
            where,
        )
    # DKIM keys published by the mail role (one per province, d=<province mail domain>).
    for index, key in enumerate(dkim or []):
        if not key.get("name") or not key.get("txt"):
            plan.problems.append(f"dkim[{index}]: name and txt are required")
            continue
        plan.add(str(key["name"]), "TXT", str(key["txt"]), f"dkim[{index}]")

    for index, commune in enumerate(sorted(communes, key=lambda c: str(c.get("commune_label", "")))):
        label = commune.get("commune_label")
        where = f"commune {label or index}"
        commune_domain = str(commune.get("commune_domain") or "").lower()
        if not label or not commune_domain:
            plan.problems.append(f"{where}: commune_label and commune_domain are required")
            continue
        portal_fqdn = str((commune.get("commune_portal") or {}).get("fqdn") or commune_domain)
        plan.add_host(portal_fqdn, portal, where)
        plan.add(f"www.{portal_fqdn}", "CNAME", f"{portal_fqdn.rstrip('.')}.", where)
        mail_domain = str(commune.get("commune_mail_domain") or commune_domain)
        if mail.get("fqdn"):
            plan.add(mail_domain, "MX", f"{MAIL_PRIORITY} {str(mail['fqdn']).rstrip('.')}.", where)
            plan.add(mail_domain, "TXT", SPF_POLICY, where)
            policy = DMARC_POLICY.format(report_to=province_mail_domain)
            plan.add(f"_dmarc.{mail_domain}", "TXT", policy, where)
        commune_key = commune.get("commune_dkim") or {}
        if commune_key.get("selector") and commune_key.get("txt"):
            name = f"{commune_key['selector']}._domainkey.{mail_domain}"
            plan.add(name, "TXT", str(commune_key["txt"]), where)
        # Integration Centre VMs placed for the commune: {idesk: {host, address}, tthc: {...}}.
        for system, vm in sorted((commune.get("commune_ic_vms") or {}).items()):
            if isinstance(vm, dict) and vm.get("address"):
                plan.add_host(f"{system}.{commune_domain}", vm, where)

    until = _as_date(province.get("lookup_until"))
    on = _as_date(today) or datetime.datetime.now(datetime.UTC).date()
    lookup_active = until is None or on <= until
    taken = plan.owners()
    old_names: set[str] = set()
    if lookup_active:
        for kind, entries in (("old unit", old_units), ("old district", old_districts)):
            for entry in entries:
                fqdn = str(entry.get("lookup_fqdn") or "").rstrip(".").lower()
                if not fqdn or fqdn in old_names:
                    continue
                old_names.add(fqdn)
                placed = plan.zone_of(fqdn)
                if placed is not None and placed in taken:
                    # A new commune took the name: it now answers with the successor's data.
                    plan.shadowed.append(fqdn)
                    continue
                what = f"{kind} {entry.get('code', entry.get('label'))}"
                # The portal front answers every old web name: a 301 to the successor that
                # inherits the old portal, else the archived copy or a notice linking the
                # archive's search (roles/portal). Without a portal, the archive itself.
                plan.add_host(fqdn, portal if portal.get("address") else archive, what)
                if mail.get("fqdn"):
                    # Mail to old addresses is still accepted and forwarded by the province's mail server.
                    plan.add(fqdn, "MX", f"{MAIL_PRIORITY} {str(mail['fqdn']).rstrip('.')}.", what)

    for index, extra in enumerate(extra_records or []):
        zone = str(extra.get("zone") or domain).lower()
        if zone not in plan.records:
            plan.problems.append(f"extra_records[{index}]: zone {zone} is not served")
            continue
        plan.records[zone].append({k: v for k, v in extra.items() if k != "zone"})

    if plan.problems:
        raise AnsibleFilterError("DNS plan: " + "; ".join(plan.problems))
    return {
        "zones": [
            {"name": zone, "nameservers": nameservers, "records": plan.records[zone]} for zone in plan.records
        ],
        "lookup_active": lookup_active,
        "lookup_names": len(old_names) - len(plan.shadowed),
        "shadowed": sorted(plan.shadowed),
    }


class FilterModule:
    """mergectl DNS filters."""

    def filters(self) -> dict:
        return {"mergectl_dns_plan": dns_plan, "mergectl_dns_zone_names": zone_names}
