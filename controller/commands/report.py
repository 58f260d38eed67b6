"""`mergectl report DIR`: the weekly progress report to the Department, as a self-contained HTML
page, Markdown or JSON, in Vietnamese (default) or English; `--mail` sends it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from controller.errors import EXIT_FAILED, Diagnostics, InvalidInput, UserError
from controller.mapping_io import read_mapping
from controller.province import load_province
from controller.province.report_settings import ReportSettings
from controller.report import build_report, to_json_data
from controller.report_mail import MailFailed, build_message, send
from controller.report_render import DEFAULT_LANGUAGE, FORMATS, LANGUAGES, render
from controller.values import option_date
from controller.workspace import Workspace
from controller.yamlio import atomic_write

_SECTION_EXAMPLE = (
    "report: {mail_to: [vanphong@sokhcn.<domain>], mail_from: mergectl@<domain>, "
    "smtp: {host: mail.<domain>, port: 25, ca_file: /etc/ssl/certs/<province>-ca.pem}}"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="weekly progress report: tasks against deadlines, communes on a map, failures; --mail sends it",
        description="The progress report of plan 2495 from the workspace's records, the status store and the "
        "last `mergectl check`: per task planned/applied/verified/failed against its deadline, per commune "
        "its workstreams, a map from the coordinates, a timeline, what was retired. Unknown progress is "
        "shown as unknown, never as 0 % (docs/report-data.md). HTML is one self-contained file "
        "(no network needed to read it).",
        epilog="examples:\n  mergectl report inventories/lamdong\n"
        "  mergectl report inventories/lamdong --format html -o inventories/lamdong/reports/bao-cao.html\n"
        "  mergectl report inventories/lamdong --format html --lang en -o progress.html\n"
        "  mergectl report inventories/lamdong --mail      # to province.yml report.mail_to (docs/report.md)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="html (one self-contained page), md (Markdown, the default) or json (the data)",
    )
    parser.add_argument("--json", action="store_true", help="deprecated: --format json")
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help="language of the html/md report and the mail (default: vi)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE (atomically) instead of stdout"
    )
    parser.add_argument("--today", metavar="YYYY-MM-DD", help="report as of this date (default: today)")
    parser.add_argument(
        "--mail",
        action="store_true",
        help="send the report (HTML attached) through the province's mail server to province.yml "
        "report.mail_to; prints the report only with -o or --format",
    )
    parser.set_defaults(handler=run)


def _format(args: argparse.Namespace) -> str | None:
    if args.json:
        if args.format not in (None, "json"):
            raise UserError(
                f"--json and --format {args.format} contradict each other (--json is --format json)"
            )
        print("mergectl report: --json is deprecated, use --format json", file=sys.stderr)
        return "json"
    return args.format


def _settings(ws: Workspace) -> ReportSettings:
    mapping, diagnostics = read_mapping(ws.mapping_path)
    if mapping is None:
        raise InvalidInput(diagnostics)
    if not ws.province_path.is_file():
        problems = Diagnostics()
        problems.add(
            ws.province_path,
            None,
            "missing: --mail reads its `report:` section",
            hint="create it with `mergectl import` and add " + _SECTION_EXAMPLE,
        )
        raise InvalidInput(problems)
    config, diagnostics = load_province(ws.province_path, mapping)
    if config is None:
        raise InvalidInput(diagnostics)
    if config.report is None:
        problems = Diagnostics()
        problems.add(
            ws.province_path,
            None,
            "no `report:` section: --mail does not know where to send the report",
            key="report",
            hint="add " + _SECTION_EXAMPLE + " (docs/report.md)",
        )
        raise InvalidInput(problems)
    return config.report


def _mail(ws: Workspace, settings: ReportSettings, data: dict[str, Any], lang: str) -> int:
    message = build_message(data, render(data, "html", lang), lang, settings)
    try:
        send(message, settings, ws.dir)
    except MailFailed as failed:
        print(f"mergectl report --mail: not sent: {failed}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"sent the report to {', '.join(settings.mail_to)} through {settings.smtp_host}:{settings.smtp_port} "
        f"(Message-ID {message['Message-ID']})",
        file=sys.stderr,
    )
    return 0


def run(args: argparse.Namespace) -> int:
    ws = Workspace(args.workspace)
    ws.require()
    fmt = _format(args)
    today = option_date(args.today, "--today")
    # A missing or wrong `report:` section stops before any work.
    settings = _settings(ws) if args.mail else None
    report, diagnostics = build_report(ws, today)
    if report is None:
        raise InvalidInput(diagnostics)
    data = to_json_data(report)
    if not args.mail or args.output or fmt:
        text = render(data, fmt or "md", args.lang)
        if args.output:
            atomic_write(args.output, text)
            print(f"wrote {args.output}", file=sys.stderr)
        else:
            sys.stdout.write(text)
    return _mail(ws, settings, data, args.lang) if settings is not None else 0
