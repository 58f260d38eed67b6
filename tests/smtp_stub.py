"""A tiny SMTP server on 127.0.0.1 for the tests of `mergectl report --mail`: EHLO, STARTTLS with a
certificate made for the test, MAIL, RCPT (refusing the addresses it is told to), DATA, QUIT.
The standard library has no SMTP server any more and aiosmtpd is not among the test tools."""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path

from check_servers import make_pki


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes
    tls: bool


@dataclass
class Stub:
    host: str
    port: int
    ca_file: Path
    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    starttls: bool = True


class _Handler(socketserver.BaseRequestHandler):
    stub: Stub
    context: ssl.SSLContext

    def _send(self, line: str) -> None:
        self.connection.sendall(line.encode() + b"\r\n")

    def _line(self) -> str:
        return self.reader.readline().decode("utf-8", "replace").rstrip("\r\n")

    def handle(self) -> None:
        self.connection: socket.socket = self.request
        self.reader = self.connection.makefile("rb")
        tls, sender, recipients = False, "", []
        self._send("220 stub.test ESMTP")
        while True:
            line = self._line()
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                extensions = ["8BITMIME"] + (["STARTTLS"] if self.stub.starttls and not tls else [])
                for extension in extensions[:-1]:
                    self._send(f"250-{extension}")
                self._send(f"250 {extensions[-1]}")
            elif line.upper() == "STARTTLS" and self.stub.starttls:
                self._send("220 go ahead")
                self.connection = self.context.wrap_socket(self.connection, server_side=True)
                self.reader = self.connection.makefile("rb")
                tls = True
            elif verb == "MAIL":
                sender = line.split(":", 1)[1].strip().split()[0].strip("<>")
                self._send("250 ok")
            elif verb == "RCPT":
                address = line.split(":", 1)[1].strip().strip("<>")
                if address in self.stub.refuse:
                    self._send("550 5.1.1 no such mailbox")
                else:
                    recipients.append(address)
                    self._send("250 ok")
            elif verb == "DATA":
                self._send("354 end with .")
                body = []
                while (chunk := self.reader.readline()) not in (b".\r\n", b""):
                    body.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                self.stub.messages.append(Received(sender, recipients, b"".join(body), tls))
                self._send("250 queued")
            elif verb == "QUIT" or not line:
                self._send("221 bye")
                return
            else:
                self._send("502 not here")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def start(folder: Path, name: str = "mail.lamdong.gov.vn") -> tuple[Stub, _Server]:
    # The province's CA and the mail server's certificate, valid for its name and 127.0.0.1.
    pki = make_pki(folder, [name, "127.0.0.1"], ca_name=f"{name} test CA")
    context = pki.server_context()
    server = _Server(("127.0.0.1", 0), _Handler)
    stub = Stub("127.0.0.1", server.server_address[1], pki.ca_file)
    _Handler.stub, _Handler.context = stub, context
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return stub, server
