"""Benchmark: how fast and in how much memory bad input is refused, and what the largest accepted
input costs (the limits of controller/limits.py).

    .venv/bin/python bench/bench_inputs.py

Each case runs the real CLI (`python -m controller.cli`) in a child process and reports
its wall time and peak RSS (from wait4). Not a test: numbers depend on the machine;
results are recorded in bench/README.md. tests/test_input_limits.py checks the same
refusals for correctness under a 300 MB `ulimit -v`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from controller.limits import MAPPING_MAX_BYTES, PROVINCE_YML_MAX_BYTES  # noqa: E402
from controller.mapping_io import mapping_to_yaml  # noqa: E402
from controller.model import Mapping, NewUnit, OldUnit, Succession  # noqa: E402
from controller.sources import dataset  # noqa: E402
from controller.sources.csvfile import csv_text  # noqa: E402

BOMB = "".join(
    f"lol{level}: &l{level} [" + ", ".join([f"*l{level - 1}" if level else "lol"] * 10) + "]\n"
    for level in range(10)
)


def run(*args: str) -> tuple[int, float, int]:
    """(exit code, wall seconds, peak RSS in MB) of `mergectl ARGS`."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "controller.cli", *args], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, time.perf_counter() - started, usage.ru_maxrss // 1024


def grown(mapping: Mapping, limit: int, render: Callable[[Mapping], str] = mapping_to_yaml) -> Mapping:
    """`mapping` repeated under new codes, as many whole copies as keep `render` of it under `limit`."""
    copies = max(1, int(limit * 0.9 / len(render(mapping).encode())))  # copies have longer names
    big = Mapping(province=mapping.province, source=dict(mapping.source))
    for copy in range(1, copies + 1):
        for unit in mapping.new_units.values():
            code = str(int(unit.code) + 100_000 * copy)
            new = NewUnit(code, f"{unit.name} {copy}", unit.province)
            for succession in unit.formed_from:
                old = mapping.old_units[succession.old_code]
                old_code = str(int(old.code) + 100_000 * copy)
                big.old_units.setdefault(old_code, OldUnit(old_code, f"{old.name} {copy}", old.district))
                new.formed_from.append(Succession(old_code, succession.primary))
            big.new_units[code] = new
    return big


def main() -> None:
    rows: list[tuple[str, str, int, float, int]] = []
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        bt = root / "bt"
        run("import", "--province", "Lâm Đồng", "--only-old-province", "Bình Thuận", "-o", str(bt))
        rows.append(("Bình Thuận workspace (45 communes)", "validate", *run("validate", str(bt))))

        for name in ("province.yml", "mapping.yml"):
            case = root / f"bomb-{name}"
            subprocess.run(["cp", "-r", str(bt), str(case)], check=True)
            path = case / name
            text = path.read_text(encoding="utf-8").replace("\n---\n", "\n")
            path.write_text(text + BOMB, encoding="utf-8")
            rows.append((f"alias bomb (10^9 nodes) in {name}", "validate", *run("validate", str(case))))

        rows.append(("`import --csv /dev/zero`", "import", *run("import", "--csv", "/dev/zero", "-o",
                                                                 str(root / "zero"))))
        sparse = root / "sparse"
        subprocess.run(["cp", "-r", str(bt), str(sparse)], check=True)
        with (sparse / "province.yml").open("r+b") as handle:
            handle.truncate(47_000_000)
        rows.append(("47 MB province.yml", "validate", *run("validate", str(sparse))))

        # The largest inputs that pass the size check.
        full = root / "full-province"
        subprocess.run(["cp", "-r", str(bt), str(full)], check=True)
        text = (full / "province.yml").read_text(encoding="utf-8")
        issued, number = [], 0
        room = PROVINCE_YML_MAX_BYTES * 0.97 - len(text.encode())
        while len(issued) * 17 < room:
            issued.append(f"    - H36.{number:06d}\n")
            number += 1
        text = text.replace("  issued: []", "  issued:\n" + "".join(issued).rstrip("\n"), 1)
        (full / "province.yml").write_text(text, encoding="utf-8")
        size = (full / "province.yml").stat().st_size / 2**20
        rows.append((f"province.yml of {size:.1f} MiB ({number:,} issued codes)", "validate",
                     *run("validate", str(full))))

        hanoi = dataset.load_province("Hà Nội")
        real = root / "hanoi"
        run("import", "--province", "Hà Nội", "-o", str(real))
        size = (real / "mapping.yml").stat().st_size / 2**10
        rows.append((f"Hà Nội, the largest real mapping.yml ({size:.0f} KiB)", "validate",
                     *run("validate", str(real))))
        big = grown(hanoi, MAPPING_MAX_BYTES)
        huge = root / "huge"
        huge.mkdir()
        (huge / "mapping.yml").write_text(mapping_to_yaml(big), encoding="utf-8")
        subprocess.run(["cp", str(real / "province.yml"), str(huge)], check=True)
        size = (huge / "mapping.yml").stat().st_size / 2**20
        rows.append((f"mapping.yml of {size:.1f} MiB ({len(big.new_units):,} units)", "validate",
                     *run("validate", str(huge))))
        csv = root / "big.csv"
        csv.write_text(csv_text(grown(hanoi, MAPPING_MAX_BYTES, csv_text)), encoding="utf-8")
        size = csv.stat().st_size / 2**20
        rows.append((f"mapping CSV of {size:.1f} MiB", "import", *run("import", "--csv", str(csv), "-o",
                                                                        str(root / "from-csv"))))

    print("| input | verb | exit | wall | peak RSS |")
    print("|---|---|---|---|---|")
    for what, verb, code, seconds, rss in rows:
        print(f"| {what} | {verb} | {code} | {seconds:.2f} s | {rss} MB |")


if __name__ == "__main__":
    main()
