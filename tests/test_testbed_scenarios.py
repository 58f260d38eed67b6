"""Every Molecule scenario fits the shared test bed: names and subnets are global on a machine,
so two scenarios (or a scenario and the lab) must never claim the same ones, and test networks
stay inside the ranges reserved for tests."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import yaml
from netaddr import IPNetwork

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = sorted(p.parent for p in (REPO / "molecule").glob("*/molecule.yml") if p.parent.name != "_shared")
TEST_RANGES = [IPNetwork("172.30.0.0/16"), IPNetwork("10.199.0.0/16")]
PREFIX = "mt-"  # scenario objects; the lab's are "mergectl-lab-"


def load(scenario: Path) -> dict:
    return yaml.safe_load((scenario / "molecule.yml").read_text(encoding="utf-8")) or {}


def platforms(scenario: Path) -> list[str]:
    return [p["name"] for p in load(scenario).get("platforms") or []]


def networks(scenario: Path) -> list[dict]:
    return list((load(scenario).get("driver") or {}).get("testbed_networks") or [])


def test_the_testbed_scenario_exists_and_runs_first_in_the_suite() -> None:
    assert (REPO / "molecule" / "testbed" / "molecule.yml").is_file()
    assert any(s.name == "testbed" for s in SCENARIOS)


def test_container_and_network_names_are_prefixed_and_unique_across_scenarios() -> None:
    owners: dict[str, str] = {}
    clashes = []
    for scenario in SCENARIOS:
        for name in platforms(scenario) + [n["name"] for n in networks(scenario)]:
            assert name.startswith(PREFIX), f"{scenario.name}: '{name}' must start with '{PREFIX}'"
            if name in owners and owners[name] != scenario.name:
                clashes.append(f"{name}: {owners[name]} and {scenario.name}")
            owners.setdefault(name, scenario.name)
    assert not clashes, clashes


def test_scenario_subnets_are_test_ranges_and_do_not_overlap() -> None:
    subnets = [
        (scenario.name, IPNetwork(n["subnet"]))
        for scenario in SCENARIOS
        for n in networks(scenario)
        if n.get("subnet")
    ]
    for scenario, subnet in subnets:
        assert any(subnet in allowed for allowed in TEST_RANGES), (
            f"{scenario}: {subnet} is outside the test ranges"
        )
    overlaps = [
        f"{a}:{x} / {b}:{y}"
        for (a, x), (b, y) in combinations(subnets, 2)
        if x.first <= y.last and y.first <= x.last
    ]
    assert not overlaps, overlaps


def test_platform_networks_are_declared_by_the_scenario() -> None:
    for scenario in SCENARIOS:
        declared = {n["name"] for n in networks(scenario)}
        for platform in load(scenario).get("platforms") or []:
            for entry in str(platform.get("network") or "").split(","):
                network = entry.strip().split(":")[0]
                if network:
                    assert network in declared or network == "podman", (
                        f"{scenario.name}/{platform['name']}: network '{network}' is not declared"
                    )
