"""`mergectl survey template|import|report DIR`: the survey of what exists (plans 114 and 2495, I.2).

Departments fill one sheet per kind (portals, video-conference endpoints, data lines, mail
domains, e-ID codes, video-conference equipment); `import` checks a sheet whole and keeps it
in DIR/registers/survey/; `report` says per new commune what its predecessors had and what it
still lacks. See docs/survey.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from controller.survey.kinds import KINDS
from controller.survey.texts import LANGUAGES
from controller.workspace import Workspace


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "survey",
        help="the survey of what exists: sheets to fill in, their import, what each new commune lacks",
        description="Kinds: " + ", ".join(KINDS) + ". See docs/survey.md for the columns.",
        epilog="examples:\n"
        "  mergectl survey template bt\n"
        "  mergectl survey import bt --kind portals bt/registers/templates/portals.csv\n"
        "  mergectl survey report bt --lang en",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="survey_action", metavar="ACTION", required=True)

    template = actions.add_parser(
        "template", help="write the sheets to fill in (CSV, one per kind)",
        description="One CSV per kind, with one row per old unit and old district of mapping.yml "
        "for the kinds they hold (the rows nobody fills in are skipped on import).",
    )
    template.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    template.add_argument("--kind", action="append", choices=list(KINDS), dest="kinds",
                          help="only this kind (repeatable; default every kind)")
    template.add_argument("-o", "--output", type=Path, metavar="FOLDER",
                          help="folder to write to (default DIR/registers/templates)")
    template.set_defaults(handler=run_template)

    importing = actions.add_parser(
        "import", help="check a filled-in sheet and add it to the stored register",
        description="Every problem is reported as FILE:LINE and nothing is written (exit 3). Records "
        "join those already stored; a record with the key of a stored one replaces it.",
    )
    importing.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    importing.add_argument("--kind", required=True, choices=list(KINDS))
    importing.add_argument("sheet", type=Path, metavar="FILE.csv", help="the filled-in sheet (UTF-8 CSV)")
    importing.add_argument("--replace", action="store_true",
                           help="drop the kind's earlier records: the register holds this sheet only")
    importing.set_defaults(handler=run_import)

    report = actions.add_parser(
        "report", help="per new commune: what its predecessors had and what it still lacks",
    )
    report.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    report.add_argument("--json", action="store_true", help="JSON instead of a table")
    report.add_argument("--lang", choices=LANGUAGES, default="vi", help="language of the list (default vi)")
    report.set_defaults(handler=run_report)


def run_template(args: argparse.Namespace) -> int:
    from controller.survey.holders import Holders
    from controller.survey.template import write_templates

    ws = Workspace(args.workspace)
    holders = Holders(ws.load_mapping())
    kinds = [KINDS[name] for name in dict.fromkeys(args.kinds or KINDS)]
    with ws.lock():
        paths = write_templates(kinds, holders, args.output or ws.registers_dir / "templates")
    for path in paths:
        print(f"wrote {path}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from controller.survey.importer import import_sheet

    ws = Workspace(args.workspace)
    done = import_sheet(ws, KINDS[args.kind], args.sheet, replace=args.replace)
    earlier = (f"{done.dropped} earlier record(s) dropped" if args.replace
               else f"{done.added} new, {done.replaced} replaced, {done.kept} kept")
    skipped = f"; {done.unfilled} unfilled template row(s) skipped" if done.unfilled else ""
    print(f"wrote {done.path}: {done.rows} record(s) from {args.sheet.name} ({earlier}){skipped}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from controller.survey.registers import load_survey
    from controller.survey.report import to_json_data, to_text

    survey = load_survey(Workspace(args.workspace))
    if args.json:
        sys.stdout.write(json.dumps(to_json_data(survey, args.lang), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(to_text(survey, args.lang))
    return 0
