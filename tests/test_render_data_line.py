"""The data line's shared parameters and the core's lists, rendered once by the controller.

Both ends of a line read `province_data_line`; the core reads `core_peers`,
`core_old_endpoints` and `core_active_addresses` (group_vars/dataline_core/data_line.yml)
instead of deriving them from every gateway's hostvars in role defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from controller.render.data_line import DATA_LINE_PARAMETERS, core_vars
from controller.render.paths import core_data_line_path, old_units_path

REPO = Path(__file__).resolve().parent.parent
SITE_ADDRESSES = ("link_prefix", "core_address", "local_address", "loopback")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rendered(rendered_binh_thuan: Path) -> dict[str, Any]:
    communes = [load(path) for path in sorted((rendered_binh_thuan / "host_vars").glob("*-gw.yml"))]
    return {
        "province": load(rendered_binh_thuan / "group_vars" / "all" / "province.yml"),
        "old": load(old_units_path(rendered_binh_thuan)),
        "core": load(core_data_line_path(rendered_binh_thuan)),
        "communes": {commune["commune_label"]: commune for commune in communes},
    }


def test_both_ends_get_one_set_of_agreed_parameters(rendered: dict[str, Any]) -> None:
    agreed = rendered["province"]["province_data_line"]
    assert agreed == DATA_LINE_PARAMETERS
    for by_role in (agreed["metrics"], agreed["bgp_local_preference"]):
        assert set(by_role) == {"main", "secondary"}
    # the main line wins on both ends: lower metric, higher local preference
    assert agreed["metrics"]["main"] < agreed["metrics"]["secondary"]
    assert agreed["bgp_local_preference"]["main"] > agreed["bgp_local_preference"]["secondary"]
    assert agreed["bgp_timers"]["hold"] == 3 * agreed["bgp_timers"]["keepalive"]


def test_one_peer_per_site_of_every_commune_with_its_own_prefixes(rendered: dict[str, Any]) -> None:
    peers = rendered["core"]["core_peers"]
    communes = rendered["communes"]
    assert len(communes) == 45
    assert len(peers) == sum(len(commune["commune_sites"]) for commune in communes.values())
    assert len({peer["key"] for peer in peers}) == len(peers)
    assert len({peer["link_prefix"] for peer in peers}) == len(peers)
    for peer in peers:
        commune = communes[peer["commune"]]
        site = next(s for s in commune["commune_sites"] if peer["key"] == f"{peer['commune']}-{s['name']}")
        vc = next(vlan["prefix"] for vlan in commune["commune_vlans"] if vlan["name"] == "vc")
        assert {key: peer[key] for key in ("link_prefix", "core_address", "local_address")} == {
            key: site[key] for key in ("link_prefix", "core_address", "local_address")
        }
        assert peer["prefixes"] == [commune["commune_lan_prefix"], vc, f"{site['loopback']}/32"]
        assert (peer["role"], peer["routing"]) == (site["role"], site["routing"])
        assert peer["asn"] == commune["commune_asn"]
    muine = next(peer for peer in peers if peer["key"] == "muine-hq")
    assert muine["commune"] == "muine" and muine["asn"] == 4200022918
    assert muine["core_address"] == muine["link_prefix"].split("/")[0]


def test_every_old_endpoint_is_listed_once_with_its_fate(rendered: dict[str, Any]) -> None:
    old, endpoints = rendered["old"], rendered["core"]["core_old_endpoints"]
    assert len(endpoints) == len(old["old_units"]) + len(old["old_districts"]) == 121 + 10
    by_key = {entry["key"]: entry for entry in endpoints}
    assert len(by_key) == len(endpoints)
    for unit in old["old_units"]:
        entry = by_key[f"old-{unit['code']}"]
        assert (entry["kind"], entry["code"]) == ("commune", unit["code"])
        assert entry["owner"] == f"old:{unit['code']}"
        assert (entry["endpoint"], entry["reused_by"]) == (unit["endpoint"], unit["endpoint_reused_by"])
    for district in old["old_districts"]:
        entry = by_key[f"district-{district['province_label']}-{district['label']}"]
        assert (entry["kind"], entry["code"]) == ("district", district["code"])
        assert entry["endpoint"] == district["endpoint"]
        assert entry["reused_by"] == district["endpoint_reused_by"]
    # every new commune keeps one old line; the rest are terminated
    assert sorted(e["reused_by"] for e in endpoints if e["reused_by"]) == sorted(
        f"{label}-gw" for label in rendered["communes"]
    )


def test_active_addresses_are_every_site_address_and_no_terminated_endpoint_has_one(
    rendered: dict[str, Any],
) -> None:
    active = rendered["core"]["core_active_addresses"]
    sites = [site for commune in rendered["communes"].values() for site in commune["commune_sites"]]
    assert sorted(active) == sorted(str(site[key]) for site in sites for key in SITE_ADDRESSES)
    assert len(set(active)) == len(active)
    terminated = [e for e in rendered["core"]["core_old_endpoints"] if not e["reused_by"]]
    assert terminated
    for entry in terminated:
        assert not {str(entry["endpoint"][key]) for key in SITE_ADDRESSES} & set(active), entry["key"]


def test_the_core_lists_are_what_the_controller_derives_from_the_rendered_records(
    rendered: dict[str, Any],
) -> None:
    vc = rendered["province"]["province_vc_vlan"]["name"]
    communes = list(rendered["communes"].values())
    derived = core_vars(communes, rendered["old"], vc)
    assert sorted(derived["core_peers"], key=lambda p: p["key"]) == sorted(
        rendered["core"]["core_peers"], key=lambda p: p["key"]
    )
    assert derived["core_old_endpoints"] == rendered["core"]["core_old_endpoints"]
    assert sorted(derived["core_active_addresses"]) == sorted(rendered["core"]["core_active_addresses"])


def test_the_network_scenario_inventory_keeps_the_contract() -> None:
    """molecule/network's hand-written core lists are what the controller would render from the
    scenario's own communes and old units: the scenario cannot drift from the contract."""
    inventory = REPO / "molecule" / "network" / "inventory"
    province = load(inventory / "group_vars" / "all" / "province.yml")
    communes = [load(inventory / "host_vars" / f"{host}.yml") for host in ("mt-net-gw-a", "mt-net-gw-b")]
    old = load(inventory / "group_vars" / "all" / "old_units.yml")
    core = load(inventory / "group_vars" / "dataline_core" / "data_line.yml")
    assert province["province_data_line"] == DATA_LINE_PARAMETERS
    assert core == core_vars(communes, old, province["province_vc_vlan"]["name"])
