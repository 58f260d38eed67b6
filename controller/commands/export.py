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
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of the lists people read (default vi); lists for machines "
                             "(a provider's import format) have one form")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    module = discover()[args.what]
    out_dir = args.output or args.workspace / "reports"
    # A list people read (LANGUAGES declared) comes in Vietnamese or English; a machine format has one.
    extra = {"lang": args.lang} if getattr(module, "LANGUAGES", None) else {}
    for path in module.export(args.workspace, out_dir, **extra):
        print(f"wrote {path}")
    return 0
