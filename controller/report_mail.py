"""`mergectl report --mail`: the report sent through the province's own mail server.

The message is a plain-text body (a greeting, the summary and the whole report as Markdown)
with the HTML report attached. Not the HTML as the body: webmail and mail clients strip a
body's <style> and inline SVG, so the map and the layout would be lost; the attachment opens
in any browser, offline, exactly as generated, and is what gets forwarded and printed.
STARTTLS is mandatory and verified against the province's CA (province.yml report.smtp.ca_file).
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from controller.province.report_settings import PASSWORD_ENV, ReportSettings
from controller.report_render.labels import Labels
from controller.report_render.markdown import render_view_markdown, summary_lines
from controller.report_render.view import build_view

TIMEOUT = 30


class MailFailed(Exception):
    """The server did not take the report (unreachable, TLS refused or unverified, recipients refused)."""


def attachment_name(data: dict[str, Any], lang: str) -> str:
    province = data.get("province")
    code = province.get("code") if isinstance(province, dict) else None
    stem = "bao-cao-tien-do" if lang == "vi" else "progress-report"
    return "-".join(part for part in (stem, code, str(data.get("today") or "")) if part) + ".html"


def build_message(
    data: dict[str, Any], html: str, lang: str, settings: ReportSettings, now: dt.datetime | None = None
) -> EmailMessage:
    view = build_view(data, lang)
    labels: Labels = view.labels
    message = EmailMessage()
    message["Subject"] = labels("mail_subject", province=view.province, date=labels.date(view.today))
    message["From"] = settings.mail_from
    message["To"] = ", ".join(settings.mail_to)
    message["Date"] = format_datetime(now or dt.datetime.now().astimezone())
    message["Message-ID"] = make_msgid("report", domain=settings.mail_from.rsplit("@", 1)[-1])
    message["Content-Language"] = lang
    body = "\n".join(
        [
            labels("mail_body_intro", date=labels.date(view.today)),
            "",
            *summary_lines(view),
            "",
            "-" * 72,
            "",
            render_view_markdown(view),
        ]
    )
    message.set_content(body, subtype="plain", charset="utf-8")
    message.add_attachment(
        html.encode("utf-8"), maintype="text", subtype="html", filename=attachment_name(data, lang)
    )
    return message


class _AddressedSMTP(smtplib.SMTP):
    """Connects to `address` while STARTTLS verifies the certificate for the name `connect` was given:
    the control node may reach the server by address without the province's DNS."""

    def __init__(self, address: str, timeout: float) -> None:
        self._address = address
        super().__init__(timeout=timeout)

    def connect(
        self, host: str = "localhost", port: int = 0, source_address: Any = None
    ) -> tuple[int, bytes]:
        # smtplib takes the name STARTTLS verifies from the constructor's host, not from connect().
        self._host = host
        return super().connect(host, port, source_address)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return socket.create_connection((self._address, port), timeout, self.source_address)


def send(message: EmailMessage, settings: ReportSettings, workspace: Path) -> None:
    """Send over SMTP with verified STARTTLS; MailFailed says what went wrong and where."""
    ca_file = settings.ca_file if settings.ca_file.is_absolute() else workspace / settings.ca_file
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        context = ssl.create_default_context(cafile=str(ca_file))
    except (OSError, ssl.SSLError) as error:
        raise MailFailed(
            f"province.yml report.smtp.ca_file {ca_file}: cannot be read as a CA certificate ({error})"
        ) from None
    password = os.environ.get(PASSWORD_ENV, "")
    if settings.username and not password:
        raise MailFailed(
            f"province.yml report.smtp.username is {settings.username!r}: set its password in "
            f"the environment variable {PASSWORD_ENV}"
        )
    try:
        with _AddressedSMTP(settings.smtp_host, TIMEOUT) as smtp:
            smtp.connect(settings.server_name, settings.smtp_port)
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise MailFailed(f"{where} does not offer STARTTLS: the report is not sent in clear")
            smtp.starttls(context=context)
            smtp.ehlo()
            if settings.username:
                smtp.login(settings.username, password)
            refused = smtp.send_message(message)
    except ssl.SSLCertVerificationError as error:
        raise MailFailed(
            f"{where}: its certificate is not trusted for {settings.server_name!r} by {ca_file} "
            f"({error.verify_message})"
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        raise MailFailed(f"{where} refused every recipient: {_refusals(error.recipients)}") from None
    except smtplib.SMTPResponseException as error:
        raise MailFailed(f"{where} answered {error.smtp_code} {_text(error.smtp_error)}") from None
    except (OSError, smtplib.SMTPException) as error:
        raise MailFailed(f"{where}: {error}") from None
    if refused:
        raise MailFailed(f"{where} refused some recipients: {_refusals(refused)} (the others got it)")


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _refusals(recipients: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{address}: {code} {_text(reason)}" for address, (code, reason) in recipients.items())
