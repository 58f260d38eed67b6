"""Pure parts of library/bind_zone.py: records, rendering, serials, the deletion guard."""

from __future__ import annotations

import datetime
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "library"))

import bind_zone as bz

ZONE = "lamdong.gov.vn"
NS = ["ns1.lamdong.gov.vn", "ns2.lamdong.gov.vn"]


def render(records: list[dict], serial: int = 2025070100) -> str:
    built = bz.build_records(ZONE, records)
    digest = bz.content_hash(ZONE, ("x",), NS, built)
    return bz.render_zone(ZONE, serial, digest, NS, "hostmaster@lamdong.gov.vn", built)


def test_serial_starts_at_todays_floor() -> None:
    assert bz.next_serial(0, datetime.date(2025, 7, 1)) == 2025070100


def test_serial_increments_within_a_day() -> None:
    assert bz.next_serial(2025070100, datetime.date(2025, 7, 1)) == 2025070101


def test_serial_never_goes_backwards_when_the_clock_does() -> None:
    assert bz.next_serial(2026010105, datetime.date(2025, 7, 1)) == 2026010106


def test_serial_moves_to_a_later_day() -> None:
    assert bz.next_serial(2025070107, datetime.date(2025, 7, 2)) == 2025070200


def test_serial_refuses_to_overflow_32_bits() -> None:
    with pytest.raises(ValueError):
        bz.next_serial(2**32 - 1, datetime.date(2025, 7, 1))


@given(
    st.integers(min_value=0, max_value=2**32 - 200),
    st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)),
)
def test_serial_always_increases(current: int, day: datetime.date) -> None:
    assert bz.next_serial(current, day) > current


def test_records_are_sorted_and_deduplicated() -> None:
    records = bz.build_records(
        ZONE,
        [
            {"name": "muine", "type": "a", "value": "10.240.0.41"},
            {"name": "@", "type": "MX", "value": "10 mail.lamdong.gov.vn."},
            {"name": "muine", "type": "A", "value": "10.240.0.41"},
            {"name": "muine.lamdong.gov.vn.", "type": "AAAA", "value": "fd68::41"},
        ],
    )
    assert [(r.owner, r.rtype) for r in records] == [("@", "MX"), ("muine", "A"), ("muine", "AAAA")]


def test_invalid_records_are_all_reported() -> None:
    with pytest.raises(bz.ZoneInputError) as err:
        bz.build_records(
            ZONE,
            [
                {"name": "a", "type": "BOGUS", "value": "x"},
                {"name": "b", "type": "A", "value": ""},
                {"name": "c.other.vn.", "type": "A", "value": "10.0.0.1"},
                {"name": "d", "type": "A", "value": "10.0.0.1; evil"},
                {"name": "@", "type": "CNAME", "value": "x."},
                {"name": "e", "type": "TXT", "value": "Mũi Né"},
            ],
        )
    assert len(err.value.problems) == 6


def test_long_txt_is_split_in_255_octet_strings() -> None:
    rdata = bz.txt_rdata("p=" + "A" * 400)
    parts = rdata.split('" "')
    assert len(parts) == 2
    assert len(parts[0].lstrip('"')) == 255


def test_txt_quotes_are_escaped() -> None:
    assert bz.txt_rdata('say "hi"') == '"say \\"hi\\""'


def test_rendered_zone_reads_back() -> None:
    text = render(
        [{"name": "muine", "type": "A", "value": "10.240.0.41"}, {"name": "x", "type": "TXT", "value": "a b"}]
    )
    digest, serial, records = bz.parse_zone_text(text)
    assert digest is not None and serial == 2025070100
    assert records == {("muine", "A", "10.240.0.41"), ("x", "TXT", '"a b"')}


def test_hash_ignores_input_order_but_not_content() -> None:
    a = [{"name": "x", "type": "A", "value": "10.0.0.1"}, {"name": "y", "type": "A", "value": "10.0.0.2"}]
    first = bz.content_hash(ZONE, ("x",), NS, bz.build_records(ZONE, a))
    second = bz.content_hash(ZONE, ("x",), NS, bz.build_records(ZONE, list(reversed(a))))
    third = bz.content_hash(ZONE, ("x",), NS, bz.build_records(ZONE, a[:1]))
    assert first == second != third


def test_foreign_zone_file_has_no_hash() -> None:
    digest, serial, records = bz.parse_zone_text("@ IN SOA a. b. ( 42 1 1 1 1 )\n")
    assert digest is None and serial == 42 and records == set()


def _old(n: int) -> set[tuple[str, str, str]]:
    return {(f"old{i}", "A", "10.0.0.1") for i in range(n)}


def test_guard_stops_a_mass_deletion() -> None:
    plan = bz.plan_change(
        _old(20), bz.build_records(ZONE, [{"name": "old0", "type": "A", "value": "10.0.0.1"}])
    )
    assert len(plan.removed) == 19 and plan.existing == 20
    assert bz.deletion_refused(plan, 0.10, 10, allow=False)
    assert not bz.deletion_refused(plan, 0.10, 10, allow=True)


def test_guard_lets_a_small_deletion_through() -> None:
    keep = [{"name": f"old{i}", "type": "A", "value": "10.0.0.1"} for i in range(19)]
    plan = bz.plan_change(_old(20), bz.build_records(ZONE, keep))
    assert plan.delete_ratio == pytest.approx(0.05)
    assert not bz.deletion_refused(plan, 0.10, 10, allow=False)


def test_guard_ignores_tiny_zones() -> None:
    plan = bz.plan_change(_old(3), [])
    assert not bz.deletion_refused(plan, 0.10, 10, allow=False)


def test_changed_value_is_an_update_not_a_deletion() -> None:
    new = [{"name": f"old{i}", "type": "A", "value": "10.0.0.9"} for i in range(20)]
    plan = bz.plan_change(_old(20), bz.build_records(ZONE, new))
    assert plan.removed == [] and len(plan.updated) == 20
    assert not bz.deletion_refused(plan, 0.10, 10, allow=False)


@given(st.integers(min_value=10, max_value=200), st.integers(min_value=0, max_value=200))
def test_guard_matches_the_ratio(existing: int, kept: int) -> None:
    kept = min(kept, existing)
    new = bz.build_records(ZONE, [{"name": f"old{i}", "type": "A", "value": "10.0.0.1"} for i in range(kept)])
    plan = bz.plan_change(_old(existing), new)
    assert bz.deletion_refused(plan, 0.10, 10, allow=False) == ((existing - kept) / existing > 0.10)


@pytest.mark.skipif(shutil.which("named-checkzone") is None, reason="needs bind9-utils (scripts/setup.sh)")
def test_rendered_zone_passes_named_checkzone(tmp_path: Path) -> None:
    path = tmp_path / "zone"
    path.write_text(
        render(
            [
                {"name": "muine", "type": "A", "value": "10.240.0.41"},
                {"name": "ns1", "type": "A", "value": "10.240.0.11"},
                {"name": "ns2", "type": "A", "value": "10.240.0.12"},
                {"name": "mail2025._domainkey.muine", "type": "TXT", "value": "v=DKIM1; p=" + "A" * 400},
            ]
        )
    )
    ok, output = bz.run_checkzone("named-checkzone", ZONE, str(path))
    assert ok, output


@pytest.mark.skipif(shutil.which("named-checkzone") is None, reason="needs bind9-utils (scripts/setup.sh)")
def test_named_checkzone_catches_a_broken_record(tmp_path: Path) -> None:
    path = tmp_path / "zone"
    path.write_text(
        render(
            [
                {"name": "ns1", "type": "A", "value": "10.240.0.11"},
                {"name": "ns2", "type": "A", "value": "10.240.0.12"},
                {"name": "broken", "type": "A", "value": "10.0.0.999"},
            ]
        )
    )
    ok, output = bz.run_checkzone("named-checkzone", ZONE, str(path))
    assert not ok
    assert "bad dotted quad" in output


def test_module_source_has_no_ansible_import_at_top() -> None:
    # bench/ and these tests import the module as a library: Ansible is imported inside main() only.
    source = (Path(__file__).resolve().parents[1] / "library" / "bind_zone.py").read_text()
    assert "\nfrom ansible" not in source.split("def main")[0]
