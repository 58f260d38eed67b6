"""BGP AS numbers: derived from the commune code, validated with FILE:LINE, rendered per the contract."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_alloc_support import TODAY, province_for, small_mapping, write_workspace

from controller.allocate import State, allocate
from controller.allocate.asn import commune_asn
from controller.cli import main
from controller.province import AsnRange, load_province, province_template

MAPPING = small_mapping(4)  # codes 90000, 90010, 90020, 90030


def _with_data_network(block: str) -> str:
    """The template with its data_network section replaced by `block`."""
    text = province_template(MAPPING)
    start = text.index("data_network:")
    end = text.index("\n\n", start)
    return text[:start] + block.rstrip("\n") + text[end:]


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "province.yml"
    path.write_text(text, encoding="utf-8")
    config, diagnostics = load_province(path, MAPPING)
    assert config is None
    return [str(item) for item in diagnostics]


def _line(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_template_range_is_the_private_4byte_one_and_the_as_is_first_plus_code(tmp_path: Path) -> None:
    config = province_for(MAPPING, tmp_path)
    assert config.commune_asns == AsnRange(4_200_000_000, 4_200_099_999)
    assert config.core_asn == 64512
    assert commune_asn("22918", config.commune_asns) == 4_200_022_918
    _, allocations, diagnostics = allocate(MAPPING, config, State(), TODAY)
    assert not diagnostics
    assert {c.code: c.asn for c in allocations.communes} == {
        code: 4_200_000_000 + int(code) for code in MAPPING.new_units
    }


def test_a_workspace_without_commune_asns_gets_the_default(tmp_path: Path) -> None:
    text = _with_data_network("data_network:\n  core_loopback: 10.251.15.255\n  core_asn: 64512\n")
    config = province_for(MAPPING, tmp_path, text)
    assert config.commune_asns == AsnRange()


@pytest.mark.parametrize(
    ("block", "needle", "message"),
    [
        (
            "  commune_asns: {first: 64512, last: 4200099999}\n",
            "commune_asns",
            "64512 is out of range 4200000000..4294967294",
        ),
        (
            "  commune_asns: {first: 4200000000, last: 4294967295}\n",
            "commune_asns",
            "4294967295 is out of range 4200000000..4294967294",
        ),
        (
            "  commune_asns:\n    first: 4200100000\n    last: 4200000000\n",
            "last: 4200000000",
            "last 4200000000 is below first 4200100000",
        ),
        (
            "  commune_asns: {first: 4200000000, last: 4200050000}\n",
            "commune_asns",
            "4 commune(s) get an AS beyond 4200050000: commune 90030 would be AS 4200090030",
        ),
        (
            "  commune_asns: {first: 4200000000, last: 4200099999}\n",
            "commune_asns",
            None,  # paired with a bad core_asn below
        ),
    ],
)
def test_bad_ranges_are_reported_at_their_line(
    tmp_path: Path, block: str, needle: str, message: str | None
) -> None:
    core = "  core_asn: 4200000001\n" if message is None else "  core_asn: 64512\n"
    text = _with_data_network("data_network:\n  core_loopback: 10.251.15.255\n" + core + block)
    problems = _problems(tmp_path, text)
    if message is None:
        needle, message = "core_asn", "the core's AS 4200000001 lies inside data_network.commune_asns"
    expected = f"province.yml:{_line(text, needle)}:"
    assert any(expected in problem and message in problem for problem in problems), problems


@pytest.mark.parametrize(("asn", "why"), [(23456, "AS_TRANS"), (64500, "documentation"), (0, "out of range")])
def test_reserved_core_asns_are_refused(tmp_path: Path, asn: int, why: str) -> None:
    text = _with_data_network(f"data_network:\n  core_loopback: 10.251.15.255\n  core_asn: {asn}\n")
    problems = _problems(tmp_path, text)
    assert any(f"province.yml:{_line(text, 'core_asn')}:" in p and why in p for p in problems), problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = _with_data_network(
        "data_network:\n  core_loopback: 10.251.15.255\n  core_asn: 23456\n"
        "  commune_asns: {first: 4200000000, last: 4200000100}\n"
    )
    problems = _problems(tmp_path, text)
    assert any("AS_TRANS" in p for p in problems) and any("beyond 4200000100" in p for p in problems)


def test_bad_range_stops_the_render_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    text = _with_data_network(
        "data_network:\n  core_loopback: 10.251.15.255\n  core_asn: 64512\n"
        "  commune_asns: {first: 4200000000, last: 4200000010}\n"
    )
    workspace = write_workspace(tmp_path / "ws", MAPPING, text)
    assert main(["inventory", "-q", str(workspace)]) == 3
    assert f"province.yml:{_line(text, 'commune_asns')}:" in capsys.readouterr().err
    assert not (workspace / "hosts.yml").exists() and not (workspace / "state").exists()


def test_inventory_renders_commune_asn_and_a_bgp_site(tmp_path: Path) -> None:
    text = province_template(MAPPING).replace(
        "sites: {}\n", 'sites:\n  "90010":\n    - {name: hq, routing: bgp}\n', 1
    )
    workspace = write_workspace(tmp_path / "ws", MAPPING, text)
    assert main(["inventory", "-q", str(workspace)]) == 0
    province = yaml.safe_load((workspace / "group_vars/all/province.yml").read_text(encoding="utf-8"))
    assert province["province_core"]["asn"] == 64512
    for path in sorted((workspace / "host_vars").glob("*-gw.yml")):
        gateway = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert gateway["commune_asn"] == 4_200_000_000 + int(gateway["commune_code"])
        routing = [site["routing"] for site in gateway["commune_sites"]]
        # a `sites:` entry is the commune's whole list; the others have both HQs by default
        assert routing == (["bgp"] if gateway["commune_code"] == "90010" else ["static", "static"])


# --- property: the AS depends on the commune's code only ------------------------------------

ALL = small_mapping(40)
ALL_CODES = sorted(ALL.new_units)
_PROVINCE = province_for(ALL, Path(tempfile.mkdtemp(prefix="bgp-asn-")))


def _subset(codes: list[str]):
    from controller.model import Mapping

    units = {code: copy.deepcopy(ALL.new_units[code]) for code in codes}
    olds = {s.old_code for unit in units.values() for s in unit.formed_from}
    return Mapping(ALL.province, units, {code: ALL.old_units[code] for code in olds})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(ALL_CODES), min_size=1, max_size=12, unique=True),
    st.lists(st.sampled_from(ALL_CODES), min_size=0, max_size=12, unique=True),
)
def test_asns_are_unique_in_range_never_the_core_and_stable_under_additions(
    first: list[str], added: list[str]
) -> None:
    state, before, _ = allocate(_subset(first), _PROVINCE, State(), TODAY)
    _, after, diagnostics = allocate(_subset(sorted(set(first) | set(added))), _PROVINCE, state, TODAY)
    assert not diagnostics
    asns = {commune.code: commune.asn for commune in after.communes}
    assert len(set(asns.values())) == len(asns)
    assert all(asn in _PROVINCE.commune_asns and asn != _PROVINCE.core_asn for asn in asns.values())
    assert all(asns[commune.code] == commune.asn for commune in before.communes)


@given(st.integers(4_200_000_000, 4_294_867_295), st.sets(st.integers(1, 99_999), min_size=2, max_size=50))
def test_commune_asn_is_injective_and_inside_any_range_that_holds_the_codes(
    first: int, codes: set[int]
) -> None:
    asns = AsnRange(first, first + 99_999)
    derived = [commune_asn(f"{code:05d}", asns) for code in codes]
    assert len(set(derived)) == len(codes) and all(asn in asns for asn in derived)
    with pytest.raises(ValueError):
        commune_asn("12345", AsnRange(first, first + 12_344))
