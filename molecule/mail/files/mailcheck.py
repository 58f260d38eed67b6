#!/usr/bin/env python3
"""Client-side mail checks for the mail scenario: send over SMTP, read back over IMAPS.

Runs on the client container; talks only to the scenario's mail and name servers.
Exit 0 when the check holds, 1 otherwise (with the reason on stderr).
"""

import argparse
import email
import email.policy
import imaplib
import smtplib
import ssl
import sys
import time
from email.message import EmailMessage


def tls_context(cafile: str) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=cafile)


def send(args: argparse.Namespace) -> int:
    message = EmailMessage()
    message["From"] = args.sender
    message["To"] = args.to
    message["Subject"] = args.subject
    message.set_content("Kiểm tra thư sau sáp nhập / post-merger mail check\n")
    with smtplib.SMTP(args.server, args.port, timeout=20) as smtp:
        smtp.ehlo("client.test")
        smtp.starttls(context=tls_context(args.cafile))
        smtp.ehlo("client.test")
        if args.login:
            smtp.login(args.login, args.password)
        smtp.send_message(message)
    return 0


def fetch(args: argparse.Namespace) -> int:
    deadline = time.monotonic() + 30
    while True:
        with imaplib.IMAP4_SSL(args.server, 993, ssl_context=tls_context(args.cafile)) as imap:
            imap.login(args.user, args.password)
            imap.select("INBOX", readonly=True)
            if args.message_id:
                _, found = imap.search(None, "HEADER", "Message-ID", f'"{args.message_id}"')
            else:
                _, found = imap.search(None, "SUBJECT", f'"{args.subject}"')
            numbers = found[0].split()
            if numbers:
                _, data = imap.fetch(numbers[-1], "(RFC822)")
                # The default policy decodes RFC 2047 headers: a Vietnamese subject compares as text.
                parsed = email.message_from_bytes(data[0][1], policy=email.policy.default)
                for header, needle in (item.split("=", 1) for item in args.expect_header):
                    value = " ".join(parsed.get_all(header) or [])
                    if needle not in value:
                        print(f"header {header} lacks {needle!r}: {value!r}", file=sys.stderr)
                        return 1
                if args.expect_attachment and not any(
                    (part.get_filename() or "").endswith(args.expect_attachment)
                    for part in parsed.iter_attachments()
                ):
                    print(f"no attachment named *{args.expect_attachment}", file=sys.stderr)
                    return 1
                if args.verify_dkim_with:
                    return verify_dkim(data[0][1], args.verify_dkim_with)
                return 0
        if time.monotonic() > deadline:
            wanted = f"Message-ID {args.message_id}" if args.message_id else f"subject {args.subject!r}"
            print(f"no message with {wanted} for {args.user}", file=sys.stderr)
            return 1
        time.sleep(1)


def verify_dkim(raw: bytes, name_server: str) -> int:
    """The signature must verify against the key the province's name server publishes: the
    record the zone carries and the key the mail host signs with are the same."""
    import dkim
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [name_server]

    def txt(name: bytes, timeout: int = 5) -> bytes:
        answer = resolver.resolve(name.decode().rstrip("."), "TXT", lifetime=timeout)
        return b"".join(b"".join(record.strings) for record in answer)

    if dkim.verify(raw, dnsfunc=txt):
        return 0
    print(f"DKIM signature does not verify against the key published by {name_server}", file=sys.stderr)
    return 1


def login_refused(args: argparse.Namespace) -> int:
    try:
        with imaplib.IMAP4_SSL(args.server, 993, ssl_context=tls_context(args.cafile)) as imap:
            imap.login(args.user, args.password)
    except imaplib.IMAP4.error:
        return 0
    print(f"{args.user} could log in", file=sys.stderr)
    return 1


def login_accepted(args: argparse.Namespace) -> int:
    with imaplib.IMAP4_SSL(args.server, 993, ssl_context=tls_context(args.cafile)) as imap:
        imap.login(args.user, args.password)
        imap.select("INBOX", readonly=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--cafile", required=True)
    sub = parser.add_subparsers(dest="check", required=True)
    p_send = sub.add_parser("send")
    p_send.add_argument("--port", type=int, default=25)
    p_send.add_argument("--sender", required=True)
    p_send.add_argument("--to", required=True)
    p_send.add_argument("--subject", required=True)
    p_send.add_argument("--login")
    p_send.add_argument("--password")
    p_send.set_defaults(run=send)
    p_fetch = sub.add_parser("fetch")
    p_fetch.add_argument("--user", required=True)
    p_fetch.add_argument("--password", required=True)
    wanted = p_fetch.add_mutually_exclusive_group(required=True)
    wanted.add_argument("--subject")
    wanted.add_argument("--message-id")
    p_fetch.add_argument("--expect-header", action="append", default=[])
    p_fetch.add_argument("--expect-attachment", metavar="SUFFIX", help="a part whose file name ends so")
    p_fetch.add_argument("--verify-dkim-with", metavar="NAME_SERVER")
    p_fetch.set_defaults(run=fetch)
    p_refused = sub.add_parser("login-refused")
    p_refused.add_argument("--user", required=True)
    p_refused.add_argument("--password", required=True)
    p_refused.set_defaults(run=login_refused)
    p_accepted = sub.add_parser("login-accepted")
    p_accepted.add_argument("--user", required=True)
    p_accepted.add_argument("--password", required=True)
    p_accepted.set_defaults(run=login_accepted)
    args = parser.parse_args()
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
