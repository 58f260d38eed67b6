"""No address has two owners: operator addresses against the allocator's, and the state on load.

CLI cases on a copy of the real Bình Thuận workspace (muine 22918 and phuthuy 22924 hold
the first pool addresses); the property on a small mapping through `allocate` itself.
"""

from __future__ import annotations

import ipaddress
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_alloc_support import TODAY, small_mapping

from controller.allocate import State, allocate
from controller.allocate.collisions import owner_identity
from controller.allocate.result import Allocations
from controller.cli import main
from controller.errors import EXIT_INVALID, EXIT_OK
from controller.province import load_province, province_template


@pytest.fixture
def workspace(bt_workspace: Path) -> Path:
    return bt_workspace


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _replace(path: Path, old: str, new: str) -> int:
    """Replace the first `old`; the line where it was."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _line(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def _refused(workspace: Path, capsys: pytest.CaptureFixture[str]) -> str:
    before = _files(workspace)
    capsys.readouterr()
    assert main(["inventory", "-q", str(workspace)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert _files(workspace) == before
    assert main(["validate", str(workspace)]) == EXIT_INVALID  # validate says so too
    return err


def test_an_operator_link_and_loopback_the_pools_gave_another_commune(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    province, state = workspace / "province.yml", workspace / "state" / "allocations.yml"
    _replace(province, "sites: {}",
             'sites:\n  "22918":\n    - {name: hq, link_prefix: 10.250.0.2/31, loopback: 10.251.0.1}')
    err = _refused(workspace, capsys)
    site_line, link_line = _line(province, "link_prefix: 10.250.0.2/31"), _line(state, '"10.250.0.2/31"')
    assert (
        f"{province}:{site_line}: [sites.22918[0].link_prefix] 10.250.0.2/31 (the link_prefix of site hq "
        f"of commune 22918) collides with 10.250.0.2/31, the data link of commune 22924 (Phường Phú Thủy) "
        f"site hq ({state}:{link_line})" in err
    )
    assert "[sites.22918[0].loopback] 10.251.0.1/32 (the loopback of site hq of commune 22918) collides " \
           "with 10.251.0.1/32, the loopback of commune 22924 (Phường Phú Thủy) site hq" in err


def test_legacy_endpoints_on_a_communes_lan_or_data_link(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    province = workspace / "province.yml"
    _replace(province, "legacy_endpoints: {}",
             'legacy_endpoints:\n  "22915": {link_prefix: 10.64.0.0/31, loopback: 10.250.0.0}')
    err = _refused(workspace, capsys)
    line = _line(province, '"22915": {link_prefix')
    assert (
        f"{province}:{line}: [legacy_endpoints.22915.link_prefix] 10.64.0.0/31 (the link_prefix of the "
        "existing line of 22915) collides with 10.64.0.0/23, the LAN of commune 22918 (Phường Mũi Né)"
    ) in err
    assert (
        "10.250.0.0/32 (the loopback of the existing line of 22915) collides with 10.250.0.0/31, the "
        "data link of commune 22918 (Phường Mũi Né) site hq"
    ) in err
    assert "lies inside pools.commune_lans 10.64.0.0/14" in err


def test_a_legacy_line_on_an_operator_site_address(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    province = workspace / "province.yml"
    _replace(province, "sites: {}",
             'sites:\n  "22918":\n    - {name: hq, link_prefix: 172.16.0.0/31, loopback: 172.17.0.1}')
    _replace(province, "legacy_endpoints: {}",
             'legacy_endpoints:\n  "22915": {link_prefix: 172.16.0.0/31, loopback: 172.17.0.9}')
    err = _refused(workspace, capsys)
    assert (
        "[legacy_endpoints.22915.link_prefix] 172.16.0.0/31 (the link_prefix of the existing line of "
        "22915) overlaps 172.16.0.0/31, the link_prefix of site hq of commune 22918"
    ) in err


def test_a_quarantined_address_is_refused_but_a_terminated_line_of_the_same_unit_is_not(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    province = workspace / "province.yml"
    release = ["quarantine", "release", str(workspace), "--kind", "prefix", "--reason", "dataline-terminated"]
    assert main([*release, "--value", "172.16.8.0/31", "--owner", "unit:22915"]) == EXIT_OK
    _replace(province, "legacy_endpoints: {}", 'legacy_endpoints:\n  "22915": {link_prefix: 172.16.8.0/31, '
             'loopback: 172.17.8.1}\n  "22921": {link_prefix: 172.16.9.0/31, loopback: 172.17.9.1}')
    assert main(["inventory", "-q", "--allow-mass-change", str(workspace)]) == EXIT_OK  # its own line
    assert main([*release, "--value", "172.16.9.0/31", "--owner", "unit:22921"]) == EXIT_OK
    assert main(["inventory", "-q", str(workspace)]) == EXIT_OK  # terminated, still recorded
    _replace(province, "sites: {}",
             'sites:\n  "22918":\n    - {name: hq, link_prefix: 172.16.9.0/31, loopback: 172.17.0.1}')
    err = _refused(workspace, capsys)
    assert "[sites.22918[0].link_prefix] 172.16.9.0/31 (the link_prefix of site hq of commune 22918) is in " \
           "quarantine: 172.16.9.0/31 was released by unit:22921" in err


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        ('lan_prefix: "10.64.2.0/23"', 'lan_prefix: "10.64.0.0/23"', "communes.22924.lan_prefix",
         "10.64.0.0/23 is the LAN of commune 22924 (Phường Phú Thủy), but 10.64.0.0/23 is the LAN of "
         "commune 22918 (Phường Mũi Né)"),
        ('loopback: "10.251.0.1"', 'loopback: "10.251.0.0"', "communes.22924.sites.hq.loopback",
         "10.251.0.0/32 is the loopback of commune 22924 (Phường Phú Thủy) site hq, but 10.251.0.0/32 is "
         "the loopback of commune 22918 (Phường Mũi Né) site hq"),
        ("label: phuthuy", "label: muine", "communes.22924.label",
         "label 'muine' of commune 22924 (Phường Phú Thủy) is also the label of commune 22918"),
        ("edoc_code: H36.002", "edoc_code: H36.001", "communes.22924.edoc_code",
         "e-doc code 'H36.001' of commune 22924 (Phường Phú Thủy) is also the e-doc code of commune 22918"),
    ],
)
def test_a_state_file_with_two_owners_of_one_resource(
    workspace: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, key: str, message: str
) -> None:
    state = workspace / "state" / "allocations.yml"
    line = _replace(state, old, new)
    for verb in (["plan"], ["inventory", "-q"], ["validate"]):
        capsys.readouterr()
        assert main([*verb, str(workspace)]) == EXIT_INVALID
        assert f"{state}:{line}: [{key}] {message}" in capsys.readouterr().err


def test_a_quarantined_lan_in_use_is_a_state_error(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = workspace / "state" / "allocations.yml"
    item = "{kind: prefix, value: 10.64.2.0/23, owner: 'commune 1 (X)', reason: merged away, generation: 1, "
    _replace(state, "quarantine: []", f"quarantine:\n  - {item}date: '2025-06-01'}}")
    assert main(["inventory", "-q", str(workspace)]) == EXIT_INVALID
    err = capsys.readouterr().err
    line = _line(state, 'lan_prefix: "10.64.2.0/23"')
    assert f"{state}:{line}: [communes.22924.lan_prefix] 10.64.2.0/23 is the LAN of commune 22924 " \
           "(Phường Phú Thủy), but it is in quarantine" in err


def test_owner_texts_of_the_allocator_map_back_to_identities() -> None:
    assert owner_identity("commune 22918 (Phường Mũi Né) site hq") == "site:22918/hq"
    assert owner_identity("22918/hq") == "site:22918/hq"
    assert owner_identity("commune 22918 site hq") == "site:22918/hq"
    assert owner_identity("old unit 22915") == owner_identity("unit:22915") == "unit:22915"
    assert owner_identity("line terminated by the team") is None


# --------------------------------------------------------------------------- the property

_MAPPING = small_mapping(3)  # communes 90000, 90010, 90020; old units 20000-20021
_TEMPLATE = province_template(_MAPPING)
_DIR = Path(tempfile.mkdtemp(prefix="collisions-"))
# Few candidates, so edits collide often: pool addresses the allocator hands out first,
# a LAN, the legacy stand-ins, and addresses of the operator's own.
_LINKS = ["10.250.0.0/31", "10.250.0.2/31", "10.64.0.0/31", "10.249.0.0/31", "172.16.0.0/31", "172.16.0.2/31"]
_LOOPS = ["10.251.0.0", "10.251.0.1", "10.249.128.0", "10.64.0.1", "172.17.0.1", "172.17.0.2"]
_OWNERS = ["site:90000", "site:90010", "site:90020", "legacy:20000", "legacy:20010", "legacy:594"]
_ADDRESSES = st.tuples(st.sampled_from(_LINKS), st.sampled_from(_LOOPS))
_EDIT = st.tuples(st.sampled_from(_OWNERS), st.one_of(st.none(), _ADDRESSES))


def _province_text(assigned: dict[str, tuple[str, str]]) -> str:
    sites = "".join(f'  "{owner[5:]}":\n    - {{name: hq, link_prefix: {link}, loopback: {loop}}}\n'
                    for owner, (link, loop) in sorted(assigned.items()) if owner.startswith("site:"))
    legacy = "".join(f'  "{owner[7:]}": {{link_prefix: {link}, loopback: {loop}}}\n'
                     for owner, (link, loop) in sorted(assigned.items()) if owner.startswith("legacy:"))
    text = _TEMPLATE.replace("sites: {}\n", f"sites:\n{sites}" if sites else "sites: {}\n", 1)
    return text.replace("legacy_endpoints: {}\n", f"legacy_endpoints:\n{legacy}" if legacy else
                        "legacy_endpoints: {}\n", 1)


def _owners_of_addresses(allocations: Allocations, core: str) -> list[tuple[str, ipaddress.IPv4Network]]:
    held = [("core", ipaddress.ip_network(f"{core}/32"))]
    for commune in allocations.communes:
        held += [(f"lan {commune.code}", ipaddress.ip_network(str(commune.lan_prefix))),
                 (f"vc {commune.code}", ipaddress.ip_network(str(commune.vc_prefix)))]
        for site in commune.sites:
            owner = f"site {commune.code}/{site.name}"
            held += [(owner, ipaddress.ip_network(str(site.endpoint.link_prefix))),
                     (owner, ipaddress.ip_network(f"{site.endpoint.loopback}/32"))]
    for endpoint_owner in [*allocations.old_units, *allocations.old_districts]:
        name = getattr(endpoint_owner, "code", "") + "/" + endpoint_owner.name
        held += [(name, ipaddress.ip_network(str(endpoint_owner.endpoint.link_prefix))),
                 (name, ipaddress.ip_network(f"{endpoint_owner.endpoint.loopback}/32"))]
    return held


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_EDIT, min_size=1, max_size=6))
def test_no_sequence_of_edits_renders_two_owners_of_one_address(edits: list) -> None:
    state, assigned = State(), {}
    path = _DIR / "province.yml"
    for owner, value in edits:
        if value is None:
            assigned.pop(owner, None)
        else:
            assigned[owner] = value
        path.write_text(_province_text(assigned), encoding="utf-8")
        province, problems = load_province(path, _MAPPING)
        if province is None:
            continue  # refused by province.yml's own checks: nothing allocated, the state stays
        new_state, allocations, problems = allocate(_MAPPING, province, state, TODAY)
        if problems:
            continue  # refused: the previous state stays
        state = new_state
        held = _owners_of_addresses(allocations, str(province.core_loopback))
        for position, (owner, network) in enumerate(held):
            for other, other_network in held[position + 1:]:
                two_owners = owner != other and network.overlaps(other_network)
                assert not two_owners, (owner, network, other, other_network)
