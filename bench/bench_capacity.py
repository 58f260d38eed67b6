"""Placement speed for the whole country: 3,321 new communes -> 6,642 VMs on 111 hosts
(the import's default of one 64-thread / 512 GiB / 8 TB host per 30 communes), then the
same plan again with everything recorded (what every later `mergectl inventory` does).

    .venv/bin/python bench/bench_capacity.py      # target: each step well under 1 s
"""

from __future__ import annotations

import time

from controller.capacity.config import DEFAULT_PROFILES
from controller.capacity.model import Hypervisor, Overcommit
from controller.capacity.placement import place
from controller.capacity.placement_plan import Commune, requests_for

COMMUNES = 3321


def main() -> None:
    hosts = [Hypervisor(f"hv{n}", 64, 512, 8000) for n in range(1, -(-COMMUNES // 30) + 1)]
    requests = requests_for(Commune(str(10000 + n), f"c{n}") for n in range(COMMUNES))
    started = time.perf_counter()
    first = place(hosts, DEFAULT_PROFILES, Overcommit(), requests)
    placed = time.perf_counter() - started
    started = time.perf_counter()
    again = place(hosts, DEFAULT_PROFILES, Overcommit(), requests, recorded=first.placements)
    replaced = time.perf_counter() - started
    together = sum(1 for n in range(COMMUNES)
                   if first.placements.get(f"idesk-c{n}") == first.placements.get(f"tthc-c{n}"))
    print(f"{len(requests)} VMs on {len(hosts)} hosts: first placement {placed:.2f}s "
          f"({'ok' if first.ok else first.problems[0]}), re-plan with all recorded {replaced:.2f}s "
          f"({len(again.kept)} kept), communes with both VMs on one host: {together}")


if __name__ == "__main__":
    main()
