"""`mergectl import`: write (or update) a province workspace from the national dataset or a CSV."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from controller.errors import InvalidInput, UserError
from controller.mapping_io import mapping_changes, mapping_to_yaml, read_mapping
from controller.model import Mapping
from controller.names import province_key
from controller.workspace import Workspace
from controller.yamlio import atomic_write

EXAMPLES = """examples:
  mergectl import --province "Lâm Đồng" --only-old-province "Bình Thuận" -o inventories/binhthuan
  mergectl import --province "lam dong" -o inventories/lamdong
  mergectl import --csv mapping.csv -o inventories/lamdong
  mergectl import --list

Re-importing into an existing workspace rewrites mapping.yml, lists what changed
and keeps province.yml, state/, staff/ and reports/ untouched. DIR/.gitignore keeps
.vault-pass and other never-to-commit files out of the province's repository
(missing entries are added; your own lines stay)."""


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="create or update a province workspace from the national dataset or a CSV",
        description="Write DIR/mapping.yml (the reviewed source of truth) and, if absent, a commented "
        "DIR/province.yml. Nothing is written when the input has any problem.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--province", metavar="NAME",
                        help="new province (34-province map), with or without diacritics, any case")
    source.add_argument("--csv", type=Path, metavar="FILE", help="CSV in the interchange format (see README)")
    source.add_argument("--list", action="store_true",
                        help="list the 34 new provinces and the old provinces each was formed from")
    parser.add_argument("--only-old-province", metavar="NAME",
                        help="keep only the old units of this old province and the new units they go to")
    parser.add_argument("-o", "--output", type=Path, metavar="DIR", help="workspace folder to write")
    parser.set_defaults(handler=run)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _list_provinces() -> int:
    from controller.sources.dataset import list_formed_from

    for province, old_provinces in list_formed_from().items():
        print(f"{province}: {', '.join(old_provinces)}")
    return 0


def _read_source(args: argparse.Namespace) -> Mapping:
    if args.csv is not None:
        from controller.sources.csvfile import read_csv

        if args.only_old_province:
            raise UserError("--only-old-province applies to --province imports; filter the CSV itself")
        _progress(f"reading {args.csv}...")
        mapping, diagnostics = read_csv(args.csv)
        if mapping is None or diagnostics:
            raise InvalidInput(diagnostics)
        return mapping
    from controller.sources.dataset import dataset_version, load_province

    scope = f" (old province {args.only_old_province} only)" if args.only_old_province else ""
    _progress(f"reading the vietnamadminunits {dataset_version()} dataset for {args.province}{scope}...")
    return load_province(args.province, args.only_old_province)


def _previous_mapping(ws: Workspace, mapping: Mapping) -> Mapping | None:
    """The workspace's current mapping, after checking it is the same province; None when there is none."""
    if not ws.mapping_path.exists():
        return None
    previous, diagnostics = read_mapping(ws.mapping_path)
    if previous is None:
        _progress(f"note: the current {ws.mapping_path} has {len(diagnostics)} problem(s); "
                  "it is replaced as a whole, so changes cannot be listed")
        return None
    if province_key(previous.province) != province_key(mapping.province):
        raise UserError(f"{ws.dir} is the workspace of {previous.province}, not {mapping.province}; "
                        "import into another folder")
    return previous


def _write_province_template(ws: Workspace, mapping: Mapping) -> None:
    if ws.province_path.exists():
        return
    from controller import province as province_module

    atomic_write(ws.province_path, province_module.province_template(mapping, ws.dir))
    print(f"wrote {ws.province_path} (commented defaults: review the domain, pools and sites)")


def _check_province_against(ws: Workspace, mapping: Mapping) -> None:
    """After a re-import, say if the kept province.yml no longer fits the new mapping (not fatal)."""
    from controller import province as province_module

    _, diagnostics = province_module.load_province(ws.province_path, mapping)
    if diagnostics:
        count = len(diagnostics)
        _progress(f"warning: the kept {ws.province_path} has {count} problem(s) with the new mapping:")
        for diagnostic in diagnostics:
            _progress(f"  {diagnostic}")
        _progress(f"fix them, then run `mergectl validate {ws.dir}`")


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list_provinces()
    if args.output is None:
        raise UserError("import needs -o DIR (the workspace folder to write)")
    if args.output.exists() and not args.output.is_dir():
        raise UserError(f"-o {args.output}: is a file, not a folder; give -o a new folder or an existing "
                        "workspace (the folder holding mapping.yml)")
    mapping = _read_source(args)
    districts = len(mapping.old_districts())
    _progress(f"importing {len(mapping.new_units):,} new units of {mapping.province} formed from "
              f"{len(mapping.old_units):,} old units in {districts:,} old districts...")
    ws = Workspace(args.output)
    previous = _previous_mapping(ws, mapping)
    text = mapping_to_yaml(mapping)
    with ws.lock():
        atomic_write(ws.mapping_path, text)
        print(f"wrote {ws.mapping_path}")
        had_province = ws.province_path.exists()
        _write_province_template(ws, mapping)
        from controller import gitignore

        added = gitignore.ensure(ws.dir)
        if added:
            print(f"wrote {ws.dir / gitignore.FILE_NAME} (never committed: {', '.join(added)})")
    if previous is not None:
        changes = mapping_changes(previous, mapping)
        if changes:
            print(f"{len(changes)} change(s) since the previous mapping:")
            for change in changes:
                print(f"  {change}")
        else:
            print("no changes since the previous mapping")
    if had_province:
        print(f"kept {ws.province_path} (yours); state/ and staff/ untouched")
        _check_province_against(ws, mapping)
    print(f"next: mergectl validate {ws.dir}")
    return 0
