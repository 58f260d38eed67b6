"""Benchmark: what a run of `commune.yml` costs on N lab gateways, with and without Mitogen.

Ansible's own cost per task dominates every run of the product, so the figure that matters
is a run divided by a bare `ansible -m ping` over the same hosts: the ping is the floor (start
Ansible, read the inventory, reach each host once), the rest is the playbook's own work.

For each N (lab gateways of the embedded default, the Bình Thuận part of Lâm Đồng) and each
strategy, on freshly started lab containers:

    ping       ansible -m ansible.builtin.ping over the gateways
    first      mergectl apply --lab --playbook commune (packages installed, everything written)
    re-run     the same again; must report changed=0 (else the row says so)

Run from the repository root after scripts/setup.sh (needs podman and the test bed image):

    .venv/bin/python bench/bench_fleet.py                      # N = 2, 5, 10; both strategies
    .venv/bin/python bench/bench_fleet.py --sizes 2 --strategies mitogen
    .venv/bin/python bench/bench_fleet.py --json results.json  # also the raw figures

Not a test: numbers depend on the machine; results are recorded in bench/README.md. The lab's
containers talk only to each other on the lab's own podman networks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STRATEGIES = {"default": "0", "mitogen": "1"}  # name -> MERGECTL_MITOGEN
PROVINCE = ["--province", "Lâm Đồng", "--only-old-province", "Bình Thuận"]


@dataclass
class Row:
    gateways: int
    strategy: str
    lab_up: float
    ping: float
    first: float
    rerun: float
    rerun_changed: int

    @property
    def first_ratio(self) -> float:
        return self.first / self.ping

    @property
    def rerun_ratio(self) -> float:
        return self.rerun / self.ping


def mergectl(*args: str, env: dict[str, str] | None = None) -> float:
    """Runs a mergectl verb, fails loudly, returns its wall time."""
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "mergectl"), *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(
            f"mergectl {' '.join(args)} failed ({done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return time.perf_counter() - started


def last_summary(workspace: Path) -> dict:
    runs = sorted((workspace / "reports" / "runs").glob("*-commune*/summary.json"))
    return json.loads(runs[-1].read_text())


def ping(workspace: Path, env: dict[str, str]) -> float:
    command = [
        str(BIN / "ansible"),
        "communes:&lab",
        "-i",
        str(workspace),
        "-i",
        str(workspace / "lab" / "hosts.yml"),
        "-m",
        "ansible.builtin.ping",
        "--one-line",
    ]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"ping failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return took


def measure(workspace: Path, gateways: int, strategy: str) -> Row:
    env = {
        **os.environ,
        "MERGECTL_MITOGEN": STRATEGIES[strategy],
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
    }
    mergectl("lab", "down", str(workspace))
    lab_up = mergectl("lab", "up", str(workspace), "--communes", str(gateways), "--no-seed")
    ping_time = min(ping(workspace, env) for _ in range(3))  # the floor: best of three
    first = mergectl("apply", str(workspace), "--lab", "--playbook", "commune", env=env)
    rerun = mergectl("apply", str(workspace), "--lab", "--playbook", "commune", env=env)
    changed = int(last_summary(workspace)["totals"]["changed"])
    row = Row(gateways, strategy, lab_up, ping_time, first, rerun, changed)
    print(
        f"N={gateways:<3} {strategy:<8} lab up {lab_up:6.1f} s  ping {ping_time:5.2f} s  "
        f"first {first:7.1f} s ({row.first_ratio:5.1f}x)  re-run {rerun:6.1f} s ({row.rerun_ratio:4.1f}x, "
        f"changed={changed})",
        flush=True,
    )
    return row


def table(rows: list[Row]) -> str:
    lines = [
        "| gateways | strategy | ping | first run | first / ping | re-run | re-run / ping | re-run changed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.gateways} | {row.strategy} | {row.ping:.2f} s | {row.first:.1f} s "
            f"| {row.first_ratio:.1f}x "
            f"| {row.rerun:.1f} s | {row.rerun_ratio:.1f}x | {row.rerun_changed} |"
        )
    return "\n".join(lines)


def projection(rows: list[Row]) -> str:
    """A straight line through the re-runs of each strategy (seconds per extra gateway), read at
    the province sizes of the plans: 45 new communes (Bình Thuận) and 168 (Hồ Chí Minh City), at
    the ansible.cfg's 20 forks."""
    out = []
    for strategy in sorted({row.strategy for row in rows}):
        points = sorted((row.gateways, row.rerun, row.first) for row in rows if row.strategy == strategy)
        if len(points) < 2:
            continue
        (n0, r0, f0), (n1, r1, f1) = points[0], points[-1]
        rerun_slope, first_slope = (r1 - r0) / (n1 - n0), (f1 - f0) / (n1 - n0)
        for size in (45, 168):
            out.append(
                f"- {strategy}, {size} gateways: re-run about {r1 + rerun_slope * (size - n1):.0f} s, "
                f"first run about {f1 + first_slope * (size - n1):.0f} s"
            )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2,5,10", help="gateway counts (default 2,5,10)")
    parser.add_argument("--strategies", default="default,mitogen", help="default,mitogen")
    parser.add_argument("--workspace", type=Path, help="a rendered workspace to use (default: a fresh one)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    strategies = args.strategies.split(",")
    unknown = set(strategies) - set(STRATEGIES)
    if unknown:
        parser.error(f"unknown strategy {', '.join(sorted(unknown))}; use {', '.join(STRATEGIES)}")

    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as scratch:
        workspace = args.workspace or Path(scratch) / "lamdong"
        if args.workspace is None:
            mergectl("import", *PROVINCE, "-o", str(workspace))
            mergectl("inventory", "-q", str(workspace))
        versions = subprocess.run([str(BIN / "ansible"), "--version"], capture_output=True, text=True).stdout
        print(f"{platform.node()}: {os.cpu_count()} cores, {versions.splitlines()[0]}", flush=True)
        rows: list[Row] = []
        try:
            for size in sizes:
                for strategy in strategies:
                    rows.append(measure(workspace, size, strategy))
        finally:
            mergectl("lab", "down", str(workspace))
    print()
    print(table(rows))
    print()
    print(projection(rows))
    if args.json:
        args.json.write_text(json.dumps([asdict(row) for row in rows], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
