"""Placement invariants: never over capacity, stable under additions, anti-affine when possible,
deterministic, and a clear message when the plan does not fit."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from controller.capacity.model import RESOURCES, Hypervisor, Overcommit, Profile, Resources, VmRequest
from controller.capacity.placement import place

PROFILES = {
    "idesk": Profile("idesk", vcpu=4, memory_gib=6, disk_gib=80),
    "tthc": Profile("tthc", vcpu=2, memory_gib=4, disk_gib=40),
}
POLICY = Overcommit(cpu=4.0, memory=1.0, disk=1.0)

hosts_strategy = st.lists(
    st.builds(
        Hypervisor,
        name=st.sampled_from([f"hv{i}" for i in range(1, 9)]),
        cpu_cores=st.integers(1, 64),
        memory_gib=st.integers(4, 256),
        storage_gib=st.integers(40, 4000),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda host: host.name,
)
codes_strategy = st.lists(st.integers(10000, 99999).map(str), min_size=0, max_size=40, unique=True)
policy_strategy = st.builds(
    Overcommit,
    cpu=st.sampled_from([1.0, 2.0, 4.0]),
    memory=st.sampled_from([1.0, 1.5]),
    disk=st.sampled_from([1.0, 2.0]),
)


def requests(codes: list[str]) -> list[VmRequest]:
    return [VmRequest(code, f"{system}-c{code}", system) for code in codes for system in ("idesk", "tthc")]


def used_by_host(placements: dict[str, str], wanted: list[VmRequest]) -> dict[str, Resources]:
    profile_of = {request.name: request.profile for request in wanted}
    used: dict[str, Resources] = {}
    for name, host in placements.items():
        used[host] = used.get(host, Resources()) + PROFILES[profile_of[name]].resources
    return used


@settings(max_examples=150, deadline=None)
@given(hosts_strategy, codes_strategy, policy_strategy)
def test_never_over_capacity(hosts, codes, policy):
    wanted = requests(codes)
    result = place(hosts, PROFILES, policy, wanted)
    capacity = {host.name: host.capacity(policy) for host in hosts}
    for host, used in used_by_host(result.placements, wanted).items():
        assert used.fits_in(capacity[host]), (host, used, capacity[host])
    if result.ok:
        assert set(result.placements) == {request.name for request in wanted}
    else:
        assert result.problems


@settings(max_examples=150, deadline=None)
@given(hosts_strategy, codes_strategy, codes_strategy)
def test_stable_under_additions(hosts, first, more):
    before = requests(first)
    initial = place(hosts, PROFILES, POLICY, before)
    if not initial.ok:
        return
    after = before + [r for r in requests(more) if r.name not in initial.placements]
    again = place(hosts, PROFILES, POLICY, after, recorded=initial.placements)
    for name, host in initial.placements.items():
        assert again.placements.get(name, host) == host
        if again.ok:
            assert again.placements[name] == host
    assert set(again.kept) == set(initial.placements)


@settings(max_examples=150, deadline=None)
@given(hosts_strategy, codes_strategy, st.randoms(use_true_random=False))
def test_deterministic_whatever_the_input_order(hosts, codes, rnd: random.Random):
    wanted = requests(codes)
    shuffled_requests, shuffled_hosts = list(wanted), list(hosts)
    rnd.shuffle(shuffled_requests)
    rnd.shuffle(shuffled_hosts)
    first = place(hosts, PROFILES, POLICY, wanted)
    second = place(shuffled_hosts, PROFILES, POLICY, shuffled_requests)
    assert first.placements == second.placements
    assert first.problems == second.problems


@settings(max_examples=150, deadline=None)
@given(hosts_strategy, codes_strategy)
def test_anti_affinity_honoured_when_possible(hosts, codes):
    """Siblings share a host only if, even after the whole plan, no other host could take either one."""
    wanted = requests(codes)
    result = place(hosts, PROFILES, POLICY, wanted)
    free = {name: load.free for name, load in result.loads.items()}
    for code in codes:
        idesk, tthc = f"idesk-c{code}", f"tthc-c{code}"
        if idesk in result.placements and result.placements.get(tthc) == result.placements[idesk]:
            shared = result.placements[idesk]
            for other, room in free.items():
                if other != shared:
                    # The later-placed sibling (tthc, by name order) had at least this room then.
                    assert not PROFILES["tthc"].resources.fits_in(room), (code, shared, other, room)


def test_anti_affinity_with_two_roomy_hosts():
    hosts = [Hypervisor("hv1", 64, 512, 8192), Hypervisor("hv2", 64, 512, 8192)]
    codes = [str(22900 + i) for i in range(45)]
    result = place(hosts, PROFILES, POLICY, requests(codes))
    assert result.ok
    for code in codes:
        assert result.placements[f"idesk-c{code}"] != result.placements[f"tthc-c{code}"]


def test_balanced_by_memory():
    hosts = [Hypervisor(f"hv{i}", 64, 512, 8192) for i in (1, 2, 3)]
    result = place(hosts, PROFILES, POLICY, requests([str(1000 + i) for i in range(30)]))
    memory = [result.loads[name].used.memory_gib for name in ("hv1", "hv2", "hv3")]
    assert max(memory) - min(memory) <= PROFILES["idesk"].memory_gib


def test_does_not_fit_says_needed_and_free():
    hosts = [Hypervisor("hv1", 64, 128, 8192), Hypervisor("hv2", 64, 128, 8192)]
    result = place(hosts, PROFILES, POLICY, requests([str(1000 + i) for i in range(45)]))
    assert not result.ok
    expected = ("the plan does not fit the Integration Centre: "
                "90 new VMs need 450 GiB memory, 256 GiB free on 2 hosts")
    assert result.problems[0].startswith(expected)


def test_fragmented_plan_names_the_vm():
    hosts = [Hypervisor("hv1", 64, 5, 8192), Hypervisor("hv2", 64, 5, 8192)]
    result = place(hosts, PROFILES, POLICY, [VmRequest("1", "idesk-a", "idesk")])
    assert not result.ok
    assert "idesk-a (4 vCPU, 6 GiB memory, 80 GiB disk) fits on no single host" in result.problems[0]


def test_recorded_vm_on_a_removed_host_is_a_problem_not_a_move():
    hosts = [Hypervisor("hv1", 64, 512, 8192)]
    result = place(hosts, PROFILES, POLICY, requests(["1"]), recorded={"idesk-c1": "hv9"})
    assert not result.ok
    assert "idesk-c1 is recorded on hv9" in result.problems[0]


def test_released_when_commune_disappears():
    hosts = [Hypervisor("hv1", 64, 512, 8192), Hypervisor("hv2", 64, 512, 8192)]
    first = place(hosts, PROFILES, POLICY, requests(["1", "2"]))
    second = place(hosts, PROFILES, POLICY, requests(["2"]), recorded=first.placements)
    assert second.released == ["idesk-c1", "tthc-c1"]
    assert all(name not in second.placements for name in second.released)


def test_shrunk_host_is_reported():
    big = [Hypervisor("hv1", 64, 512, 8192)]
    first = place(big, PROFILES, POLICY, requests([str(i) for i in range(10)]))
    small = [Hypervisor("hv1", 64, 16, 8192)]
    second = place(small, PROFILES, POLICY, requests([str(i) for i in range(10)]), recorded=first.placements)
    assert any("hv1 already holds 100 GiB memory" in problem for problem in second.problems)


def test_resources_names_cover_profiles():
    assert set(RESOURCES) == {"vcpu", "memory_gib", "disk_gib"}
