"""`mergectl report --mail`: province.yml's `report:` section, and the report sent over verified
STARTTLS to a server the test starts on 127.0.0.1 (Vietnamese subject, text body, HTML attached)."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest
import smtp_stub
from conftest import edit_text

from controller.cli import main

SMALL = Path(__file__).parent / "fixtures" / "import" / "small.csv"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(SMALL), "-o", str(out)]) == 0
    return out


@pytest.fixture
def stub(tmp_path: Path) -> Iterator[smtp_stub.Stub]:
    folder = tmp_path / "smtp"
    folder.mkdir()
    server_stub, server = smtp_stub.start(folder)
    yield server_stub
    server.shutdown()
    server.server_close()


def configure(workspace: Path, stub: smtp_stub.Stub, **smtp: object) -> None:
    settings = {
        "host": stub.host,
        "port": stub.port,
        "ca_file": str(stub.ca_file),
        "server_name": "mail.lamdong.gov.vn",
        **smtp,
    }
    inline = ", ".join(f"{key}: {value}" for key, value in settings.items() if value is not None)
    with (workspace / "province.yml").open("a", encoding="utf-8") as handle:
        handle.write(
            "report:\n  mail_to: [vanphong@sokhcn.lamdong.gov.vn, lanhdao@lamdong.gov.vn]\n"
            f"  mail_from: mergectl@lamdong.gov.vn\n  smtp: {{{inline}}}\n"
        )


def test_the_report_arrives_over_verified_starttls(workspace: Path, stub: smtp_stub.Stub, capsys) -> None:
    configure(workspace, stub)
    assert main(["report", str(workspace), "--mail", "--today", "2025-06-12"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""  # --mail alone prints no report
    assert "sent the report to vanphong@sokhcn.lamdong.gov.vn, lanhdao@lamdong.gov.vn" in captured.err
    [received] = stub.messages
    assert received.tls and received.sender == "mergectl@lamdong.gov.vn"
    assert received.recipients == ["vanphong@sokhcn.lamdong.gov.vn", "lanhdao@lamdong.gov.vn"]
    message = email.message_from_bytes(received.data, policy=email.policy.default)
    assert message["Subject"] == "Báo cáo tiến độ CNTT sau sáp nhập - Lâm Đồng - ngày 12/06/2025"
    assert message["Message-ID"] in captured.err
    body = message.get_body(("plain",))
    assert body is not None and "Kính gửi Sở Khoa học và Công nghệ" in body.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "bao-cao-tien-do-lamdong-2025-06-12.html"
    html = attachment.get_content()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in html


def test_english_on_request_and_the_report_also_written(
    workspace: Path, stub: smtp_stub.Stub, tmp_path: Path
) -> None:
    configure(workspace, stub)
    out = tmp_path / "report.html"
    assert (
        main(
            [
                "report",
                str(workspace),
                "--mail",
                "--lang",
                "en",
                "--format",
                "html",
                "-o",
                str(out),
                "--today",
                "2025-06-12",
            ]
        )
        == 0
    )
    message = email.message_from_bytes(stub.messages[0].data, policy=email.policy.default)
    assert message["Subject"] == "IT progress report after the mergers - Lâm Đồng - 2025-06-12"
    assert '<html lang="en">' in out.read_text(encoding="utf-8")


def test_an_untrusted_certificate_is_not_sent_to(workspace: Path, stub: smtp_stub.Stub, capsys) -> None:
    configure(workspace, stub, server_name="other.lamdong.gov.vn")
    assert main(["report", str(workspace), "--mail"]) == 5
    err = capsys.readouterr().err
    assert "not sent" in err and "not trusted for 'other.lamdong.gov.vn'" in err
    assert stub.messages == []


def test_no_starttls_no_mail(workspace: Path, stub: smtp_stub.Stub, capsys) -> None:
    stub.starttls = False
    configure(workspace, stub)
    assert main(["report", str(workspace), "--mail"]) == 5
    assert "does not offer STARTTLS" in capsys.readouterr().err and stub.messages == []


def test_a_refused_recipient_is_reported(workspace: Path, stub: smtp_stub.Stub, capsys) -> None:
    stub.refuse = {"lanhdao@lamdong.gov.vn"}
    configure(workspace, stub)
    assert main(["report", str(workspace), "--mail"]) == 5
    assert "refused some recipients: lanhdao@lamdong.gov.vn: 550" in capsys.readouterr().err
    assert stub.messages[0].recipients == ["vanphong@sokhcn.lamdong.gov.vn"]


def test_mail_without_a_report_section_says_how_to_add_it(workspace: Path, capsys) -> None:
    assert main(["report", str(workspace), "--mail"]) == 3
    err = capsys.readouterr().err
    assert f"{workspace / 'province.yml'}: [report] no `report:` section" in err
    assert "mail_to: [" in err and "docs/report.md" in err


def test_report_section_errors_name_file_line_and_key(workspace: Path, capsys) -> None:
    province = workspace / "province.yml"
    line = len(province.read_text(encoding="utf-8").splitlines()) + 1
    with province.open("a", encoding="utf-8") as handle:
        handle.write(
            "report:\n  mail_to: [not-an-address]\n  mail_from: mergectl@lamdong.gov.vn\n"
            "  smtp: {host: mail.lamdong.gov.vn, port: 70000, cafile: ca.pem}\n"
        )
    assert main(["report", str(workspace), "--mail"]) == 3
    err = capsys.readouterr().err
    assert f"province.yml:{line + 1}: [report.mail_to[0]] 'not-an-address' is not a mail address" in err
    assert (
        f"province.yml:{line + 3}: [report.smtp.cafile] unknown key 'cafile'; did you mean 'ca_file'?" in err
    )
    assert "[report.smtp.port] 70000 is out of range 1..65535" in err
    assert "[report.smtp.ca_file] missing: the province CA's certificate" in err
    # `validate` reports the same: the section is part of province.yml.
    assert main(["validate", str(workspace)]) == 3
    assert "unknown key 'cafile'" in capsys.readouterr().err


def test_a_password_comes_from_the_environment_only(
    workspace: Path, stub: smtp_stub.Stub, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MERGECTL_SMTP_PASSWORD", raising=False)
    configure(workspace, stub, username="mergectl")
    assert main(["report", str(workspace), "--mail"]) == 5
    assert "MERGECTL_SMTP_PASSWORD" in capsys.readouterr().err
    edit_text(workspace / "province.yml", "username: mergectl", "password: x")
    assert main(["report", str(workspace), "--mail"]) == 3
    assert "unknown key 'password'" in capsys.readouterr().err
