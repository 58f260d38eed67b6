"""province.yml: the template loads as is; every kind of mistake is reported with its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from netaddr import IPNetwork
from test_alloc_support import small_mapping

from controller.province import (
    default_hypervisor_count,
    lan_prefixlen_for,
    load_province,
    province_template,
    split_lan,
)


def _load(tmp_path: Path, text: str, communes: int = 4):
    mapping = small_mapping(communes)
    path = tmp_path / "province.yml"
    path.write_text(text, encoding="utf-8")
    return load_province(path, mapping)


def _messages(diagnostics) -> list[str]:
    return [str(item) for item in diagnostics]


def _line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_template_loads_with_contract_defaults(tmp_path: Path) -> None:
    mapping = small_mapping(4)
    text = province_template(mapping)
    config, diagnostics = _load(tmp_path, text)
    assert config is not None, _messages(diagnostics)
    assert config.domain == "lamdong.gov.vn"
    assert config.edoc.level1 == "H36"
    assert config.lan_prefixlen == 23
    assert str(config.pools["commune_lans"]) == "10.64.0.0/14"
    assert [vlan.name for vlan in config.vlans] == ["gov", "party", "onestop", "mgmt"]
    assert {server.name for server in config.servers} >= {
        "ns1",
        "ns2",
        "mail1",
        "ldap1",
        "portal1",
        "archive1",
    }
    assert [h.name for h in config.hypervisors] == ["hv1", "hv2"]
    assert config.quarantine.generations == 2 and config.quarantine.until is None
    assert config.deadlines["in_service"].isoformat() == "2025-07-01"
    assert config.raw["domain"] == "lamdong.gov.vn" and config.line("domain") == _line_of(text, "domain:")


def test_hypervisors_scale_with_communes() -> None:
    assert default_hypervisor_count(45) == 2
    assert default_hypervisor_count(168) == 6


def test_lan_split_follows_vlan_plan_order() -> None:
    mapping = small_mapping(1)
    from controller.province import Vlan

    vlans = [
        Vlan("gov", 10, 25, True),
        Vlan("party", 20, 26, True),
        Vlan("onestop", 30, 26, True),
        Vlan("mgmt", 99, 28, False),
    ]
    assert lan_prefixlen_for(vlans) == 23
    split = split_lan(IPNetwork("10.64.2.0/23"), vlans)
    assert [str(prefix) for _, prefix in split] == [
        "10.64.2.0/25",
        "10.64.2.128/26",
        "10.64.2.192/26",
        "10.64.3.0/28",
    ]
    del mapping


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("commune_lans: 10.64.0.0/14", "commune_lans: 10.64.0.0/33", "invalid CIDR prefix '10.64.0.0/33'"),
        ("commune_lans: 10.64.0.0/14", "commune_lans: 10.64.1.0/14", "has host bits set"),
        (
            "video_conference: 10.252.0.0/20",
            "video_conference: 10.250.0.0/20",
            "pools.video_conference 10.250.0.0/20 overlaps pools.dataline_links 10.250.0.0/18",
        ),
        ("domain: lamdong.gov.vn ", "domain: lam_dong.gov.vn ", "invalid domain name 'lam_dong.gov.vn'"),
        ("name: party, id: 20", "name: party, id: 10", "VLAN id 10 is used twice"),
        ("name: party, id: 20", "name: party, id: 5000", "5000 is out of range 1..4094"),
        ("level1: H36", "level1: h36", "invalid level-1 code 'h36'"),
        ('pattern: "{level1}.{seq:03d}"', 'pattern: "{level1}.{seq:040d}"', "longer than 35 characters"),
        ('pattern: "{level1}.{seq:03d}"', 'pattern: "{level1}-{seq:03d}"', "may only hold A-Z, 0-9 and '.'"),
        ("quarantine: {generations: 2", "quarantine: {generations: -1", "-1 is out of range"),
        ("address: 10.240.0.11", "address: 10.240.1.11", "10.240.1.11 is outside integration_centre.prefix"),
    ],
)
def test_each_mistake_is_reported_at_its_line(tmp_path: Path, old: str, new: str, expected: str) -> None:
    text = province_template(small_mapping(4))
    assert old in text, old
    bad = text.replace(old, new, 1)
    config, diagnostics = _load(tmp_path, bad)
    assert config is None
    messages = _messages(diagnostics)
    hits = [message for message in messages if expected in message]
    assert hits, messages
    line = _line_of(bad, new)
    assert any(f"province.yml:{line}:" in hit for hit in hits), (line, hits)
    assert all(message.startswith(str(tmp_path / "province.yml")) for message in messages)


def test_pool_too_small_says_needed_vs_available(tmp_path: Path) -> None:
    text = province_template(small_mapping(45)).replace(
        "commune_lans: 10.64.0.0/14", "commune_lans: 10.64.0.0/22"
    )
    config, diagnostics = _load(tmp_path, text, communes=45)
    assert config is None
    line = _line_of(text, "commune_lans:")
    assert (
        f"province.yml:{line}: [pools.commune_lans] "
        "commune_lans 10.64.0.0/22 holds 2 /23 LANs, the plan needs 45"
        in "\n".join(_messages(diagnostics))
    )


def test_operator_assigned_sites_are_checked(tmp_path: Path) -> None:
    text = province_template(small_mapping(4)).replace(
        "sites: {}",
        "sites:\n"
        '  "90000":\n'
        "    - {name: hq, link_prefix: 10.9.0.0/31, loopback: 10.9.1.1}\n"
        '  "90010":\n'
        "    - {name: hq, link_prefix: 10.9.0.0/31, loopback: 10.9.1.2}\n"
        "    - {name: hq2, link_prefix: 10.64.0.0/31, loopback: 10.9.1.3, role: secondary}\n"
        "    - {name: hq3, link_prefix: 10.9.0.4/30, loopback: 10.9.1.4, role: secondary}\n"
        '  "12345":\n'
        "    - {name: hq}\n",
    )
    config, diagnostics = _load(tmp_path, text)
    assert config is None
    joined = "\n".join(_messages(diagnostics))
    assert "operator-assigned 10.9.0.0/31 overlaps site hq of 90000" in joined
    assert "operator-assigned 10.64.0.0/31 lies inside commune_lans 10.64.0.0/14" in joined
    assert "10.9.0.4/30 must be a /31 data-line link" in joined
    assert "no new unit with code 12345 in mapping.yml" in joined


def test_unreadable_files_are_diagnostics(tmp_path: Path) -> None:
    for content, expected in (
        (b"", "file is empty"),
        (b"\xff\xfe\x00x", "binary"),
        (b"- a\n- b\n", "mapping"),
    ):
        path = tmp_path / "province.yml"
        path.write_bytes(content)
        config, diagnostics = load_province(path, small_mapping(1))
        assert config is None and expected in "\n".join(_messages(diagnostics))
