"""Property: lines-to-return lists exactly the old endpoints no site reuses, whatever the mix."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from controller.exports import lines_to_return

GATEWAY = {
    "commune_label": "muine",
    "commune_sites": [{"name": "hq", "link_prefix": "10.250.0.0/31", "core_address": "10.250.0.0",
                       "local_address": "10.250.0.1", "loopback": "10.251.0.1"}],
}


def old_unit(position: int, reused: bool, has_endpoint: bool) -> dict[str, object]:
    base = 2 * position
    endpoint = {"link_prefix": f"10.249.{base // 256}.{base % 256}/31",
                "core_address": f"10.249.{base // 256}.{base % 256}",
                "local_address": f"10.249.{base // 256}.{base % 256 + 1}",
                "loopback": f"10.248.{position // 256}.{position % 256}", "operator_assigned": False}
    return {"code": f"{20000 + position}", "name": f"Xã {position}", "province": "Bình Thuận",
            "endpoint": endpoint if has_endpoint else None,
            "endpoint_reused_by": "muine-gw" if reused else None}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), max_size=30))
def test_exactly_the_unreused_endpoints_are_listed(flags: list[tuple[bool, bool]]) -> None:
    units = [old_unit(position, reused, has_endpoint)
             for position, (reused, has_endpoint) in enumerate(flags)]
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        (workspace / "host_vars").mkdir()
        (workspace / "group_vars" / "merger_records").mkdir(parents=True)
        (workspace / "host_vars" / "muine-gw.yml").write_text(yaml.safe_dump(GATEWAY), encoding="utf-8")
        old = {"old_units": units, "old_districts": []}
        old_text = yaml.safe_dump(old, allow_unicode=True)
        (workspace / "group_vars" / "merger_records" / "old_units.yml").write_text(old_text, encoding="utf-8")
        [path] = lines_to_return.export(workspace, workspace / "reports")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            listed = [row["code"] for row in csv.DictReader(handle)]
    expected = sorted(unit["code"] for unit in units if unit["endpoint"] and not unit["endpoint_reused_by"])
    assert listed == expected
