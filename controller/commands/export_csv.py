"""`mergectl export-csv DIR`: the workspace's mapping in the CSV interchange format (lossless round trip)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from controller.csvwrite import strip_bom
from controller.sources.csvfile import csv_text
from controller.workspace import Workspace
from controller.yamlio import atomic_write


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export-csv",
        help="write mapping.yml as a CSV in the interchange format (re-importable)",
        description="Write the workspace's mapping as CSV: columns old_province,old_district,old_unit,"
        "old_code,new_province,new_unit,new_code,primary; one row per (old unit, new unit) pair, "
        "primary written as yes/no, UTF-8 with a BOM (Excel), cells that a spreadsheet would read as "
        "a formula quoted with '. `mergectl import --csv` reads it back unchanged. Standard output "
        "gets the same text without the BOM.",
        epilog="examples:\n  mergectl export-csv inventories/lamdong    # -> DIR/reports/mapping.csv\n"
        "  mergectl export-csv inventories/lamdong -o - | less",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="file to write, - for standard output (default DIR/reports/mapping.csv)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    ws = Workspace(args.workspace)
    mapping = ws.load_mapping()
    text = csv_text(mapping)
    if args.output == "-":
        sys.stdout.write(strip_bom(text))  # a terminal or a pipe, not a spreadsheet
        return 0
    path = Path(args.output) if args.output else ws.reports_dir / "mapping.csv"
    atomic_write(path, text)
    rows = text.count("\n") - 1
    print(f"wrote {path} ({rows:,} rows)")
    return 0
