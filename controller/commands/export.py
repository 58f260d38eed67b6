"""`mergectl export WHAT DIR`: the lists outside parties need, one module per list."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

from controller import exports


def discover() -> dict[str, ModuleType]:
    found: dict[str, ModuleType] = {}
    for module_info in pkgutil.iter_modules(exports.__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{exports.__name__}.{module_info.name}")
        found[module.NAME] = module
    return dict(sorted(found.items()))


def register(subparsers: argparse._SubParsersAction) -> None:
    modules = discover()
    parser = subparsers.add_parser(
        "export",
        help="write the lists outside parties need (CSV/JSON) into DIR/reports/",
        description="Write an export of the workspace for an outside party.\n\n"
        + "\n".join(f"  {name:<14} {module.HELP}" for name, module in modules.items()),
        epilog="example: mergectl export vc-declaration inventories/lamdong",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("what", choices=sorted(modules), help="which export")
    parser.add_argument("workspace", type=Path, metavar="DIR", help="province workspace")
    parser.add_argument("-o", "--output", type=Path, help="folder to write to (default DIR/reports)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    module = discover()[args.what]
    out_dir = args.output or args.workspace / "reports"
    for path in module.export(args.workspace, out_dir):
        print(f"wrote {path}")
    return 0
