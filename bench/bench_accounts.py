"""Accounts benchmark: import a large staff list, re-import it, render the inventory.

    .venv/bin/python bench/bench_accounts.py            # 3,000 people in 5 communes
    .venv/bin/python bench/bench_accounts.py --people 20000

Uses the small test mapping (tests/fixtures/import/small.csv) in a temporary workspace;
people get random but deterministic Kinh names, so many homonyms (vinhnq, vinhnq2, ...).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from controller.cli import main

ROOT = Path(__file__).resolve().parent.parent
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
]
MIDDLE = ["Văn", "Thị", "Thanh", "Quang", "Minh", "Ngọc", "Đình", "Quốc", "Hữu", "Thu"]
GIVEN = ["Phương", "Vinh", "Đào", "Hà", "Thành", "Tâm", "An", "Bình", "Đức", "Lan", "Hùng", "Mai", "Sơn"]
CODES = ["22918", "22924", "23272", "23269", "23350"]


def staff_csv(path: Path, people: int) -> None:
    rng = random.Random(1)
    seen: set[tuple[str, str, str]] = set()
    lines = ["commune_code,full_name,position"]
    while len(seen) < people:
        row = (
            rng.choice(CODES),
            f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
            f"Chuyên viên {rng.randint(1, people)}",
        )
        if row not in seen:
            seen.add(row)
            lines.append(",".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(label: str, argv: list[str]) -> None:
    start = time.perf_counter()
    assert main(argv) == 0, argv
    print(f"{label}: {time.perf_counter() - start:.2f} s")


def run(people: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp) / "ws"
        staff = Path(tmp) / "staff.csv"
        assert (
            main(["import", "--csv", str(ROOT / "tests/fixtures/import/small.csv"), "-o", str(workspace)])
            == 0
        )
        staff_csv(staff, people)
        timed(
            f"first import of {people} people", ["accounts", "import", str(workspace), "--staff", str(staff)]
        )
        timed("re-import (nothing changes)", ["accounts", "import", str(workspace), "--staff", str(staff)])
        timed("inventory (first render)", ["inventory", str(workspace)])
        timed("inventory (unchanged)", ["inventory", str(workspace)])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=3000)
    run(parser.parse_args().people)
