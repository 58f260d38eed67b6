"""Benchmark: import + validate + allocate + render for the whole country, and ansible-inventory load time.

Run from the repository root (ansible.cfg there ignores the workspace's non-inventory files):

    .venv/bin/python bench/bench_controller.py              # both parts
    .venv/bin/python bench/bench_controller.py --skip-ansible

Part 1 runs the controller's pipeline in-process for all 34 provinces into a
temporary folder (the same functions the CLI verbs call) and reports wall time
and peak RSS. Part 2 times `ansible-inventory -i DIR --list` on workspaces of
growing size (10 and 45 communes, all of Lâm Đồng, the largest province). Not a test:
numbers depend on the machine; results are recorded in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from controller.allocate import allocate_workspace, validated_inputs  # noqa: E402
from controller.mapping_io import mapping_to_yaml  # noqa: E402
from controller.model import Mapping  # noqa: E402
from controller.province import province_template  # noqa: E402
from controller.render import build_inventory, write_workspace  # noqa: E402
from controller.sources import dataset  # noqa: E402
from controller.workspace import Workspace  # noqa: E402
from controller.yamlio import atomic_write  # noqa: E402

PHASES = {"import": 0.0, "validate": 0.0, "allocate": 0.0, "render (tree + contrib)": 0.0, "write": 0.0}


def pipeline(mapping: Mapping, directory: Path) -> tuple[int, int]:
    """import (write mapping.yml + province.yml) -> validate -> allocate -> render; (communes, files)."""
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        PHASES[phase] += now - clock
        clock = now

    workspace = Workspace(directory)
    atomic_write(workspace.mapping_path, mapping_to_yaml(mapping))
    atomic_write(workspace.province_path, province_template(mapping))
    lap("import")
    inputs = validated_inputs(workspace)
    lap("validate")
    with workspace.lock():
        _state, allocations, _changed = allocate_workspace(workspace, inputs, write=True)
        lap("allocate")
        tree, files = build_inventory(workspace, inputs.mapping, inputs.province, allocations)
        lap("render (tree + contrib)")
        write_workspace(workspace.dir, tree, files, allocations)
        lap("write")
    return len(allocations.communes), len(files)


def subset(mapping: Mapping, communes: int) -> Mapping:
    """The first `communes` new units (by code) and their old units: a smaller province for part 2."""
    codes = sorted(mapping.new_units)[:communes]
    units = {code: mapping.new_units[code] for code in codes}
    olds = {s.old_code for unit in units.values() for s in unit.formed_from}
    # Keep only successions inside the subset so split old units stay consistent.
    return Mapping(
        province=mapping.province,
        new_units=units,
        old_units={code: mapping.old_units[code] for code in olds},
        source=dict(mapping.source),
    )


def part_country(root: Path) -> dict[str, Mapping]:
    started = time.perf_counter()
    provinces = dataset.list_provinces()
    mappings = {name: dataset.load_province(name) for name in provinces}
    loaded = time.perf_counter()
    total_communes = total_files = 0
    for name, mapping in mappings.items():
        communes, files = pipeline(mapping, root / dataset_label(name))
        total_communes += communes
        total_files += files
    finished = time.perf_counter()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024
    cpu = usage.ru_utime + usage.ru_stime  # the machine is shared: CPU time is the steadier figure
    print("## Whole country: import + validate + allocate + render")
    print(f"provinces {len(mappings)}, new communes {total_communes}, files rendered {total_files}")
    print("| dataset read | pipeline (34 workspaces) | total wall | total CPU (process) | peak RSS |")
    print("|---|---|---|---|---|")
    print(
        f"| {loaded - started:.2f} s | {finished - loaded:.2f} s "
        f"| {finished - started:.2f} s | {cpu:.2f} s | {peak_mb:.0f} MB |"
    )
    print()
    print("| " + " | ".join(PHASES) + " |")
    print("|" + "---|" * len(PHASES))
    print("| " + " | ".join(f"{seconds:.2f} s" for seconds in PHASES.values()) + " |")
    return mappings


def dataset_label(name: str) -> str:
    from controller.names import province_label

    return province_label(name)


def part_ansible(root: Path, mappings: dict[str, Mapping], full_list_limit: int) -> None:
    largest_name = max(mappings, key=lambda name: len(mappings[name].new_units))
    lamdong = next(name for name in mappings if dataset_label(name) == "lamdong")
    cases = [
        ("10 communes (Lâm Đồng subset)", subset(mappings[lamdong], 10)),
        ("45 communes (Bình Thuận part)", dataset.load_province(lamdong, "Bình Thuận")),
        (f"{len(mappings[lamdong].new_units)} communes (all of Lâm Đồng)", mappings[lamdong]),
        (f"{len(mappings[largest_name].new_units)} communes ({largest_name})", mappings[largest_name]),
    ]
    print()
    print("## ansible-inventory -i DIR (from the repository root), wall and CPU of the child")
    print("| workspace | hosts | groups | files size | --graph | --list --export | --list | --list JSON |")
    print("|---|---|---|---|---|---|---|---|")
    for title, mapping in cases:
        directory = root / f"ansible-{len(mapping.new_units)}"
        pipeline(mapping, directory)
        size = sum(p.stat().st_size for p in directory.rglob("*.yml") if "state" not in p.parts)
        graph, _ = _run(["--graph"], directory)
        export, output = _run(["--list", "--export"], directory)
        data = json.loads(output)
        hosts = len(data["_meta"]["hostvars"])
        groups = len([key for key in data if key != "_meta"])
        # --list flattens group_vars/all into every host: O(hosts x old units); skipped when huge.
        full, json_size = ("skipped", "")
        if len(mapping.new_units) <= full_list_limit:
            full, output = _run(["--list"], directory)
            json_size = f"{len(output) / 1024 / 1024:.1f} MB"
        print(
            f"| {title} | {hosts} | {groups} | {size / 1024:.0f} KB "
            f"| {graph} | {export} | {full} | {json_size} |"
        )


def _run(arguments: list[str], directory: Path) -> tuple[str, str]:
    ansible_inventory = Path(sys.executable).parent / "ansible-inventory"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [str(ansible_inventory), "-i", str(directory), *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    warn = " WARNINGS" if "WARNING" in result.stderr else ""
    return f"{wall:.1f} s ({cpu:.1f} s CPU){warn}", result.stdout


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-ansible", action="store_true", help="only the controller pipeline")
    parser.add_argument("--keep", type=Path, help="render into this folder instead of a temporary one")
    parser.add_argument(
        "--full-list-limit",
        type=int,
        default=45,
        help="run plain --list only up to this many communes (default 45)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mergectl-bench-") as temporary:
        root = args.keep or Path(temporary)
        mappings = part_country(root)
        if not args.skip_ansible:
            part_ansible(root, mappings, args.full_list_limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
