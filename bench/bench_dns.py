"""Benchmark: render + named-checkzone for the whole country's DNS (3,321 new communes).

Run from the repository root, once (needs named-checkzone: `apt-get install bind9-utils`):

    .venv/bin/python bench/bench_dns.py              # new communes + old look-up names
    .venv/bin/python bench/bench_dns.py --no-old     # new communes only

Builds contract-shaped commune hostvars for every new commune of the 34 provinces from the
vietnamadminunits dataset (labels by controller.names), runs the same code the DNS playbook
runs: the mergectl_dns_plan filter, then the bind_zone module's record building and rendering,
then `named-checkzone` on every zone file (the check the module runs before activation).
Old look-up names (every old ward and district of the 63 provinces) are added unless --no-old.
Not a test: numbers depend on the machine; results are recorded in bench/DNS.md.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "library"))
sys.path.insert(0, str(REPO / "filter_plugins"))

import bind_zone  # noqa: E402
import dns_records  # noqa: E402
import vietnamadminunits  # noqa: E402

from controller.names import GOV_DOMAIN, label, old_district_fqdn, old_unit_fqdn, subdomain  # noqa: E402

DATASET = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
SERVERS = {
    "mail": {"name": "mail1", "address": "10.240.0.21"},
    "portal": {"name": "portal1", "address": "10.240.0.41", "ipv6": "fd68::41"},
    "archive": {"name": "archive1", "address": "10.240.0.51"},
}


def unique(base: str, taken: set[str]) -> str:
    """Stand-in for the allocator's collision suffix (the bench needs distinct names only)."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate)
    return candidate


def province_vars(plabel: str) -> dict:
    domain = f"{plabel}.{GOV_DOMAIN}"
    return {
        "domain": domain,
        "mail_domain": domain,
        "dns_primary": {"name": "ns1", "fqdn": f"ns1.{domain}", "address": "10.240.0.11"},
        "dns_secondaries": [{"name": "ns2", "fqdn": f"ns2.{domain}", "address": "10.240.0.12"}],
        "mail": {**SERVERS["mail"], "fqdn": f"mail.{domain}"},
        "portal": SERVERS["portal"],
        "archive": {**SERVERS["archive"], "fqdn": f"archive.{domain}"},
        "lookup_until": "2026-07-01",
    }


def load(with_old: bool) -> tuple[dict[str, list[dict]], dict[str, list[dict]], dict[str, list[dict]]]:
    db = sqlite3.connect(DATASET)
    communes: dict[str, list[dict]] = defaultdict(list)
    taken: dict[str, set[str]] = defaultdict(set)
    for province, ward in db.execute("select province, ward from admin_units order by province, wardCode"):
        plabel = label(province)
        clabel = unique(label(ward), taken[plabel])
        domain = subdomain(clabel, f"{plabel}.{GOV_DOMAIN}")
        communes[plabel].append(
            {
                "commune_label": clabel,
                "commune_domain": domain,
                "commune_mail_domain": domain,
                "commune_portal": {"fqdn": domain},
                # Realistic size for the key the mail role publishes (2048-bit RSA, ~400 characters).
                "commune_dkim": {"selector": "mail2025", "txt": "v=DKIM1; k=rsa; p=" + "A" * 392},
            }
        )
    old_units: dict[str, list[dict]] = defaultdict(list)
    old_districts: dict[str, list[dict]] = defaultdict(list)
    if with_old:
        seen: set[tuple[str, str]] = set()
        rows = db.execute("select province, district, districtCode, ward, wardCode from admin_units_legacy")
        for province, district, dcode, ward, wcode in rows:
            if not ward or not district:  # rows describing a district or province alone
                continue
            plabel, dlabel = label(province), label(district)
            fqdn = old_unit_fqdn(label(ward), dlabel, plabel, f"{plabel}.{GOV_DOMAIN}")
            old_units[plabel].append({"code": wcode, "province_label": plabel, "lookup_fqdn": fqdn})
            if (plabel, dcode) not in seen:
                seen.add((plabel, dcode))
                lookup = old_district_fqdn(dlabel, plabel, f"{plabel}.{GOV_DOMAIN}")
                old_districts[plabel].append({"code": dcode, "province_label": plabel, "lookup_fqdn": lookup})
    return communes, old_units, old_districts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-old", action="store_true", help="new communes only, no old look-up names")
    args = parser.parse_args()

    started = time.perf_counter()
    communes, old_units, old_districts = load(not args.no_old)
    loaded = time.perf_counter()

    # An old province absorbed into a new one keeps its own zone (binhthuan.gov.vn); one whose name
    # survives (lamdong) has its old names inside the new province's zone.
    plans = []
    for plabel, rows in communes.items():
        plans.append(
            dns_records.dns_plan(
                rows, province_vars(plabel), old_units.get(plabel), old_districts.get(plabel), "2026-06-15"
            )
        )
    for plabel in sorted(set(old_units) - set(communes)):
        plans.append(
            dns_records.dns_plan(
                [], province_vars(plabel), old_units[plabel], old_districts[plabel], "2026-06-15"
            )
        )
    planned = time.perf_counter()

    zones = [zone for plan in plans for zone in plan["zones"]]
    total_records = 0
    with tempfile.TemporaryDirectory(prefix="bench-dns-") as tmp:
        files = []
        for zone in zones:
            records = bind_zone.build_records(zone["name"], zone["records"])
            total_records += len(records)
            digest = bind_zone.content_hash(zone["name"], ("bench",), zone["nameservers"], records)
            text = bind_zone.render_zone(
                zone["name"], 2025070100, digest, zone["nameservers"], f"hostmaster@{zone['name']}", records
            )
            path = Path(tmp) / f"{zone['name']}.zone"
            path.write_text(text, encoding="utf-8")
            files.append((zone["name"], path))
        rendered = time.perf_counter()
        failures = []
        slowest = (0.0, "")
        for name, path in files:
            t0 = time.perf_counter()
            ok, output = bind_zone.run_checkzone("named-checkzone", name, str(path))
            slowest = max(slowest, (time.perf_counter() - t0, name))
            if not ok:
                failures.append(f"{name}: {output}")
        checked = time.perf_counter()
        size = sum(path.stat().st_size for _, path in files)

    ncommunes = sum(len(rows) for rows in communes.values())
    print(f"communes: {ncommunes} in {len(communes)} provinces; zones: {len(zones)}")
    print(f"records: {total_records}")
    print(f"zone files: {size / 1e6:.1f} MB")
    print(f"dataset read:          {loaded - started:6.2f} s")
    print(f"plan (filter):         {planned - loaded:6.2f} s")
    print(f"render (bind_zone):    {rendered - planned:6.2f} s")
    print(f"named-checkzone (all): {checked - rendered:6.2f} s")
    print(f"slowest zone check:    {slowest[0]:6.2f} s ({slowest[1]})")
    print(f"total:                 {checked - started:6.2f} s")
    if failures:
        print("named-checkzone failures:", *failures, sep="\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
