"""Property tests of the allocator's invariants (hypothesis).

- no two held allocations overlap, in any pool;
- nothing held lies in quarantine still inside the policy;
- determinism: the same inputs in any order give the same state;
- stability: re-running, reordering or adding communes moves nothing already held;
- removal releases every resource of the removed commune into quarantine.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netaddr import IPNetwork, IPSet
from test_alloc_support import TODAY, province_for, small_mapping

from controller.allocate import State, allocate
from controller.model import Mapping

_PROVINCE_DIR = Path(tempfile.mkdtemp(prefix="h1b-props-"))
_PROVINCE = province_for(small_mapping(40), _PROVINCE_DIR)  # pools sized for 40; mappings below are subsets


def _subset(full: Mapping, codes: list[str]) -> Mapping:
    units = {code: copy.deepcopy(full.new_units[code]) for code in codes}
    olds = {s.old_code for unit in units.values() for s in unit.formed_from}
    return Mapping(full.province, units, {code: full.old_units[code] for code in olds})


def _held(state: State) -> list[IPNetwork]:
    held = []
    for entry in state.communes.values():
        held += [IPNetwork(entry.lan_prefix), IPNetwork(entry.vc_prefix)]
        for site in entry.sites.values():
            held += [IPNetwork(site.link_prefix), IPNetwork(f"{site.loopback}/32")]
    for endpoint in [*state.old_units.values(), *state.old_districts.values()]:
        held += [IPNetwork(endpoint.link_prefix), IPNetwork(f"{endpoint.loopback}/32")]
    return held


def _check_invariants(state: State) -> None:
    held = _held(state)
    assert IPSet(held).size == sum(prefix.size for prefix in held), "held allocations overlap"
    labels = [entry.label for entry in state.communes.values()]
    assert len(labels) == len(set(labels)), "duplicate labels"
    codes = [entry.edoc_code for entry in state.communes.values()]
    assert len(codes) == len(set(codes)), "duplicate e-doc codes"
    policy = _PROVINCE.quarantine
    # Quarantined values still inside the policy (judged at the state's generation) are not held.
    active = [
        item
        for item in state.quarantine
        if item.kind == "edoc" or not policy.releases(item.generation, state.generation, TODAY)
    ]
    held_set = IPSet(held)
    for item in active:
        # released this generation: may not be held by anyone now
        if item.kind in ("prefix", "address") and item.generation == state.generation:
            assert not (IPSet([IPNetwork(item.value)]) & held_set), f"{item.value} reused in quarantine"
        if item.kind == "edoc":
            assert item.value not in codes
        if item.kind == "domain" and item.generation == state.generation:
            assert item.value not in labels


ALL = small_mapping(40)
ALL_CODES = sorted(ALL.new_units)
_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(st.lists(st.sampled_from(ALL_CODES), min_size=1, max_size=15, unique=True), st.randoms())
def test_determinism_and_reordering(codes: list[str], random) -> None:
    mapping = _subset(ALL, codes)
    state, _, diagnostics = allocate(mapping, _PROVINCE, State(), TODAY)
    assert not diagnostics
    _check_invariants(state)
    shuffled_codes = list(codes)
    random.shuffle(shuffled_codes)
    shuffled = _subset(ALL, shuffled_codes)
    for unit in shuffled.new_units.values():
        random.shuffle(unit.formed_from)
    again, _, _ = allocate(shuffled, _PROVINCE, State(), TODAY)
    assert again.content() == state.content()
    rerun, _, _ = allocate(shuffled, _PROVINCE, copy.deepcopy(state), TODAY)
    assert rerun.content() == state.content() and rerun.generation == state.generation


@_SETTINGS
@given(
    st.lists(
        st.lists(st.sampled_from(ALL_CODES), min_size=1, max_size=12, unique=True), min_size=2, max_size=5
    )
)
def test_sequences_of_additions_and_removals(steps: list[list[str]]) -> None:
    state = State()
    previous_codes: set[str] = set()
    for codes in steps:
        mapping = _subset(ALL, codes)
        before = copy.deepcopy(state)
        state, allocations, diagnostics = allocate(mapping, _PROVINCE, copy.deepcopy(state), TODAY)
        assert not diagnostics
        _check_invariants(state)
        # stability: everything kept keeps its addresses, code and (same name) label
        for code in previous_codes & set(codes):
            assert state.communes[code] == before.communes[code]
        # removal: every resource of a removed commune is in quarantine
        quarantined = {(item.kind, item.value) for item in state.quarantine}
        for code in previous_codes - set(codes):
            gone = before.communes[code]
            assert ("prefix", gone.lan_prefix) in quarantined
            assert ("prefix", gone.vc_prefix) in quarantined
            assert ("domain", gone.label) in quarantined
            assert ("edoc", gone.edoc_code) in quarantined
            for site in gone.sites.values():
                assert ("prefix", site.link_prefix) in quarantined
                assert ("address", site.loopback) in quarantined
        # nothing released into quarantine is held by another owner while the policy holds it
        held = IPSet(_held(state))
        for item in state.quarantine:
            inside = not _PROVINCE.quarantine.releases(item.generation, state.generation, TODAY)
            if inside and item.kind in ("prefix", "address"):
                owner_code = item.owner.split()[1] if item.owner.startswith("commune ") else None
                if owner_code not in codes:
                    assert not (IPSet([IPNetwork(item.value)]) & held), f"{item.value} reused too early"
        previous_codes = set(codes)
        assert len(allocations.communes) == len(codes)
