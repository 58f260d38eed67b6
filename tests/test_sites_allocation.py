"""Two HQ sites per commune (People's Committee `hq`, Party committee `party`), one when they share
a building: what province.yml says, and allocations that stay where they were."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netaddr import IPNetwork, IPSet
from test_alloc_support import TODAY, province_for, small_mapping

from controller.allocate import State, allocate
from controller.mapping_io import read_mapping
from controller.model import Mapping
from controller.province import ProvinceConfig, load_province, province_template


def _shared(mapping: Mapping, codes: list[str] | set[str], folder: Path) -> ProvinceConfig:
    folder.mkdir(parents=True, exist_ok=True)
    listed = "".join(f'\n  - "{code}"' for code in sorted(codes))
    text = province_template(mapping).replace("shared_hq: []\n", f"shared_hq:{listed or ' []'}\n", 1)
    return province_for(mapping, folder, text)


def _sites(state: State, name: str) -> dict[str, tuple[str, str]]:
    return {code: (entry.sites[name].link_prefix, entry.sites[name].loopback)
            for code, entry in state.communes.items() if name in entry.sites}


def test_both_hqs_by_default_one_in_a_shared_building(rendered_binh_thuan: Path, tmp_path: Path) -> None:
    mapping, _ = read_mapping(rendered_binh_thuan / "mapping.yml")
    assert mapping is not None
    province = _shared(mapping, ["22918"], tmp_path)
    muine = province.sites_of("22918")
    assert [(site.name, site.role, site.hq_of) for site in muine] == [("hq", "main", "both")]
    phuthuy = province.sites_of("22924")
    assert [(site.name, site.role, site.hq_of) for site in phuthuy] == [
        ("hq", "main", "people_committee"), ("party", "secondary", "party_committee")]
    _, allocations, diagnostics = allocate(mapping, province, State(), TODAY)
    assert not diagnostics
    assert sum(len(commune.sites) for commune in allocations.communes) == 2 * 45 - 1
    # the default reuse rule is the first site's: the Party committee's line is a new one
    party = allocations.commune("22924").sites[1]
    assert party.name == "party" and party.reuses_old_endpoint is None


def test_hq_sites_keep_the_addresses_one_default_site_gave(rendered_binh_thuan: Path, tmp_path: Path) -> None:
    """The previous default, one `hq` per commune, is every commune in shared_hq; the figures
    below are what the release before the two HQs gave the Bình Thuận communes."""
    mapping, _ = read_mapping(rendered_binh_thuan / "mapping.yml")
    assert mapping is not None
    one_per_commune = _shared(mapping, set(mapping.new_units), tmp_path / "one")
    one_site, _, _ = allocate(mapping, one_per_commune, State(), TODAY)
    two_sites, _, diagnostics = allocate(mapping, _shared(mapping, [], tmp_path / "two"), State(), TODAY)
    assert not diagnostics
    hq = _sites(two_sites, "hq")
    assert hq == _sites(one_site, "hq")
    assert hq["22918"] == ("10.250.0.0/31", "10.251.0.0")
    assert hq[max(hq)] == ("10.250.0.88/31", "10.251.0.44")
    # the Party committee sites come after all of them, in code order
    party = _sites(two_sites, "party")
    assert sorted(party.values(), key=lambda pair: IPNetwork(pair[0])) == [
        (f"10.250.0.{90 + 2 * n}/31", f"10.251.0.{45 + n}") for n in range(45)]
    in_address_order = sorted(party.items(), key=lambda item: IPNetwork(item[1][0]))
    assert [code for code, _ in in_address_order] == sorted(party)

    # a workspace allocated before: its hq sites stay, only the party sites are added
    upgraded, _, diagnostics = allocate(mapping, _shared(mapping, [], tmp_path / "two"),
                                        copy.deepcopy(one_site), TODAY)
    assert not diagnostics and not upgraded.quarantine
    assert _sites(upgraded, "hq") == hq and _sites(upgraded, "party") == party
    assert upgraded.generation == one_site.generation + 1


def test_a_sites_entry_is_the_communes_whole_list(tmp_path: Path) -> None:
    mapping = small_mapping(3)
    text = province_template(mapping).replace(
        "sites: {}\n",
        'sites:\n  "90000":\n    - {name: hq, routing: bgp}\n'
        '  "90010":\n    - {name: ubnd}\n    - {name: danguy, hq_of: party_committee}\n', 1)
    province = province_for(mapping, tmp_path, text)
    assert [(s.name, s.hq_of) for s in province.sites_of("90000")] == [("hq", "people_committee")]
    assert [(s.name, s.role, s.hq_of) for s in province.sites_of("90010")] == [
        ("ubnd", "main", "people_committee"), ("danguy", "secondary", "party_committee")]
    assert [s.name for s in province.sites_of("90020")] == ["hq", "party"]
    # listed sites are not "default party sites": they take their addresses in code order
    assert not province.default_party_site("90010", province.sites_of("90010")[1])
    assert province.default_party_site("90020", province.sites_of("90020")[1])


def test_shared_hq_mistakes_are_reported_at_their_line(tmp_path: Path) -> None:
    mapping = small_mapping(3)
    text = province_template(mapping).replace(
        "shared_hq: []\n", 'shared_hq:\n  - "90000"\n  - "99999"\n  - 90000\n  -\n', 1).replace(
        "sites: {}\n", 'sites:\n  "90000":\n    - {name: hq, hq_of: people_committee}\n'
        '  "90010":\n    - {name: hq, hq_of: town_hall}\n', 1)
    path = tmp_path / "province.yml"
    path.write_text(text, encoding="utf-8")
    config, diagnostics = load_province(path, mapping)
    assert config is None
    lines = text.splitlines()
    first = lines.index("shared_hq:") + 1
    sites = lines.index("sites:") + 1
    assert [str(item) for item in diagnostics] == [
        f"{path}:{first + 2}: [shared_hq[1]] no new unit with code 99999 in mapping.yml "
        '(fix: list new commune codes (mã ĐVHC), e.g. "22918")',
        f"{path}:{first + 3}: [shared_hq[2]] commune 90000 is listed twice (first as item 0)",
        f"{path}:{first + 4}: [shared_hq[3]] empty item (fix: a new commune code, or remove the item)",
        f"{path}:{sites + 2}: [sites.90000[0].hq_of] hq_of people_committee in a commune listed in "
        "shared_hq (one building for both committees) (fix: remove hq_of, or the commune from shared_hq)",
        f"{path}:{sites + 4}: [sites.90010[0].hq_of] unknown HQ 'town_hall' "
        "(fix: people_committee or party_committee or both)",
    ]


_ALL = small_mapping(30)
_CODES = sorted(_ALL.new_units)
_ONE_SITE = _shared(_ALL, _CODES, Path(tempfile.mkdtemp(prefix="sites-one-")))
_TWO_SITES = province_for(_ALL, Path(tempfile.mkdtemp(prefix="sites-two-")))


def _subset(codes: list[str]) -> Mapping:
    units = {code: copy.deepcopy(_ALL.new_units[code]) for code in codes}
    olds = {s.old_code for unit in units.values() for s in unit.formed_from}
    return Mapping(_ALL.province, units, {code: _ALL.old_units[code] for code in olds})


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(_CODES), min_size=1, max_size=12, unique=True),
    st.lists(st.sampled_from(_CODES), max_size=10, unique=True),
    st.sets(st.sampled_from(_CODES), max_size=10),
)
def test_party_sites_never_move_an_hq_site(first: list[str], added: list[str], shared: set[str]) -> None:
    """Whatever the communes and which of them share a building: a fresh allocation gives every
    `hq` site what one site per commune gave; adding communes later moves nothing held; no two
    sites overlap."""
    province = _shared(_ALL, shared, Path(tempfile.mkdtemp(prefix="sites-prop-")))
    mapping = _subset(first)
    previous, _, _ = allocate(mapping, _ONE_SITE, State(), TODAY)
    state, _, diagnostics = allocate(mapping, province, State(), TODAY)
    assert not diagnostics
    assert _sites(state, "hq") == _sites(previous, "hq")
    assert set(_sites(state, "party")) == set(first) - shared
    grown, _, diagnostics = allocate(_subset(sorted({*first, *added})), province, copy.deepcopy(state), TODAY)
    assert not diagnostics
    for code in first:
        assert grown.communes[code].sites == state.communes[code].sites
    sites = [site for entry in grown.communes.values() for site in entry.sites.values()]
    held = [IPNetwork(site.link_prefix) for site in sites]
    held += [IPNetwork(f"{site.loopback}/32") for site in sites]
    assert IPSet(held).size == sum(network.size for network in held)
