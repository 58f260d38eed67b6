"""Servers on 127.0.0.1 that `mergectl check`'s tests start themselves: an authoritative DNS
responder (dnspython), an HTTPS server, an IMAPS and an SMTP greeter, with a CA made here.
Nothing here listens on or talks to any other address."""

from __future__ import annotations

import datetime as dt
import http.server
import ipaddress
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from controller.check.reach import Endpoint, Reach, Unreachable

LOOPBACK = "127.0.0.1"

# name -> rdtype -> records (text form), one zone per responder
Records = Mapping[str, Mapping[str, list[str]]]


class _DnsHandler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data, sock = self.request
        query = dns.message.from_wire(data)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        question = query.question[0]
        name = question.name.to_text().rstrip(".").lower()
        records: Records = self.server.records  # type: ignore[attr-defined]
        if name not in records:
            response.set_rcode(dns.rcode.NXDOMAIN)
        else:
            rdtype = dns.rdatatype.to_text(question.rdtype)
            values = records[name].get(rdtype, [])
            if values:
                response.answer.append(dns.rrset.from_text_list(question.name, 300, "IN", rdtype, values))
        sock.sendto(response.to_wire(), self.client_address)


class _DnsServer(socketserver.ThreadingUDPServer):
    daemon_threads = True

    def __init__(self, records: Records) -> None:
        super().__init__((LOOPBACK, 0), _DnsHandler)
        self.records = records


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[int]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        address: Any = server.server_address
        yield int(address[1])
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def dns_server(records: Records) -> Iterator[int]:
    with serving(_DnsServer(records)) as port:
        yield port


# A CA and a server certificate -----------------------------------------------------------------


@dataclass(frozen=True)
class Pki:
    ca_file: Path
    cert_file: Path
    key_file: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file, self.key_file)
        return context


def _alt_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def make_pki(folder: Path, names: list[str], ca_name: str = "Test internal CA") -> Pki:
    """A CA and a server certificate it signs for `names` (host names or IP addresses)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ca_name)])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_subject)
        .issuer_name(ca_subject)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca_subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([_alt_name(n) for n in names]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    folder.mkdir(parents=True, exist_ok=True)
    pki = Pki(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    pki.ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return pki


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 200 if self.headers.get("Host", "") in self.server.hosts else 404  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


class _HttpsServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, pki: Pki, hosts: set[str]) -> None:
        super().__init__((LOOPBACK, 0), _Ok)
        self.hosts = hosts
        self.socket = pki.server_context().wrap_socket(self.socket, server_side=True)


@contextmanager
def https_server(pki: Pki, hosts: set[str]) -> Iterator[int]:
    with serving(_HttpsServer(pki, hosts)) as port:
        yield port


class _Greeter(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        connection: socket.socket = self.request
        context: ssl.SSLContext | None = self.server.tls  # type: ignore[attr-defined]
        try:
            if context is not None:
                connection = context.wrap_socket(connection, server_side=True)
            connection.sendall(self.server.banner)  # type: ignore[attr-defined]
            connection.settimeout(2)
            connection.recv(64)  # until the client goes
        except (OSError, ssl.SSLError):
            pass


class _GreeterServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, banner: bytes, tls: ssl.SSLContext | None) -> None:
        super().__init__((LOOPBACK, 0), _Greeter)
        self.banner = banner
        self.tls = tls


@contextmanager
def greeter(banner: bytes, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """A server that says `banner` first (SMTP's 220, IMAP's * OK), over TLS when given."""
    with serving(_GreeterServer(banner, tls)) as port:
        yield port


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


class LoopbackReach(Reach):
    """Every service of the checked province at 127.0.0.1, on the ports these tests opened:
    (host, service port) -> loopback port. Pings answer except to the addresses in `down`."""

    vantage = "the test"

    def __init__(self, ports: Mapping[tuple[str, int], int], down: frozenset[str] = frozenset()) -> None:
        self.ports = dict(ports)
        self.down = down
        self.pinged: list[str] = []

    def endpoint(self, host: str | None, address: str, port: int) -> Endpoint:
        if (str(host), port) not in self.ports:
            raise Unreachable(f"{host}:{port} is not served in this test")
        return Endpoint(LOOPBACK, self.ports[(str(host), port)])

    def ping(self, host: str | None, address: str) -> bool:
        self.pinged.append(address)
        return address not in self.down
