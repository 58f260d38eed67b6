"""The allocator: stable, keyed by identity, first-fit, quarantine on release, collisions resolved."""

from __future__ import annotations

import copy
from pathlib import Path

from netaddr import IPNetwork, IPSet
from test_alloc_support import TODAY, province_for, small_mapping

from controller.allocate import State, allocate
from controller.allocate.pools import Pool, PoolExhausted
from controller.model import NewUnit, OldUnit, Succession


def _all_prefixes(state: State) -> list[IPNetwork]:
    prefixes = []
    for entry in state.communes.values():
        prefixes += [IPNetwork(entry.lan_prefix), IPNetwork(entry.vc_prefix)]
        for site in entry.sites.values():
            prefixes += [IPNetwork(site.link_prefix), IPNetwork(f"{site.loopback}/32")]
    for endpoint in [*state.old_units.values(), *state.old_districts.values()]:
        prefixes += [IPNetwork(endpoint.link_prefix), IPNetwork(f"{endpoint.loopback}/32")]
    return prefixes


def _assert_disjoint(prefixes: list[IPNetwork]) -> None:
    assert IPSet(prefixes).size == sum(prefix.size for prefix in prefixes), "allocations overlap"


def test_first_allocation_is_first_fit_and_contract_shaped(tmp_path: Path) -> None:
    mapping = small_mapping(3)
    province = province_for(mapping, tmp_path)
    state, allocations, diagnostics = allocate(mapping, province, State(), TODAY)
    assert not diagnostics
    assert state.generation == 1 and state.updated == TODAY.isoformat()
    first = allocations.communes[0]
    assert (first.code, first.label, first.fqdn) == ("90000", "thunghiema", "thunghiema.lamdong.gov.vn")
    assert (
        str(first.lan_prefix) == "10.64.0.0/23" and str(allocations.communes[1].lan_prefix) == "10.64.2.0/23"
    )
    assert [str(p) for _, p in first.vlans] == [
        "10.64.0.0/25",
        "10.64.0.128/26",
        "10.64.0.192/26",
        "10.64.1.0/28",
    ]
    assert str(first.management_address) == "10.64.1.1"
    assert str(first.vc_prefix) == "10.252.0.0/28"
    assert [(room.room, str(room.address)) for room in first.vc_rooms] == [
        ("gov", "10.252.0.2"),
        ("party", "10.252.0.3"),
    ]
    assert first.vc_rooms[0].mac.startswith("02:4d:") and first.vc_rooms[0].mac != first.vc_rooms[1].mac
    site = first.sites[0]
    assert site.name == "hq" and str(site.endpoint.link_prefix) == "10.250.0.0/31"
    assert (
        str(site.endpoint.core_address) == "10.250.0.0" and str(site.endpoint.local_address) == "10.250.0.1"
    )
    assert first.edoc_code == "H36.001" and allocations.communes[2].edoc_code == "H36.003"
    _assert_disjoint(_all_prefixes(state))
    # the default reuse rule: the first primary old unit (no old unit carries the new code here)
    assert site.reuses_old_endpoint == "20000"
    old = next(unit for unit in allocations.old_units if unit.code == "20000")
    assert old.endpoint_reused_by == "thunghiema-gw" and old.fate == "merged"
    assert old.lookup_fqdn == "cua0.tuyphong.binhthuan.gov.vn"
    other = next(unit for unit in allocations.old_units if unit.code == "20001")
    assert other.endpoint_reused_by is None  # terminated


def test_rerun_is_stable_and_keeps_generation(tmp_path: Path) -> None:
    mapping = small_mapping(5)
    province = province_for(mapping, tmp_path)
    state, _, _ = allocate(mapping, province, State(), TODAY)
    again, allocations, _ = allocate(mapping, province, copy.deepcopy(state), TODAY)
    assert again.generation == state.generation == 1
    assert again.content() == state.content()
    assert allocations.released == []


def test_reordering_rows_changes_nothing(tmp_path: Path) -> None:
    mapping = small_mapping(6)
    province = province_for(mapping, tmp_path)
    state, _, _ = allocate(mapping, province, State(), TODAY)
    shuffled = copy.deepcopy(mapping)
    shuffled.new_units = dict(reversed(list(shuffled.new_units.items())))
    for unit in shuffled.new_units.values():
        unit.formed_from.reverse()
    shuffled.old_units = dict(reversed(list(shuffled.old_units.items())))
    fresh, _, _ = allocate(shuffled, province, State(), TODAY)
    assert fresh.content() == state.content()  # determinism regardless of order


def test_adding_a_commune_moves_nothing(tmp_path: Path) -> None:
    mapping = small_mapping(4)
    province = province_for(mapping, tmp_path)
    state, _, _ = allocate(mapping, province, State(), TODAY)
    grown = copy.deepcopy(mapping)
    grown.old_units["10001"] = OldUnit("10001", "Xã Mới Thêm", next(iter(grown.old_units.values())).district)
    grown.new_units["10000"] = NewUnit("10000", "Xã Mới Thêm", "Lâm Đồng", [Succession("10001", True)])
    after, allocations, _ = allocate(grown, province, copy.deepcopy(state), TODAY)
    for code, entry in state.communes.items():
        assert after.communes[code] == entry
    assert after.generation == 2
    new = allocations.commune("10000")
    assert str(new.lan_prefix) == "10.64.8.0/23"  # next free block, although its code sorts first
    _assert_disjoint(_all_prefixes(after))


def test_removal_releases_into_quarantine_until_policy_allows(tmp_path: Path) -> None:
    mapping = small_mapping(3)
    province = province_for(mapping, tmp_path)
    state, _, _ = allocate(mapping, province, State(), TODAY)
    gone = state.communes["90000"]
    shrunk = copy.deepcopy(mapping)
    del shrunk.new_units["90000"]
    for code in ("20000", "20001"):
        del shrunk.old_units[code]
    after, allocations, _ = allocate(shrunk, province, copy.deepcopy(state), TODAY)
    held = {(item.kind, item.value) for item in after.quarantine}
    assert ("prefix", gone.lan_prefix) in held and ("prefix", gone.vc_prefix) in held
    assert ("domain", gone.label) in held and ("edoc", gone.edoc_code) in held
    assert all(item.generation == 2 for item in after.quarantine)
    assert {item.value for item in allocations.released} >= {gone.lan_prefix, gone.label}

    # A commune added in the next generations does not get the quarantined space, label or code.
    current = after
    for generation in (3, 4):
        grown = copy.deepcopy(shrunk)
        code = str(80000 + generation)
        old_code = str(70000 + generation)
        grown.old_units[old_code] = OldUnit(
            old_code, "Xã Cũ Khác", next(iter(grown.old_units.values())).district
        )
        # another commune whose name folds to the same label (a namesake is not the owner)
        grown.new_units[code] = NewUnit(code, "Xã Thủ Nghiêm A", "Lâm Đồng", [Succession(old_code, True)])
        shrunk = grown
        current, allocations, _ = allocate(grown, province, copy.deepcopy(current), TODAY)
        assert current.generation == generation
        entry = current.communes[code]
        if generation == 3:
            assert entry.lan_prefix != gone.lan_prefix and entry.vc_prefix != gone.vc_prefix
            assert entry.label != gone.label and entry.label_note  # collides with the quarantined label
        else:
            # generation 4 = release (2) + policy (2): the space is free again, first fit takes it
            assert entry.lan_prefix == gone.lan_prefix
        assert entry.edoc_code != gone.edoc_code  # closed codes are never reissued


def test_quarantine_date_holds_longer_than_generations(tmp_path: Path) -> None:
    mapping = small_mapping(2)
    text = None
    province = province_for(mapping, tmp_path, text)
    province.quarantine = type(province.quarantine)(0, TODAY.replace(year=2030))
    state, _, _ = allocate(mapping, province, State(), TODAY)
    lan = state.communes["90000"].lan_prefix
    shrunk = copy.deepcopy(mapping)
    del shrunk.new_units["90000"]
    del shrunk.old_units["20001"]
    after, _, _ = allocate(shrunk, province, state, TODAY)
    shrunk.new_units["90099"] = NewUnit("90099", "Xã Khác", "Lâm Đồng", [Succession("20000", True)])
    again, _, _ = allocate(shrunk, province, after, TODAY)
    assert again.communes["90099"].lan_prefix != lan


def test_rename_changes_label_only_and_quarantines_the_old_one(tmp_path: Path) -> None:
    mapping = small_mapping(3)
    province = province_for(mapping, tmp_path)
    state, _, _ = allocate(mapping, province, State(), TODAY)
    renamed = copy.deepcopy(mapping)
    renamed.new_units["90010"].name = "Phường Đổi Tên"
    after, allocations, _ = allocate(renamed, province, copy.deepcopy(state), TODAY)
    before, now = state.communes["90010"], after.communes["90010"]
    assert now.label == "doiten" and now.name == "Phường Đổi Tên"
    assert (now.lan_prefix, now.vc_prefix, now.edoc_code, now.sites) == (
        before.lan_prefix,
        before.vc_prefix,
        before.edoc_code,
        before.sites,
    )
    assert any(item.kind == "domain" and item.value == before.label for item in after.quarantine)
    assert allocations.commune("90010").fqdn == "doiten.lamdong.gov.vn"


def test_nfd_spelling_is_not_a_rename(tmp_path: Path) -> None:
    import unicodedata

    mapping = small_mapping(2)
    province = province_for(mapping, tmp_path)
    state, _, _ = allocate(mapping, province, State(), TODAY)
    nfd = copy.deepcopy(mapping)
    nfd.new_units["90000"].name = unicodedata.normalize("NFD", nfd.new_units["90000"].name)
    after, _, _ = allocate(nfd, province, copy.deepcopy(state), TODAY)
    assert after.generation == state.generation and not after.quarantine


def test_label_collisions_get_distinct_deterministic_labels(tmp_path: Path) -> None:
    mapping = small_mapping(5)
    mapping.new_units["90010"].name = "Xã Đắk Sắk"  # old units in Bắc Bình
    mapping.new_units["90020"].name = "Xã Dak Sak"  # same label once folded; Tuy Phong
    mapping.new_units["90000"].name = "Xã Đăk Sắk"  # Tuy Phong
    mapping.new_units["90040"].name = "Xã Đắk Sắk"  # Tuy Phong again
    province = province_for(mapping, tmp_path)
    state, allocations, _ = allocate(mapping, province, State(), TODAY)
    labels = {commune.code: commune.label for commune in allocations.communes}
    assert labels["90000"] == "daksak"  # lowest code wins the bare label
    assert labels["90010"] == "daksakbacbinh"  # then the old district's label
    assert labels["90020"] == "daksaktuyphong"
    assert labels["90040"] == "daksak2"  # then a number
    assert len(allocations.notes) == 3 and "daksak" in allocations.notes[0]
    assert state.communes["90040"].label_note  # recorded in the state for reports
    # servers' names are reserved labels
    mapping.new_units["90030"].name = "Xã Mail"
    _, allocations, _ = allocate(mapping, province, State(), TODAY)
    assert allocations.commune("90030").label == "mailbacbinh"


def test_operator_assigned_site_replaces_pool_addresses(tmp_path: Path) -> None:
    mapping = small_mapping(2)
    province = province_for(mapping, tmp_path)
    state, _, _ = allocate(mapping, province, State(), TODAY)
    pool_link = state.communes["90000"].sites["hq"].link_prefix
    text = (
        (tmp_path / "province.yml")
        .read_text(encoding="utf-8")
        .replace(
            "sites: {}",
            'sites:\n  "90000":\n    - {name: hq, link_prefix: 10.10.5.6/31, loopback: 10.10.250.7}\n'
            '    - {name: backup, role: secondary, reuses_old_endpoint: "20001"}\n',
        )
    )
    (tmp_path / "edited").mkdir()
    assigned = province_for(mapping, tmp_path / "edited", text)
    after, allocations, diagnostics = allocate(mapping, assigned, copy.deepcopy(state), TODAY)
    assert not diagnostics
    sites = allocations.commune("90000").sites
    assert str(sites[0].endpoint.link_prefix) == "10.10.5.6/31" and sites[0].endpoint.operator_assigned
    assert sites[1].reuses_old_endpoint == "20001" and not sites[1].endpoint.operator_assigned
    assert sites[0].reuses_old_endpoint == "20000"
    assert any(item.value == pool_link for item in after.quarantine)


def test_exhausted_pool_takes_nothing(tmp_path: Path) -> None:
    pool = Pool(IPNetwork("10.0.0.0/29"), ["10.0.0.0/31"])
    try:
        pool.take_many(31, 4)
    except PoolExhausted as error:
        assert (error.needed, error.available) == (4, 3)
    else:
        raise AssertionError("expected PoolExhausted")
    assert [str(p) for p in pool.take_many(31, 3)] == ["10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/31"]

    mapping = small_mapping(3)
    province = province_for(mapping, tmp_path)
    state, _, _ = allocate(mapping, province, State(), TODAY)
    province.pools["commune_lans"] = IPNetwork("10.64.0.0/22")  # held: 2 of 3 need it... now 3 > 2
    grown = copy.deepcopy(mapping)
    del grown.new_units["90020"]
    grown.new_units["90030"] = NewUnit("90030", "Xã Mới", "Lâm Đồng", [Succession("20020", True)])
    _after, _, diagnostics = allocate(grown, province, copy.deepcopy(state), TODAY)
    assert "pools.commune_lans 10.64.0.0/22 is exhausted: 1 more /23 needed, 0 free" in str(
        diagnostics.items[0]
    )


def test_edoc_codes_skip_issued_and_closed_codes(tmp_path: Path) -> None:
    mapping = small_mapping(3)
    text = None
    province = province_for(mapping, tmp_path, text)
    province.edoc = type(province.edoc)(
        "H36", "{level1}.{seq:03d}", 1, ("H36.001", "H36.003"), {"20000": "H36.004"}
    )
    _, allocations, _ = allocate(mapping, province, State(), TODAY)
    assert [c.edoc_code for c in allocations.communes] == ["H36.002", "H36.005", "H36.006"]
    assert next(u for u in allocations.old_units if u.code == "20000").edoc_code == "H36.004"


def test_bình_thuận_real_data(tmp_path: Path) -> None:
    from controller.sources.dataset import load_province

    mapping = load_province("Lâm Đồng", "Bình Thuận")
    province = province_for(mapping, tmp_path)
    state, allocations, diagnostics = allocate(mapping, province, State(), TODAY)
    assert not diagnostics
    assert len(allocations.communes) == 45 and len(allocations.old_units) == 121
    assert len(allocations.old_districts) == 10
    assert len({c.label for c in allocations.communes}) == 45
    _assert_disjoint(_all_prefixes(state))
    muine = next(c for c in allocations.communes if c.label == "muine")
    assert muine.code == "22918" and muine.sites[0].reuses_old_endpoint == "22918"  # same code rule
    assert {f.code for f in muine.formed_from} == {"22915", "22918", "22957"}
    # every old unit is reused by at most one site, and each commune's first site reuses one
    reused = [u.endpoint_reused_by for u in allocations.old_units if u.endpoint_reused_by]
    assert len(reused) == len(set(reused)) == 45


def test_district_lines_by_code_or_name(tmp_path: Path) -> None:
    mapping = small_mapping(2)
    text = (
        province_for(mapping, tmp_path)
        .path.read_text(encoding="utf-8")
        .replace(
            "sites: {}",
            'sites:\n  "90010":\n    - {name: hq, reuses_old_endpoint: "Bình Thuận/Huyện Bắc Bình"}\n',
        )
        .replace(
            "legacy_endpoints: {}",
            'legacy_endpoints:\n  "594": {link_prefix: 10.10.0.0/31, loopback: 10.10.1.1, line_id: TP-1}\n'
            '  "Bình Thuận/Huyện Bắc Bình": {link_prefix: 10.10.0.2/31, loopback: 10.10.1.2}\n',
        )
    )
    (tmp_path / "edited").mkdir()
    province = province_for(mapping, tmp_path / "edited", text)
    _, allocations, diagnostics = allocate(mapping, province, State(), TODAY)
    assert not diagnostics
    districts = {district.code: district for district in allocations.old_districts}
    assert (
        str(districts["594"].endpoint.link_prefix) == "10.10.0.0/31"
        and districts["594"].endpoint.operator_assigned
    )
    assert str(districts["596"].endpoint.link_prefix) == "10.10.0.2/31"
    assert (
        districts["596"].endpoint_reused_by == "thunghiemb-gw" and districts["594"].endpoint_reused_by is None
    )
    # the commune whose site took the district's line no longer reuses its old unit's line
    assert allocations.commune("90010").sites[0].reuses_old_endpoint == "Bình Thuận/Huyện Bắc Bình"
    assert all(unit.endpoint_reused_by != "thunghiemb-gw" for unit in allocations.old_units)


def test_choose_label_rules() -> None:
    from controller.names import choose_label

    assert choose_label("Xã Sơn Hạ", "sonha", set()) == ("sonha", None)
    assert choose_label("Xã Sơn Hạ", "sonha", {"sonha"})[0] == "sonha2"  # not "sonhasonha"
    assert choose_label("Xã Sơn Hạ", "sonha", {"sonha", "sonha2"})[0] == "sonha3"
    long_name = "Xã " + "Dài" * 30
    label, _ = choose_label(long_name, "tuyphong", {"dai" * 21})
    assert len(label) <= 63 and label.endswith("tuyphong")


def test_same_name_takes_back_its_quarantined_label(tmp_path: Path) -> None:
    mapping = small_mapping(3)
    province = province_for(mapping, tmp_path)
    state, _, _ = allocate(mapping, province, State(), TODAY)
    # a corrected code: 90010 becomes 90011, same name
    fixed = copy.deepcopy(mapping)
    unit = fixed.new_units.pop("90010")
    unit.code = "90011"
    fixed.new_units["90011"] = unit
    after, allocations, _ = allocate(fixed, province, copy.deepcopy(state), TODAY)
    assert after.communes["90011"].label == state.communes["90010"].label == "thunghiemb"
    assert not any(item.kind == "domain" for item in after.quarantine)
    assert all(item.kind != "domain" for item in allocations.released)
    assert any(item.value == state.communes["90010"].lan_prefix for item in after.quarantine)
    # another name never gets it
    renamed = copy.deepcopy(mapping)
    renamed.new_units["90010"].name = "Xã Khác Hẳn"
    after, _, _ = allocate(renamed, province, copy.deepcopy(state), TODAY)
    other = copy.deepcopy(renamed)
    other.new_units["90099"] = NewUnit("90099", "Xã Thứ Nghiệm B", "Lâm Đồng", [Succession("20011", True)])
    again, _, _ = allocate(other, province, after, TODAY)
    assert "thunghiemb" not in {entry.label for entry in again.communes.values()}
    # and renaming back restores it
    back, _, _ = allocate(mapping, province, copy.deepcopy(after), TODAY)
    assert back.communes["90010"].label == "thunghiemb"
