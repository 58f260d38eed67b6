"""Typed values in province.yml: IPv6 addresses, LDAP DNs, MACs (unicast, distinct), URLs, dates.

Each bad value is exit 2 with FILE:LINE [key] on the real Bình Thuận workspace, and the
published schema rejects it too, so editors and mergectl agree.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import edit_text

from controller.cli import main
from controller.errors import EXIT_INVALID
from controller.ldapdn import DnError, parse_dn
from controller.province.schema import _jsonable, schema
from controller.values import BadValue, calendar_date, http_url, ipv6_address, mac_address
from controller.yamlio import parse_yaml

PORTAL = '{name: portal1, role: portal, address: 10.240.0.41, fqdn: portal.lamdong.gov.vn, ipv6: "fd68::41"}'
BASE_DN = "directory_base_dn: dc=lamdong,dc=gov,dc=vn"
MACS = ('vc_macs:\n  "22918": {{gov: {gov}, party: "02:4d:00:00:00:02"}}\n'
        '  "22924": {{gov: "02:4d:00:00:00:03"}}')


@pytest.fixture()
def workspace(bt_workspace: Path) -> Path:
    return bt_workspace




def _schema_errors(path: Path) -> list[tuple[str | int, ...]]:
    data, _, problems = parse_yaml(path)
    assert not problems
    validator = jsonschema.Draft7Validator(schema(), format_checker=jsonschema.FormatChecker())
    return [tuple(error.absolute_path) for error in validator.iter_errors(_jsonable(data))]


CASES = [
    # (old text, new text, line offset within new, key path, message)
    (PORTAL, PORTAL.replace('"fd68::41"', '"not-an-ipv6;rm -rf /"'), 0,
     "integration_centre.servers[5].ipv6", "invalid IPv6 address 'not-an-ipv6;rm -rf /'"),
    (PORTAL, PORTAL.replace('"fd68::41"', "10.240.0.41"), 0, "integration_centre.servers[5].ipv6",
     "10.240.0.41 is an IPv4 address where an IPv6 address is expected"),
    (PORTAL, PORTAL.replace('"fd68::41"', '"::ffff:10.240.0.41"'), 0, "integration_centre.servers[5].ipv6",
     "::ffff:10.240.0.41 is an IPv4 address written as IPv6"),
    (PORTAL, PORTAL.replace('"fd68::41"', '"ff02::1"'), 0, "integration_centre.servers[5].ipv6",
     "ff02::1 is a multicast address"),
    (PORTAL, PORTAL.replace('"fd68::41"', '"fe80::41"'), 0, "integration_centre.servers[5].ipv6",
     "fe80::41 is a link-local address"),
    (PORTAL, PORTAL.replace('"fd68::41"', '"fd68::41/64"'), 0, "integration_centre.servers[5].ipv6",
     "'fd68::41/64' has a prefix length (fix: write the address alone: fd68::41)"),
    (BASE_DN, "directory_base_dn: dc=lamdong, dc=gov,dc=vn", 0, "directory_base_dn",
     "invalid LDAP DN 'dc=lamdong, dc=gov,dc=vn': space before an attribute type"),
    (BASE_DN, "directory_base_dn: dc=lamdong,,dc=vn", 0, "directory_base_dn",
     "invalid LDAP DN 'dc=lamdong,,dc=vn': expected an attribute type (e.g. dc, ou, cn), found ','"),
    (BASE_DN, 'directory_base_dn: "ou=A;B,dc=vn"', 0, "directory_base_dn",
     "';' in the value of ou must be escaped as \\;"),
    (BASE_DN, "directory_base_dn: dc=lamdong,dc=", 0, "directory_base_dn",
     "empty value for dc at character 15"),
    ("vc_macs: {}", MACS.format(gov='"01:00:5e:00:00:01"'), 1, "vc_macs.22918.gov",
     "01:00:5e:00:00:01 is a multicast MAC (its first byte is odd)"),
    ("vc_macs: {}", MACS.format(gov="ff:ff:ff:ff:ff:ff"), 1, "vc_macs.22918.gov",
     "ff:ff:ff:ff:ff:ff is the broadcast address"),
    ("vc_macs: {}", MACS.format(gov='"02:4d:00:00:00"'), 1, "vc_macs.22918.gov",
     "invalid MAC address '02:4d:00:00:00'"),
    ("vc_macs: {}", MACS.format(gov="12:34:56:10:20:30"), 1, "vc_macs.22918.gov",
     "expected a MAC address, got the number 9783973230 (fix: put the MAC in quotes)"),
    ("lookup_until: 2030-07-01", "lookup_until: 2030-02-30", 0, "lookup_until",
     "invalid date '2030-02-30': February 2030 has 28 days"),
    ("until: null}", 'until: "2026-13-01"}', 0, "quarantine.until",
     "invalid date '2026-13-01': there is no month 13"),
    ('api_url: ""', 'api_url: "javascript:alert(1)"', 0, "ic_vms.sms.api_url",
     "URL 'javascript:alert(1)' has javascript:; only http and https are allowed"),
    ('api_url: ""', 'api_url: "https://sms:secret@sms.example.vn/api"', 0, "ic_vms.sms.api_url",
     "contains a user name or password"),
]


@pytest.mark.parametrize(("old", "new", "offset", "key", "message"), CASES,
                         ids=[case[4][:40] for case in CASES])
def test_bad_values_are_errors_at_their_line(workspace: Path, capsys, old, new, offset, key, message) -> None:
    province = workspace / "province.yml"
    line = edit_text(province, old, new) + offset
    capsys.readouterr()
    assert main(["validate", str(workspace)]) == EXIT_INVALID
    err = capsys.readouterr().err
    hits = [row for row in err.splitlines() if f"[{key}]" in row and message in row]
    assert hits == [hit for hit in hits if hit.startswith(f"error: {province}:{line}: ")] != [], err
    # Editors see the same problem through the schema.
    path = tuple(int(part) if part.isdigit() and len(part) < 3 else part
                 for part in key.replace("[", ".").replace("]", "").split("."))
    assert path in _schema_errors(province)


def test_impossible_dates_are_input_errors_in_every_verb(workspace: Path, capsys) -> None:
    province = workspace / "province.yml"
    line = edit_text(province, "lookup_until: 2030-07-01", "lookup_until: 2030-06-31")
    for verb in ("validate", "plan", "inventory", "capacity"):
        capsys.readouterr()
        assert main([verb, str(workspace)]) == EXIT_INVALID, verb
        err = capsys.readouterr().err
        expected = "[lookup_until] invalid date '2030-06-31': June 2030 has 30 days"
        assert f"{province}:{line}: {expected}" in err
    assert main(["report", str(workspace)]) == 0  # the report reads what it can; validate says what is wrong


def test_explicit_tags_that_do_not_fit_are_errors_not_crashes(workspace: Path, capsys) -> None:
    province = workspace / "province.yml"
    line = edit_text(province, "core_asn: 64512", "core_asn: !!int sixty-four")
    assert main(["validate", str(workspace)]) == EXIT_INVALID
    assert f"{province}:{line}: YAML syntax error: 'sixty-four' is not an integer" in capsys.readouterr().err


def test_good_values_in_other_spellings_are_accepted(workspace: Path) -> None:
    province = workspace / "province.yml"
    edit_text(province, PORTAL, PORTAL.replace('"fd68::41"', "FD68:0::41"))
    edit_text(province, BASE_DN, r"directory_base_dn: 'ou=Phòng A\, B+cn=x,dc=lamdong,dc=gov,dc=vn'")
    edit_text(province, "vc_macs: {}", MACS.format(gov="02-4D-00-00-00-01"))
    edit_text(province, 'api_url: ""', 'api_url: "https://sms.example.vn:8443/api?x=1"')
    edit_text(province, "lookup_until: 2030-07-01", 'lookup_until: "2030-07-01"')
    assert main(["inventory", "-q", str(workspace)]) == 0
    assert _schema_errors(province) == []
    all_vars = yaml.safe_load((workspace / "group_vars" / "all" / "province.yml").read_text(encoding="utf-8"))
    assert all_vars["province_directory_base_dn"] == r"ou=Phòng A\, B+cn=x,dc=lamdong,dc=gov,dc=vn"
    assert all_vars["province_lookup_until"] == "2030-07-01"
    portal = yaml.safe_load((workspace / "host_vars" / "portal1.yml").read_text(encoding="utf-8"))
    assert portal["server_ipv6"] == "fd68::41"


def test_duplicate_macs_name_both_rooms(workspace: Path, capsys) -> None:
    province = workspace / "province.yml"
    line = edit_text(province, "vc_macs: {}", MACS.format(gov='"02:4d:00:00:00:03"'))
    assert main(["validate", str(workspace)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert (f"{province}:{line + 2}: [vc_macs.22924.gov] MAC 02:4d:00:00:00:03 is also the MAC of the "
            f"gov room of commune 22918 (line {line + 1})") in err


def test_a_given_mac_equal_to_another_rooms_generated_mac_is_refused(workspace: Path, capsys) -> None:
    from controller.allocate.view import vc_mac

    generated = vc_mac("lamdong", "22924", "party")
    province = workspace / "province.yml"
    line = edit_text(province, "vc_macs: {}", MACS.format(gov=f'"{generated}"'))
    assert main(["validate", str(workspace)]) == EXIT_INVALID
    assert (f"{province}:{line + 1}: [vc_macs.22918.gov] MAC {generated} is also the generated MAC of the "
            "party room of commune 22924 (which has no vc_macs entry)") in capsys.readouterr().err


@pytest.mark.parametrize("text", [
    "dc=lamdong,dc=gov,dc=vn", "DC=a", "ou=People+cn=admin,dc=x", r"cn=Nguyễn Văn A\, Jr,dc=x",
    r"cn=\ lead and trail\ ,dc=x", r"cn=\#1,dc=x", "cn=#04024869,dc=x", "2.5.4.3=x,dc=y", r"cn=a\2Cb",
])
def test_rfc4514_dns_that_parse(text: str) -> None:
    assert parse_dn(text)


@pytest.mark.parametrize(("text", "why"), [
    ("", "empty DN at character 1"),
    ("dc=a,", "missing attribute type (e.g. dc=) after the last separator at character 6"),
    ("dc", "expected '=' after 'dc', found the end at character 3"),
    ("=x", "expected an attribute type (e.g. dc, ou, cn), found '=' at character 1"),
    ("dc=a b ", "trailing space in the value of dc must be escaped as '\\ ' at character 7"),
    ("dc= a", "leading space in the value of dc must be escaped as '\\ ' at character 4"),
    ('cn="q"', "'\"' in the value of cn must be escaped"),
    ("cn=a\\x", "'\\' must be followed by one of"),
    ("cn=#0", "'#' starts a hex value"),
    ("cn=\\ff", "the escaped bytes of cn are not UTF-8"),
    ("1cn=a", "expected an attribute type"),
])
def test_rfc4514_dns_that_do_not(text: str, why: str) -> None:
    with pytest.raises(DnError) as raised:
        parse_dn(text)
    assert why in str(raised.value)


def test_value_kinds_directly() -> None:
    assert str(ipv6_address("FD68:0::41")) == "fd68::41"
    assert mac_address("02-4D-00-00-00-01") == "02:4d:00:00:00:01"
    assert http_url("http://10.0.0.5/x") == "http://10.0.0.5/x"
    assert calendar_date("2024-02-29").isoformat() == "2024-02-29"
    for parse, value in ((ipv6_address, "::1"), (ipv6_address, "::"), (ipv6_address, 6), (mac_address, "0"),
                         (mac_address, "00:00:00:00:00:00"), (http_url, "https://"), (http_url, "ftp://x.vn"),
                         (http_url, "https://a b.vn"), (http_url, "https://x.vn:99999/"),
                         (calendar_date, "2023-02-29"), (calendar_date, "tomorrow")):
        with pytest.raises(BadValue):
            parse(value)


def test_a_legacy_line_keyed_in_another_unicode_form_keeps_its_addresses(workspace: Path) -> None:
    from controller.mapping_io import read_mapping
    from controller.province import load_province

    nfd = unicodedata.normalize("NFD", "Bình Thuận/Huyện Hàm Thuận Bắc")
    entry = "{link_prefix: 10.10.5.6/31, loopback: 10.10.250.7, line_id: BTN-1}"
    edit_text(workspace / "province.yml", "legacy_endpoints: {}", f'legacy_endpoints:\n  "{nfd}": {entry}')
    mapping, _ = read_mapping(workspace / "mapping.yml")
    assert mapping is not None
    config, diagnostics = load_province(workspace / "province.yml", mapping)
    assert config is not None, [str(item) for item in diagnostics]
    line = config.legacy_endpoints[unicodedata.normalize("NFC", nfd)]
    assert (str(line.link_prefix), str(line.loopback)) == ("10.10.5.6/31", "10.10.250.7")
    assert line.line_id == "BTN-1"
