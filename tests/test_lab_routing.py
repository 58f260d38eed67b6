"""The lab's routing (plan addresses in the lab, return routes, the leak guard) and the pure
parts of `mergectl lab check`: no podman needed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from netaddr import IPAddress, IPNetwork, IPSet

from lab import check as lab_check
from lab import shell
from lab.plan import (
    CORE,
    GATEWAY,
    LAB_POOL,
    OLD_DISTRICT,
    SERVER,
    InventoryView,
    LabPlanError,
    build_plan,
)
from lab.routing import (
    GUARD_TABLE,
    LabRouting,
    build_routing,
    guard_ruleset,
    plan_space,
    plumbing_script,
)
from lab.verdict import (
    OUTSIDE_THE_PLAN,
    commune_names,
    parse_counter,
    parse_dig_answers,
    parse_lease,
    service_probes,
    vm_probe_address,
)

PROVINCE = "h2labtest"
IC = "10.240.0.0/24"
VM = "10.241.0.0/22"
CORE_LOOPBACK = "10.251.15.255"

PROVINCE_VARS: dict[str, Any] = {
    "province_label": PROVINCE,
    "province_domain": "lamdong.gov.vn",
    "province_integration_centre_prefix": IC,
    "province_vm_prefix": VM,
    "province_core": {"name": "core1", "loopback": CORE_LOOPBACK},
    "province_dns_primary": {"name": "ns1", "address": "10.240.0.11"},
    "province_services": [
        {"name": "dns", "proto": "udp", "port": 53, "address": "10.240.0.11"},
        {"name": "dns", "proto": "tcp", "port": 53, "address": "10.240.0.11"},
        {"name": "portal", "proto": "tcp", "port": 443, "address": "10.240.0.41"},
        {"name": "portal", "proto": "tcp", "port": 443, "address": "10.240.0.41"},
        {"name": "idesk", "proto": "tcp", "port": 443, "prefix": VM},
    ],
}


def commune_vars(label: str, index: int) -> dict[str, Any]:
    third = index * 2
    return {
        "commune_label": label,
        "commune_domain": f"{label}.lamdong.gov.vn",
        "commune_lan_prefix": f"10.64.{third}.0/23",
        "commune_vlans": [
            {"name": "gov", "prefix": f"10.64.{third}.0/25", "gateway": f"10.64.{third}.1", "dhcp": True},
            {"name": "party", "prefix": f"10.64.{third}.128/26", "gateway": f"10.64.{third}.129"},
            {"name": "vc", "prefix": f"10.252.0.{index * 16}/28", "gateway": f"10.252.0.{index * 16 + 1}"},
        ],
        "commune_sites": [
            {
                "name": "hq",
                "link_prefix": f"10.250.0.{index * 2}/31",
                "core_address": f"10.250.0.{index * 2}",
                "local_address": f"10.250.0.{index * 2 + 1}",
                "loopback": f"10.251.0.{index}",
            }
        ],
    }


COMMUNES = ("muine", "phuquy", "hamtien")


def fixture_view(**overrides: Any) -> InventoryView:
    hosts = {
        "core1": {"ansible_host": "10.240.0.1"},
        "ns1": {"ansible_host": "10.240.0.11"},
        "ns2": {"ansible_host": "10.240.0.12"},
        "portal1": {"ansible_host": "10.240.0.41"},
        "old-binhthuan-phanthiet": {"ansible_host": "10.249.0.2", "old_district_successors": ["muine"]},
    }
    for index, label in enumerate(COMMUNES):
        hosts[f"{label}-gw"] = commune_vars(label, index)
    hostvars = {host: {**PROVINCE_VARS, **overrides, **variables} for host, variables in hosts.items()}
    listing = {
        "all": {"children": ["communes", "dataline_core", "integration_centre", "retiring_districts"]},
        "communes": {"hosts": [f"{label}-gw" for label in COMMUNES]},
        "dataline_core": {"hosts": ["core1"]},
        "integration_centre": {"hosts": ["ns1", "ns2", "portal1"]},
        "retiring_districts": {"hosts": ["old-binhthuan-phanthiet"]},
        "_meta": {"hostvars": hostvars},
    }
    return InventoryView.from_ansible_list(listing)


def routing_of(view: InventoryView | None = None, communes: int = 2) -> LabRouting:
    view = view or fixture_view()
    routing = build_routing(build_plan(view, PROVINCE, communes=communes), view)
    assert routing is not None
    return routing


def test_core_takes_its_plan_address_on_the_ic_network_and_servers_theirs() -> None:
    routing = routing_of()
    core = routing.host("core1")
    assert core.kind == CORE and core.addresses == (("eth1", "10.240.0.1/24"),)
    assert routing.host("ns1").addresses == (("eth0", "10.240.0.11/24"),)
    assert routing.host("portal1").addresses == (("eth0", "10.240.0.41/24"),)
    assert routing.core_address == "10.240.0.1"


def test_servers_and_old_hosts_send_the_whole_plan_space_through_the_core() -> None:
    routing = routing_of()
    assert routing.plan_space == ("10.0.0.0/8", "192.168.0.0/16")
    for entry in routing.hosts:
        if entry.kind in {SERVER, OLD_DISTRICT}:
            via_core = {r.destination for r in entry.routes if r.via == "10.240.0.1"}
            assert via_core == set(routing.plan_space), entry.host
    old = routing.host("old-binhthuan-phanthiet")
    assert old.routes[0].destination == IC and old.routes[0].via is None and old.routes[0].interface == "eth0"


def test_core_guard_lets_through_only_what_lives_in_the_lab() -> None:
    routing = routing_of()
    allowed = IPSet(routing.host("core1").lab_destinations)
    assert IPNetwork(IC) in allowed and IPAddress(CORE_LOOPBACK) in allowed
    for label in ("muine", "phuquy"):  # the two lab communes: LAN, VC VLAN, link, loopback
        for prefix in (
            commune_vars(label, COMMUNES.index(label))["commune_lan_prefix"],
            f"10.252.0.{COMMUNES.index(label) * 16}/28",
        ):
            assert IPNetwork(prefix) in allowed
    # no VM lives in the lab; hamtien is not in the slice; nothing public
    assert IPAddress("10.241.0.9") not in allowed
    assert IPAddress("10.64.4.1") not in allowed
    assert IPAddress(OUTSIDE_THE_PLAN) not in allowed
    assert not allowed & IPSet([VM, "10.64.4.0/23", LAB_POOL])


def test_gateway_guard_holds_its_own_commune_and_what_its_data_line_sends_to_the_core() -> None:
    routing = routing_of()
    muine = IPSet(routing.host("muine-gw").lab_destinations)
    assert IPNetwork("10.64.0.0/23") in muine and IPNetwork(VM) in muine and IPNetwork(IC) in muine
    assert IPAddress(CORE_LOOPBACK) in muine
    # another commune's LAN leaves through podman's default route on a gateway: not allowed
    assert IPAddress("10.64.2.1") not in muine
    assert IPAddress(OUTSIDE_THE_PLAN) not in muine


lab_addresses = st.integers(min_value=0, max_value=2**32 - 1).map(IPAddress)


@given(lab_addresses)
def test_a_forwarded_destination_is_allowed_only_when_a_lab_host_or_the_ic_owns_it(
    address: IPAddress,
) -> None:
    routing = ROUTING
    core_allowed = address in IPSet(routing.host("core1").lab_destinations)
    lives_in_lab = address in IPSet([IC, CORE_LOOPBACK + "/32"]) or any(
        address in IPNetwork(prefix)
        for index, label in enumerate(COMMUNES[:2])
        for prefix in [
            commune_vars(label, index)["commune_lan_prefix"],
            *[v["prefix"] for v in commune_vars(label, index)["commune_vlans"]],
            commune_vars(label, index)["commune_sites"][0]["link_prefix"],
            commune_vars(label, index)["commune_sites"][0]["loopback"] + "/32",
        ]
    )
    assert core_allowed == lives_in_lab
    for entry in routing.hosts:
        if entry.kind == GATEWAY and address in IPSet(entry.lab_destinations):
            # whatever a gateway forwards is plan space the core decides on, never a public address
            assert any(address in IPNetwork(block) for block in routing.plan_space)
            assert address not in LAB_POOL


ROUTING = routing_of()


def test_a_plan_inside_the_lab_pool_is_refused() -> None:
    with pytest.raises(LabPlanError, match="inside the lab's own pool"):
        plan_space([IPNetwork("172.30.5.0/24")])
    assert [str(p) for p in plan_space([IPNetwork("100.64.0.0/24")])] == [
        "10.0.0.0/8",
        "100.64.0.0/24",
        "192.168.0.0/16",
    ]


def test_an_inventory_without_an_address_plan_routes_nothing() -> None:
    view = fixture_view()
    stripped = {
        host: {k: v for k, v in variables.items() if k != "province_integration_centre_prefix"}
        for host, variables in view.hostvars.items()
    }
    bare = InventoryView(view.groups, stripped)
    assert build_routing(build_plan(bare, PROVINCE, communes=1), bare) is None


def test_a_core_without_a_plan_address_gets_the_first_one_and_a_note() -> None:
    view = fixture_view()
    hostvars = {host: dict(variables) for host, variables in view.hostvars.items()}
    hostvars["core1"]["ansible_host"] = "core1.example"
    routing = build_routing(
        build_plan(InventoryView(view.groups, hostvars), PROVINCE), InventoryView(view.groups, hostvars)
    )
    assert routing is not None and routing.core_address == "10.240.0.1"
    assert any("core1 has no address" in note for note in routing.notes)


def test_routing_document_round_trips() -> None:
    routing = routing_of()
    assert LabRouting.from_document(routing.to_document()) == routing


def test_scripts_validate_the_guard_before_loading_it_and_servers_get_no_firewall() -> None:
    routing = routing_of()
    core_script = plumbing_script(routing.host("core1"), routing.plan_space)
    assert core_script.index("nft -c -f") < core_script.index("nft -f /run")
    assert "ip address replace 10.240.0.1/24 dev eth1" in core_script
    server_script = plumbing_script(routing.host("ns1"), routing.plan_space)
    assert "nft" not in server_script
    assert "ip route replace 10.0.0.0/8 via 10.240.0.1" in server_script


@pytest.mark.skipif(shutil.which("nft") is None, reason="nft is not installed here")
def test_guard_ruleset_is_valid_nftables(tmp_path: Path) -> None:
    routing = routing_of()
    for host in ("core1", "muine-gw"):
        path = tmp_path / f"{host}.nft"
        text = guard_ruleset(routing.host(host), routing.plan_space)
        assert f"table inet {GUARD_TABLE}" in text
        path.write_text(text, encoding="utf-8")
        done = subprocess.run(["nft", "-c", "-f", str(path)], capture_output=True, text=True, check=False)
        if done.returncode != 0 and "Operation not permitted" in done.stderr:
            pytest.skip("nft -c needs CAP_NET_ADMIN")
        assert done.returncode == 0, done.stderr


# --- the pure parts of `lab check` ---------------------------------------------------------


def test_lease_file_is_read() -> None:
    lease = parse_lease(
        "# This is private data. Do not parse.\nADDRESS=10.64.0.32\nSERVER_ADDRESS=10.64.0.1\nDNS=10.64.0.1\n"
    )
    assert lease == {"ADDRESS": "10.64.0.32", "SERVER_ADDRESS": "10.64.0.1", "DNS": "10.64.0.1"}


def test_dig_answers_are_grouped_by_name() -> None:
    text = (
        "muine.lamdong.gov.vn.\t3600\tIN\tA\t10.240.0.41\n"
        "phuquy.lamdong.gov.vn. 3600 IN CNAME portal.lamdong.gov.vn.\n"
        "portal.lamdong.gov.vn. 3600 IN A 10.240.0.41\n"
        ";; communications error\n"
    )
    assert parse_dig_answers(text) == {
        "muine.lamdong.gov.vn": ["10.240.0.41"],
        "portal.lamdong.gov.vn": ["10.240.0.41"],
    }


def test_counter_is_read_from_nft_output() -> None:
    assert parse_counter("counter left_lab_forward {\n\tpackets 3 bytes 180\n}") == 3
    chain = 'ip daddr 10.240.0.11 accept\n\t\tcounter packets 12 bytes 720 comment "denied"\n'
    assert parse_counter(chain) == 12
    assert parse_counter("Error: No such file") is None


def test_probes_one_per_tcp_service_plus_an_unopened_port() -> None:
    probes = service_probes(PROVINCE_VARS["province_services"], VM)
    assert [(p.address, p.port, p.expect_reach) for p in probes] == [
        ("10.240.0.11", 53, True),
        ("10.240.0.41", 443, True),
        ("10.240.0.11", 22, False),
    ]
    address = vm_probe_address(VM)
    assert address is not None and IPAddress(address) in IPNetwork(VM)


def test_commune_names_in_inventory_order() -> None:
    view = fixture_view()
    assert commune_names(view.hostvars, view.hosts("communes")) == [
        "muine.lamdong.gov.vn",
        "phuquy.lamdong.gov.vn",
        "hamtien.lamdong.gov.vn",
    ]


def test_no_probe_leaves_for_outside_the_lab_when_a_guard_is_missing(
    lab_check_runs: list, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Safety: with the guard not loaded on a forwarder, the check must not send the probes
    toward the VM prefix or the documentation address, and must fail."""
    routing = routing_of()
    view = fixture_view()
    sent: list[tuple[str, str]] = []

    def fake_sh(container: str, script: str, timeout: float = 120) -> tuple[int, str]:
        sent.append((container, script))
        if script.startswith("nft list counter"):
            return 1, "Error: No such file or directory"
        if "leases" in script:
            return (
                0,
                "ADDRESS=10.64.0.32\nSERVER_ADDRESS=10.64.0.1\nDNS=10.64.0.1\n"
                "==\n2: eth0 inet 10.64.0.32/25 brd",
            )
        if script.startswith("dig"):
            return 0, "muine.lamdong.gov.vn. 60 IN A 10.240.0.41\n"
        return 0, "rc=0"

    monkeypatch.setattr(shell, "sh", fake_sh)
    monkeypatch.setattr(lab_check, "read_routing", lambda _workspace: routing)
    monkeypatch.setattr(lab_check, "load_inventory", lambda _workspace: view)
    lines: list[str] = []
    assert lab_check.run_check(Path("/nonexistent"), "muine-gw", lines.append) == 5
    vm_address = vm_probe_address(VM)
    assert vm_address is not None
    assert not any(OUTSIDE_THE_PLAN in script or vm_address in script for _, script in sent)
    assert any("NOT sent" in r.detail for r in lab_check_runs[-1].results)


prefixes = st.builds(
    lambda value, length: IPNetwork(f"{IPAddress(value)}/{length}").cidr,
    st.integers(min_value=0, max_value=2**32 - 1),
    st.integers(min_value=8, max_value=32),
)


@given(st.lists(prefixes, max_size=8))
def test_plan_space_covers_every_plan_prefix_and_never_the_lab_pool(plan: list[IPNetwork]) -> None:
    clash = [p for p in plan if p.first <= LAB_POOL.last and LAB_POOL.first <= p.last]
    if clash:
        with pytest.raises(LabPlanError):
            plan_space(plan)
        return
    space = IPSet(plan_space(plan))
    assert all(prefix in space for prefix in plan)
    assert not space & IPSet([LAB_POOL])
