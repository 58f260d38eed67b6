"""`mergectl sites template|import`: the HQ addresses and contacts the districts send (plan 2495 §1.2)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from controller.allocate import validated_inputs
from controller.csvwrite import write_csv
from controller.errors import Diagnostics, InvalidInput
from controller.hq_sites import register as hq_register
from controller.hq_sites.csvfile import TEMPLATE_COLUMNS, merge, read_sheet, template_rows
from controller.workspace import Workspace

TEMPLATE_NAME = "hq-sites-template.csv"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sites",
        help="HQ sites: the sheet the districts fill with addresses and contacts, and importing it",
        description="Every new commune has two HQ sites, the People's Committee's (hq) and the Party "
        "committee's (party), or one (hq) when province.yml lists it in shared_hq. The districts send "
        "their postal addresses and contacts (plan 2495: by the deadline data_lines_requested); "
        "`template` writes the sheet to fill, `import` checks a filled one and merges it into "
        "DIR/registers/hq-sites.yml, which the line-orders and vc-contacts exports read.",
        epilog="examples:\n  mergectl sites template inventories/lamdong\n"
        "  mergectl sites import inventories/lamdong hq-sites-phanthiet.csv\n"
        "  mergectl export line-orders inventories/lamdong",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="sites_action", metavar="ACTION", required=True)
    template = actions.add_parser(
        "template", help="write the sheet to fill: one row per commune and site, with what is known")
    template.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    template.add_argument("-o", "--output", type=Path, metavar="FILE.csv",
                          help=f"where to write it (default DIR/reports/{TEMPLATE_NAME})")
    template.set_defaults(handler=run_template)
    imp = actions.add_parser(
        "import", help="check a filled sheet and merge it into DIR/registers/hq-sites.yml",
        description="Every problem is reported as FILE:LINE and nothing is written (exit 3). Rows are "
        "merged by commune and site: a row updates what the register held for its site (a blank "
        "cell keeps the value held); rows the sheet does not have are kept; template rows left "
        "unfilled are skipped.")
    imp.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    imp.add_argument("sheet", type=Path, metavar="FILE.csv", help="the filled sheet (UTF-8 CSV)")
    imp.set_defaults(handler=run_import)


def run_template(args: argparse.Namespace) -> int:
    workspace = Workspace(args.workspace)
    inputs = validated_inputs(workspace)  # the register is checked with the workspace
    known, _ = hq_register.load(workspace, inputs.mapping, inputs.province)
    rows = template_rows(inputs.mapping, inputs.province, known)
    target = args.output or workspace.reports_dir / TEMPLATE_NAME
    write_csv(target, TEMPLATE_COLUMNS, rows)
    missing = sum(1 for row in rows if not row["postal_address"])
    print(f"wrote {target}: {len(rows)} site(s) of {len(inputs.mapping.new_units)} communes, "
          f"{missing} without a postal address")
    return 0


def run_import(args: argparse.Namespace) -> int:
    workspace = Workspace(args.workspace)
    inputs = validated_inputs(workspace)
    diagnostics = Diagnostics()
    sheet = read_sheet(args.sheet, inputs.mapping, inputs.province, diagnostics, dt.date.today())
    if diagnostics:
        raise InvalidInput(diagnostics)
    with workspace.lock():
        held, found = hq_register.load(workspace, inputs.mapping, inputs.province)
        if found:  # changed since validation (another import finished meanwhile)
            raise InvalidInput(found)
        merged, counts = merge(held, sheet.sites)
        changed = counts["new"] + counts["updated"]
        if changed:
            hq_register.save(workspace, merged)
    sites = [(code, spec) for code in inputs.mapping.new_units for spec in inputs.province.sites_of(code)]
    addressed = sum(1 for code, spec in sites if hq_register.address_of(inputs.province, merged, code, spec))
    target = hq_register.register_path(workspace)
    print(f"{args.sheet}: {len(sheet.sites)} site(s): {counts['new']} new, {counts['updated']} updated, "
          f"{counts['unchanged']} unchanged; {sheet.unfilled} row(s) not filled in")
    print(f"{target}: {'written' if changed else 'unchanged'}; {addressed} of {len(sites)} sites have "
          "a postal address")
    print(f"next: mergectl export line-orders {workspace.dir}")
    return 0
