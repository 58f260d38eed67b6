"""province.yml's `report:` section: where `mergectl report --mail` sends the weekly report.

The report goes through the province's own mail server (the users' network is closed), with
STARTTLS verified against the province's internal CA: there is no plain-text fallback, so
`smtp.ca_file` is required. `smtp.server_name` is the name on the server's certificate when
`smtp.host` is an address the control node reaches without the province's DNS. A login, when
the server wants one (port 587), takes its password from the environment
(MERGECTL_SMTP_PASSWORD), never from province.yml, which is committed.

    report:
      mail_to: [vanphong@sokhcn.lamdong.gov.vn]
      mail_from: mergectl@lamdong.gov.vn
      smtp: {host: mail.lamdong.gov.vn, port: 25, ca_file: /etc/ssl/certs/lamdong-ca.pem}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from controller import values
from controller.yamlio import KeyPath
from controller.yamlreader import YamlReader

SECTION = "report"
PASSWORD_ENV = "MERGECTL_SMTP_PASSWORD"


@dataclass(frozen=True)
class ReportSettings:
    mail_to: tuple[str, ...]
    mail_from: str
    smtp_host: str
    smtp_port: int
    ca_file: Path  # relative paths are resolved against the workspace by the sender
    server_name: str  # the name the certificate must carry
    username: str = ""
    line: int | None = None  # of the `report:` key, for messages about the section


def _address(reader: YamlReader, keypath: KeyPath) -> str:
    text = reader.text(keypath).strip()
    if text and not values.valid_email(text):
        reader.error(
            keypath, f"{text!r} is not a mail address", hint="write name@domain, e.g. so.khcn@lamdong.gov.vn"
        )
        return ""
    return text


def _host(reader: YamlReader, keypath: KeyPath, missing: str) -> str:
    text = reader.text(keypath).strip().lower()
    if not text:
        reader.error(keypath, missing, hint="the province's mail server, e.g. mail.lamdong.gov.vn")
        return ""
    try:
        values.ipv4_address(text)
        return text
    except values.BadValue:
        pass
    if not values.valid_domain(text, minimum_labels=1):
        reader.error(keypath, f"{text!r} is neither a host name nor an IPv4 address")
        return ""
    return text


def read_report_settings(reader: YamlReader) -> ReportSettings | None:
    """The section, or None when province.yml has none (then `--mail` says how to add it)."""
    if reader.get((SECTION,)) is None:
        return None
    reader.mapping((SECTION,))
    recipients: list[str] = []
    raw_to = reader.get((SECTION, "mail_to"))
    if isinstance(raw_to, str):  # one address written without the list brackets
        raw_to = [raw_to]
        recipients = [_address(reader, (SECTION, "mail_to"))]
    elif raw_to is not None:
        for position, _ in enumerate(reader.sequence((SECTION, "mail_to"))):
            recipients.append(_address(reader, (SECTION, "mail_to", position)))
    recipients = [address for address in recipients if address]
    if raw_to is None or not raw_to:
        reader.error(
            (SECTION, "mail_to"),
            "missing: the addresses the report is sent to",
            hint="mail_to: [vanphong@sokhcn.lamdong.gov.vn]",
        )
    sender = _address(reader, (SECTION, "mail_from"))
    if not reader.get((SECTION, "mail_from")):
        reader.error(
            (SECTION, "mail_from"),
            "missing: the sender's address",
            hint="mail_from: mergectl@<province domain>",
        )
    smtp: KeyPath = (SECTION, "smtp")
    reader.mapping(smtp)
    host = _host(reader, (*smtp, "host"), "missing: the mail server's host name or address")
    port = reader.integer((*smtp, "port"), 1, 65535, default=25)
    ca_file = reader.text((*smtp, "ca_file")).strip()
    if not ca_file:
        reader.error(
            (*smtp, "ca_file"),
            "missing: the province CA's certificate (PEM) STARTTLS is verified against",
            hint="ca_file: /etc/ssl/certs/<province>-ca.pem (relative paths: from the workspace)",
        )
    server_name = reader.text((*smtp, "server_name")).strip().lower()
    if server_name and not values.valid_domain(server_name, minimum_labels=1):
        reader.error((*smtp, "server_name"), f"{server_name!r} is not a host name")
    username = reader.text((*smtp, "username")).strip()
    return ReportSettings(
        mail_to=tuple(recipients),
        mail_from=sender,
        smtp_host=host,
        smtp_port=port or 25,
        ca_file=Path(ca_file),
        server_name=server_name or host,
        username=username,
        line=reader.lines.line((SECTION,)),
    )
