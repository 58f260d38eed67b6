"""`mergectl check`'s probes against servers this test starts on 127.0.0.1 (tests/check_servers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from check_servers import (
    LOOPBACK,
    Pki,
    closed_port,
    dns_server,
    greeter,
    https_server,
    make_pki,
)

from controller.check import probes
from controller.check.reach import Endpoint, Reach
from controller.check.results import FAIL, PASS
from controller.check.runner import probe_one
from controller.check.targets import Target

ZONE = "lamdong.gov.vn"
SOA = "ns1.lamdong.gov.vn. hostmaster.lamdong.gov.vn. {serial} 3600 900 1209600 300"
DKIM = '"v=DKIM1; k=rsa; " "p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx"'


def records(serial: int = 2026120601) -> dict[str, dict[str, list[str]]]:
    return {
        ZONE: {"SOA": [SOA.format(serial=serial)], "MX": ["10 mail.lamdong.gov.vn."]},
        f"muine.{ZONE}": {"A": ["10.240.0.41"], "MX": ["10 mail.lamdong.gov.vn."]},
        f"mail2025._domainkey.{ZONE}": {"TXT": [DKIM]},
        f"empty._domainkey.{ZONE}": {"TXT": ['"v=spf1 -all"']},
    }


@pytest.fixture()
def ns1() -> Iterator[Endpoint]:
    with dns_server(records()) as port:
        yield Endpoint(LOOPBACK, port)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), ["*.lamdong.gov.vn", "mail.lamdong.gov.vn"])


def run(probe: object) -> tuple[str, str]:
    """A probe as the runner runs it: what it raises becomes a FAIL row."""
    target = Target("t.t", "other", None, None, "t", lambda _reach, _context: probe())  # type: ignore[operator]
    result = probe_one(target, Reach(), probes.tls_context(None))
    return result.status, result.detail


def test_a_commune_name_answers_with_the_portal_address(ns1: Endpoint) -> None:
    assert probes.check_address(ns1, f"muine.{ZONE}", "10.240.0.41") == probes.passed("A 10.240.0.41")
    wrong = probes.check_address(ns1, f"muine.{ZONE}", "10.240.0.42")
    assert wrong.status == FAIL and "expected 10.240.0.42" in wrong.detail


def test_a_missing_name_fails_with_nxdomain(ns1: Endpoint) -> None:
    status, detail = run(lambda: probes.check_address(ns1, f"nowhere.{ZONE}", None))
    assert (status, detail) == (FAIL, f"NXDOMAIN for nowhere.{ZONE} A")


def test_mx_names_the_mail_server(ns1: Endpoint) -> None:
    assert probes.check_mx(ns1, f"muine.{ZONE}", "mail.lamdong.gov.vn").status == PASS
    other = probes.check_mx(ns1, f"muine.{ZONE}", "mx.example.vn")
    assert other.status == FAIL and "expected mx.example.vn" in other.detail


def test_dkim_key_is_read_across_split_strings(ns1: Endpoint) -> None:
    found = probes.check_dkim(ns1, f"mail2025._domainkey.{ZONE}")
    assert found.status == PASS and "v=DKIM1" in found.detail
    assert probes.check_dkim(ns1, f"empty._domainkey.{ZONE}").status == FAIL


def test_serials_match_or_name_both(ns1: Endpoint) -> None:
    with dns_server(records()) as same, dns_server(records(serial=2026120500)) as behind:
        ok = probes.check_serials(ns1, "ns1", Endpoint(LOOPBACK, same), "ns2", ZONE)
        assert ok == probes.passed("serial 2026120601 at ns1 and ns2")
        late = probes.check_serials(ns1, "ns1", Endpoint(LOOPBACK, behind), "ns2", ZONE)
        assert late.status == FAIL and "2026120500 at ns2" in late.detail


def test_a_silent_name_server_fails_in_bounded_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket
    import time

    monkeypatch.setattr(probes, "DNS_TIMEOUT_SECONDS", 0.3)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:  # bound, never answers
        silent.bind((LOOPBACK, 0))
        started = time.monotonic()
        status, detail = run(
            lambda: probes.check_address(Endpoint(LOOPBACK, silent.getsockname()[1]), ZONE, None)
        )
    assert (status, detail) == (FAIL, "no answer (timed out, 2 tries)")
    assert time.monotonic() - started < 2


def test_https_with_the_internal_ca(pki: Pki) -> None:
    with https_server(pki, {f"muine.{ZONE}"}) as port:
        endpoint = Endpoint(LOOPBACK, port)
        verified = probes.check_https(endpoint, f"muine.{ZONE}", probes.tls_context(str(pki.ca_file)))
        assert (
            verified.status == PASS
            and "HTTP 200" in verified.detail
            and "Test internal CA" in verified.detail
        )
        unknown = probes.check_https(endpoint, f"other.{ZONE}", probes.tls_context(str(pki.ca_file)))
        assert unknown.status == FAIL and "HTTP 404" in unknown.detail
        # without the internal CA the system's trust store does not know it
        status, detail = run(lambda: probes.check_https(endpoint, f"muine.{ZONE}", probes.tls_context(None)))
        assert status == FAIL and detail.startswith("certificate not trusted")


def test_https_to_a_name_the_certificate_does_not_carry_fails(tmp_path: Path, pki: Pki) -> None:
    with https_server(pki, {"portal.example.vn"}) as port:
        status, detail = run(
            lambda: probes.check_https(
                Endpoint(LOOPBACK, port), "portal.example.vn", probes.tls_context(str(pki.ca_file))
            )
        )
    assert status == FAIL and "certificate not trusted" in detail and "Hostname mismatch" in detail


def test_imaps_banner_over_verified_tls(pki: Pki) -> None:
    with greeter(b"* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n", pki.server_context()) as port:
        found = probes.check_imaps(
            Endpoint(LOOPBACK, port), "mail.lamdong.gov.vn", probes.tls_context(str(pki.ca_file))
        )
    assert found.status == PASS and found.detail.startswith("* OK")


def test_smtp_banner_names_the_mail_server() -> None:
    with greeter(b"220 mail.lamdong.gov.vn ESMTP Postfix (Debian/GNU)\r\n") as port:
        assert probes.check_smtp(Endpoint(LOOPBACK, port), "mail.lamdong.gov.vn").status == PASS
        wrong = probes.check_smtp(Endpoint(LOOPBACK, port), "mx.lamdong.gov.vn")
    assert wrong.status == FAIL and "announces mail.lamdong.gov.vn" in wrong.detail
    with greeter(b"554 go away\r\n") as port:
        assert probes.check_smtp(Endpoint(LOOPBACK, port), "mail.lamdong.gov.vn").status == FAIL


def test_nothing_listening_is_a_fail_not_a_crash() -> None:
    status, detail = run(lambda: probes.check_smtp(Endpoint(LOOPBACK, closed_port()), "mail.lamdong.gov.vn"))
    assert status == FAIL and "refused" in detail.lower()


def test_the_control_node_pings_itself_or_says_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from controller.check import reach as reach_module
    from controller.check.reach import Unreachable

    assert Reach().endpoint("ns1", "10.240.0.11", 53) == Endpoint("10.240.0.11", 53)  # no probe sent
    if shutil.which("ping") is not None:
        assert Reach().ping("self", LOOPBACK)
    monkeypatch.setattr(reach_module.shutil, "which", lambda _name: None)
    with pytest.raises(Unreachable, match="iputils-ping"):
        Reach().ping("self", LOOPBACK)
