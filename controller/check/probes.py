"""The probes: ask a service one question, with short bounded timeouts, and judge the answer.

Each `check_*` returns an `Outcome`; a service that does not answer raises (OSError, a DNS or
TLS error), which the runner turns into a FAIL naming the error.
"""

from __future__ import annotations

import http.client
import smtplib
import socket
import ssl
from dataclasses import dataclass
from typing import Any

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from controller.check.reach import Endpoint
from controller.check.results import FAIL, PASS, SKIP

DNS_TIMEOUT_SECONDS = 2.0
DNS_TRIES = 2
CONNECT_TIMEOUT_SECONDS = 5.0
BANNER_MAX_BYTES = 1024

# What a probe may raise when the service does not answer as a service should.
PROBE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # refused, timed out, unreachable; ssl.SSLError is one too
    dns.exception.DNSException,
    http.client.HTTPException,
    smtplib.SMTPException,
)


class ProbeError(Exception):
    """The service answered, but not with what a probe can read."""


@dataclass(frozen=True)
class Outcome:
    status: str
    detail: str


def passed(detail: str) -> Outcome:
    return Outcome(PASS, detail)


def failed(detail: str) -> Outcome:
    return Outcome(FAIL, detail)


def skipped(detail: str) -> Outcome:
    return Outcome(SKIP, detail)


# DNS -------------------------------------------------------------------------------------------


def ask(endpoint: Endpoint, name: str, rdtype: str) -> list[str]:
    """The authoritative answer for `name`/`rdtype` at the server (no recursion asked): the
    records' text, [] for NOERROR without one. NXDOMAIN, a refusal or a non-authoritative
    answer raise ProbeError; no answer after DNS_TRIES raises dns.exception.Timeout."""
    query = dns.message.make_query(name, rdtype)
    query.flags &= ~dns.flags.RD
    response: dns.message.Message | None = None
    for attempt in range(DNS_TRIES):
        try:
            response, _ = dns.query.udp_with_fallback(
                query, endpoint.address, timeout=DNS_TIMEOUT_SECONDS, port=endpoint.port
            )
            break
        except dns.exception.Timeout:
            if attempt == DNS_TRIES - 1:
                raise
    assert response is not None
    rcode = response.rcode()
    if rcode != dns.rcode.NOERROR:
        raise ProbeError(f"{dns.rcode.to_text(rcode)} for {name} {rdtype}")
    if not response.flags & dns.flags.AA:
        raise ProbeError(f"not authoritative for {name} (does it serve the zone?)")
    wanted = dns.rdatatype.from_text(rdtype)
    return [_rdata_text(rdata) for rrset in response.answer if rrset.rdtype == wanted for rdata in rrset]


def _rdata_text(rdata: object) -> str:
    strings = getattr(rdata, "strings", None)
    if strings is not None:  # TXT: one string however the server split it
        return b"".join(strings).decode("utf-8", "replace")
    return str(rdata)


def soa_serial(endpoint: Endpoint, zone: str) -> int:
    found = ask(endpoint, zone, "SOA")
    if not found:
        raise ProbeError(f"no SOA for {zone}")
    return int(found[0].split()[2])


def check_serials(
    primary: Endpoint, primary_name: str, other: Endpoint, other_name: str, zone: str
) -> Outcome:
    serial = soa_serial(primary, zone)
    if other == primary:
        return passed(f"serial {serial} at {primary_name}")
    theirs = soa_serial(other, zone)
    if theirs == serial:
        return passed(f"serial {serial} at {primary_name} and {other_name}")
    return failed(f"serial {serial} at {primary_name} but {theirs} at {other_name} (transfer not done?)")


def check_address(endpoint: Endpoint, name: str, expected: str | None) -> Outcome:
    found = ask(endpoint, name, "A")
    if not found:
        return failed("no A record")
    if expected is not None and expected not in found:
        return failed(f"A {', '.join(found)}, expected {expected}")
    return passed(f"A {', '.join(found)}")


def check_mx(endpoint: Endpoint, domain: str, exchange: str) -> Outcome:
    found = ask(endpoint, domain, "MX")
    hosts = [record.split()[-1].rstrip(".").lower() for record in found]
    if exchange.rstrip(".").lower() in hosts:
        return passed(f"MX {', '.join(found)}")
    return failed(f"MX {', '.join(found) or 'none'}, expected {exchange}")


def check_dkim(endpoint: Endpoint, name: str) -> Outcome:
    """A DKIM key record: v=DKIM1 (or no version tag, RFC 6376 3.6.1) and a non-empty p=."""
    found = ask(endpoint, name, "TXT")
    for text in found:
        tags = dict(
            (key.strip(), value.strip())
            for key, _, value in (part.partition("=") for part in text.split(";"))
            if key.strip()
        )
        if tags.get("v", "DKIM1") == "DKIM1" and tags.get("p"):
            return passed(f"TXT v=DKIM1, key of {len(tags['p'])} base64 characters")
    if found:
        return failed(f"TXT without a DKIM key: {found[0][:60]}")
    return failed("no TXT record: the key is not published")


# TLS services ----------------------------------------------------------------------------------


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Verification against the internal CA when given, else the system's trust store."""
    return ssl.create_default_context(cafile=ca_file)


def _tls_socket(endpoint: Endpoint, server_name: str, context: ssl.SSLContext) -> ssl.SSLSocket:
    raw = socket.create_connection((endpoint.address, endpoint.port), timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        return context.wrap_socket(raw, server_hostname=server_name)
    except BaseException:
        raw.close()
        raise


def _issuer(tls: ssl.SSLSocket) -> str:
    certificate: dict[str, Any] = dict(tls.getpeercert() or {})
    # issuer: a tuple of RDNs, each a tuple of (attribute, value) pairs
    for rdn in certificate.get("issuer", ()):
        for key, value in rdn:
            if key == "commonName":
                return str(value)
    return "?"


def check_https(endpoint: Endpoint, fqdn: str, context: ssl.SSLContext) -> Outcome:
    """GET https://fqdn/ at the endpoint: the certificate verified for fqdn, then 2xx."""
    tls = _tls_socket(endpoint, fqdn, context)
    connection = http.client.HTTPConnection(fqdn, endpoint.port, timeout=CONNECT_TIMEOUT_SECONDS)
    connection.sock = tls  # already connected: the name for SNI and Host, the address from the reach
    try:
        issuer = _issuer(tls)
        connection.request("GET", "/", headers={"Host": fqdn, "User-Agent": "mergectl-check"})
        response = connection.getresponse()
        response.read(65536)
        status = response.status
    finally:
        connection.close()
    if 200 <= status < 300:
        return passed(f"HTTP {status}, certificate verified (issuer {issuer})")
    return failed(f"HTTP {status} (certificate verified, issuer {issuer})")


def check_imaps(endpoint: Endpoint, server_name: str, context: ssl.SSLContext) -> Outcome:
    tls = _tls_socket(endpoint, server_name, context)
    try:
        issuer = _issuer(tls)
        banner = _read_line(tls)
    finally:
        tls.close()
    if banner.startswith("* OK"):
        return passed(f"{banner[:60]} (certificate verified, issuer {issuer})")
    return failed(f"banner {banner[:60]!r}, expected '* OK'")


def _read_line(tls: ssl.SSLSocket) -> str:
    data = b""
    while b"\n" not in data and len(data) < BANNER_MAX_BYTES:
        chunk = tls.recv(BANNER_MAX_BYTES)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()


def check_smtp(endpoint: Endpoint, server_name: str) -> Outcome:
    """The 220 greeting, announcing the name receivers see in HELO and the certificate."""
    smtp = smtplib.SMTP(timeout=CONNECT_TIMEOUT_SECONDS)
    try:
        code, message = smtp.connect(endpoint.address, endpoint.port)
    finally:
        smtp.close()
    banner = message.decode("utf-8", "replace").splitlines()[0] if message else ""
    if code != 220:
        return failed(f"{code} {banner[:60]}")
    announced = banner.split()[0].lower() if banner.split() else ""
    if announced != server_name.lower():
        return failed(f"220 {banner[:60]}: announces {announced or 'nothing'}, expected {server_name}")
    return passed(f"220 {banner[:60]}")
