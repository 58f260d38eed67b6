"""filter_plugins/dns_records.py: the zone set built from the inventory contract."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "filter_plugins"))

import dns_records as dr

PROVINCE = {
    "domain": "lamdong.gov.vn",
    "mail_domain": "lamdong.gov.vn",
    "dns_primary": {"name": "ns1", "fqdn": "ns1.lamdong.gov.vn", "address": "10.240.0.11"},
    "dns_secondaries": [{"name": "ns2", "fqdn": "ns2.lamdong.gov.vn", "address": "10.240.0.12"}],
    "mail": {"name": "mail1", "fqdn": "mail.lamdong.gov.vn", "address": "10.240.0.21"},
    "portal": {"name": "portal1", "address": "10.240.0.41", "ipv6": "fd68::41"},
    "archive": {"name": "archive1", "fqdn": "archive.lamdong.gov.vn", "address": "10.240.0.51"},
    "lookup_until": datetime.date(2026, 7, 1),
}
MUINE = {
    "commune_label": "muine",
    "commune_domain": "muine.lamdong.gov.vn",
    "commune_mail_domain": "muine.lamdong.gov.vn",
    "commune_portal": {"fqdn": "muine.lamdong.gov.vn"},
    "commune_dkim": {"selector": "mail2025", "txt": "v=DKIM1; k=rsa; p=AAAA"},
    "commune_ic_vms": {"idesk": {"host": "idesk-muine", "address": "10.241.0.5"}},
}
DILINH = {"commune_label": "dilinh", "commune_domain": "dilinh.lamdong.gov.vn"}
OLD_UNITS = [
    {"code": "22915", "province_label": "binhthuan", "lookup_fqdn": "muine.phanthiet.binhthuan.gov.vn"},
    {"code": "25000", "province_label": "lamdong", "lookup_fqdn": "dilinh.dilinh.lamdong.gov.vn"},
]
OLD_DISTRICTS = [
    {"code": "593", "province_label": "binhthuan", "lookup_fqdn": "phanthiet.binhthuan.gov.vn"},
    {"code": "679", "province_label": "lamdong", "lookup_fqdn": "dilinh.lamdong.gov.vn"},
]


def records_of(plan: dict, zone: str) -> set[tuple[str, str, str]]:
    found = next(z for z in plan["zones"] if z["name"] == zone)
    return {(r["name"], r["type"], r["value"]) for r in found["records"]}


def plan_on(day: str) -> dict:
    return dr.dns_plan([MUINE, DILINH], PROVINCE, OLD_UNITS, OLD_DISTRICTS, day)


def test_zone_set_is_the_province_and_the_dissolved_province() -> None:
    assert [z["name"] for z in plan_on("2026-06-15")["zones"]] == ["lamdong.gov.vn", "binhthuan.gov.vn"]
    assert dr.zone_names("lamdong.gov.vn", OLD_UNITS, OLD_DISTRICTS) == ["lamdong.gov.vn", "binhthuan.gov.vn"]


def test_commune_records() -> None:
    got = records_of(plan_on("2026-06-15"), "lamdong.gov.vn")
    assert {
        ("muine", "A", "10.240.0.41"),
        ("muine", "AAAA", "fd68::41"),
        ("www.muine", "CNAME", "muine.lamdong.gov.vn."),
        ("muine", "MX", "10 mail.lamdong.gov.vn."),
        ("muine", "TXT", "v=spf1 mx -all"),
        ("mail2025._domainkey.muine", "TXT", "v=DKIM1; k=rsa; p=AAAA"),
        ("idesk.muine", "A", "10.241.0.5"),
        ("ns1", "A", "10.240.0.11"),
        ("ns2", "A", "10.240.0.12"),
        ("mail", "A", "10.240.0.21"),
        ("@", "MX", "10 mail.lamdong.gov.vn."),
        ("@", "TXT", "v=spf1 mx -all"),
    } <= got
    assert any(r[0] == "_dmarc.muine" and r[2].startswith("v=DMARC1; p=quarantine") for r in got)


def test_no_aaaa_without_ipv6_in_the_plan() -> None:
    province = {**PROVINCE, "portal": {"address": "10.240.0.41"}}
    plan = dr.dns_plan([MUINE], province, [], [], "2026-06-15")
    assert not any(r[1] == "AAAA" for r in records_of(plan, "lamdong.gov.vn"))


def test_old_names_point_at_the_portal_front_until_the_deadline() -> None:
    plan = plan_on("2026-07-01")
    assert plan["lookup_active"]
    assert ("muine.phanthiet", "A", "10.240.0.41") in records_of(plan, "binhthuan.gov.vn")
    assert ("phanthiet", "A", "10.240.0.41") in records_of(plan, "binhthuan.gov.vn")
    assert ("phanthiet", "MX", "10 mail.lamdong.gov.vn.") in records_of(plan, "binhthuan.gov.vn")
    assert ("dilinh.dilinh", "A", "10.240.0.41") in records_of(plan, "lamdong.gov.vn")


def test_old_name_taken_by_a_new_commune_is_shadowed_not_duplicated() -> None:
    plan = plan_on("2026-06-15")
    assert plan["shadowed"] == ["dilinh.lamdong.gov.vn"]
    dilinh = {r for r in records_of(plan, "lamdong.gov.vn") if r[0] == "dilinh" and r[1] == "A"}
    assert dilinh == {("dilinh", "A", "10.240.0.41")}


def test_old_names_are_dropped_after_the_deadline_but_the_zone_stays() -> None:
    plan = plan_on("2026-07-02")
    assert not plan["lookup_active"]
    assert records_of(plan, "binhthuan.gov.vn") == set()
    assert not any(r[0] == "dilinh.dilinh" for r in records_of(plan, "lamdong.gov.vn"))


def test_every_problem_is_reported_at_once() -> None:
    bad = [{"commune_label": "x"}, {"commune_label": "y", "commune_domain": "y.other.gov.vn"}]
    with pytest.raises(Exception) as err:
        dr.dns_plan(bad, PROVINCE, [], [], "2026-06-15", [{"zone": "nope.vn", "name": "a"}])
    message = str(err.value)
    assert "commune x" in message and "y.other.gov.vn" in message and "nope.vn" in message


def test_extra_records_go_to_the_province_zone_by_default() -> None:
    plan = dr.dns_plan([], PROVINCE, [], [], "2026-06-15", [{"name": "t", "type": "A", "value": "10.0.0.1"}])
    assert ("t", "A", "10.0.0.1") in records_of(plan, "lamdong.gov.vn")


def test_plan_passes_through_the_zone_module() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "library"))
    import bind_zone

    for zone in plan_on("2026-06-15")["zones"]:
        assert len(bind_zone.build_records(zone["name"], zone["records"])) == len(zone["records"])


def test_province_dkim_key_from_the_mail_role() -> None:
    key = {"name": "mail2025._domainkey.lamdong.gov.vn", "selector": "mail2025", "txt": "v=DKIM1; p=K"}
    plan = dr.dns_plan([], PROVINCE, [], [], "2026-06-15", [], [key])
    assert ("mail2025._domainkey", "TXT", "v=DKIM1; p=K") in records_of(plan, "lamdong.gov.vn")
