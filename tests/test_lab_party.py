"""The lab's Party VLAN: its own untagged port on each gateway, its own DHCP client, and the
checks that it gets what the policy gives every client VLAN and never the government VLAN.

The check is run against a small simulated lab (the gateway's policy in Python, the
containers' command output faked): what is proven here is the check's judgement, that an
isolated Party VLAN passes and a leaking one fails. The real gateway is judged by the same
code in the Bình Thuận lab (`mergectl lab check`, README "The lab")."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from netaddr import IPAddress, IPNetwork

from controller.check.results import CheckRun
from lab import check as lab_check
from lab import overlay as overlay_io
from lab import shell
from lab.clients import PARTY as PARTY_CLIENT_KIND
from lab.clients import LabFacts, Session
from lab.plan import (
    CLIENT,
    GATEWAY,
    LAN,
    PARTY,
    InventoryView,
    build_plan,
    has_party_vlan,
)
from lab.probes import check_client
from lab.routing import build_routing
from lab.verdict import OUTSIDE_THE_PLAN, CheckRow, check_id, to_result, vm_probe_address

PROVINCE = "h2labparty"
REPO = Path(__file__).resolve().parents[1]
IC = "10.240.0.0/24"
VM = "10.241.0.0/22"
CORE_LOOPBACK = "10.251.15.255"
NS1 = "10.240.0.11"

PROVINCE_VARS: dict[str, Any] = {
    "province_label": PROVINCE,
    "province_integration_centre_prefix": IC,
    "province_vm_prefix": VM,
    "province_core": {"name": "core1", "loopback": CORE_LOOPBACK},
    "province_dns_primary": {"name": "ns1", "address": NS1},
    "province_services": [
        {"name": "dns", "proto": "udp", "port": 53, "address": NS1},
        {"name": "dns", "proto": "tcp", "port": 53, "address": NS1},
        {"name": "portal", "proto": "tcp", "port": 443, "address": "10.240.0.41"},
    ],
}


def commune_vars(label: str, index: int, *, party: bool = True) -> dict[str, Any]:
    third = index * 2
    vlans: list[dict[str, Any]] = [
        {
            "name": "gov",
            "id": 10,
            "prefix": f"10.64.{third}.0/25",
            "gateway": f"10.64.{third}.1",
            "dhcp": True,
        },
        {"name": "onestop", "id": 30, "prefix": f"10.64.{third}.192/26", "gateway": f"10.64.{third}.193"},
    ]
    if party:
        vlans.insert(
            1,
            {
                "name": "party",
                "id": 20,
                "prefix": f"10.64.{third}.128/26",
                "gateway": f"10.64.{third}.129",
                "dhcp": True,
            },
        )
    return {
        "commune_label": label,
        "commune_domain": f"{label}.lamdong.gov.vn",
        "commune_lan_prefix": f"10.64.{third}.0/23",
        "commune_vlans": vlans,
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


def fixture_view(*, phuquy_party: bool = True) -> InventoryView:
    hosts: dict[str, dict[str, Any]] = {
        "core1": {"ansible_host": "10.240.0.1"},
        "ns1": {"ansible_host": NS1},
        "muine-gw": commune_vars("muine", 0),
        "phuquy-gw": commune_vars("phuquy", 1, party=phuquy_party),
    }
    listing = {
        "all": {"children": ["communes", "dataline_core", "integration_centre"]},
        "communes": {"hosts": ["muine-gw", "phuquy-gw"]},
        "dataline_core": {"hosts": ["core1"]},
        "integration_centre": {"hosts": ["ns1"]},
        "_meta": {"hostvars": {host: {**PROVINCE_VARS, **v} for host, v in hosts.items()}},
    }
    return InventoryView.from_ansible_list(listing)


# --- plan and overlay ------------------------------------------------------------------------


def test_a_gateway_with_a_party_vlan_gets_a_second_lan_port_and_a_party_client() -> None:
    plan = build_plan(fixture_view(), PROVINCE)
    gateway = plan.container("muine-gw")
    assert gateway.interfaces == {"transport": "eth0", "lan": "eth1", "party": "eth2"}
    assert gateway.vlan_ports == {"gov": "eth1", "party": "eth2"}
    party_client = plan.container("muine-party-client")
    assert party_client.kind == CLIENT
    assert party_client.interfaces == {"party": "eth0"}
    assert party_client.attachments[0].network == gateway.attachments[2].network
    # the two LANs are different wires: nothing but the gateway joins them
    assert plan.container("muine-client").attachments[0].network != party_client.attachments[0].network
    party_nets = [n for n in plan.networks if n.role == PARTY]
    assert [n.name for n in party_nets] == [
        f"mergectl-lab-{PROVINCE}-party-muine",
        f"mergectl-lab-{PROVINCE}-party-phuquy",
    ]
    assert all(n.subnet is None and n.internal for n in party_nets)
    names = [c.name for c in plan.containers] + [n.name for n in plan.networks]
    assert len(names) == len(set(names))


def test_a_plan_without_a_party_vlan_keeps_one_lan() -> None:
    view = fixture_view(phuquy_party=False)
    assert not has_party_vlan(view.hostvars["phuquy-gw"]) and has_party_vlan(view.hostvars["muine-gw"])
    plan = build_plan(view, PROVINCE)
    assert plan.container("phuquy-gw").interfaces == {"transport": "eth0", "lan": "eth1"}
    assert "phuquy-party-client" not in plan.hosts()
    assert [n.commune for n in plan.networks if n.role == LAN] == ["muine", "phuquy"]
    assert [n.commune for n in plan.networks if n.role == PARTY] == ["muine"]


def test_adding_the_party_port_recreates_the_gateway() -> None:
    image = "localhost/mergectl-bookworm:bookworm"
    with_party = build_plan(fixture_view(), PROVINCE).container("phuquy-gw")
    without = build_plan(fixture_view(phuquy_party=False), PROVINCE).container("phuquy-gw")
    assert with_party.spec_hash(image) != without.spec_hash(image)


def test_overlay_maps_each_vlan_to_its_untagged_port(tmp_path: Path) -> None:
    plan = build_plan(fixture_view(phuquy_party=False), PROVINCE)
    overlay_io.write_overlay(tmp_path, plan)
    hosts_doc = yaml.safe_load((tmp_path / "lab" / "hosts.yml").read_text(encoding="utf-8"))

    def facts(host: str) -> dict[str, Any]:
        return yaml.safe_load((tmp_path / "lab" / "host_vars" / f"{host}.yml").read_text(encoding="utf-8"))

    assert facts("muine-gw")["lab_interfaces"] == {
        "transport": "eth0",
        "lan": "eth1",
        "party": "eth2",
        "vlan_ports": {"gov": "eth1", "party": "eth2"},
        "tag_vlans": False,
    }
    assert facts("phuquy-gw")["lab_interfaces"]["vlan_ports"] == {"gov": "eth1"}
    assert facts("muine-party-client")["lab_interfaces"] == {"party": "eth0"}
    assert facts("muine-party-client")["lab_networks"] == {"party": f"mergectl-lab-{PROVINCE}-party-muine"}
    children = hosts_doc["all"]["children"]
    assert "muine-party-client" in children["lab"]["hosts"]
    # commune_clients is the contract's group of government-VLAN clients only
    assert set(children["commune_clients"]["hosts"]) == {"muine-client", "phuquy-client"}


def test_commune_lan_role_puts_the_party_vlan_on_its_port() -> None:
    """The role's own derivation (vars/main.yml) with the overlay's facts: gov on eth1,
    party on eth2, no tagged subinterface stacked on the trunk."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template

    def role_file(name: str) -> dict[str, Any]:
        # the role's own files are trusted templates, as Ansible treats them
        loaded = yaml.safe_load((REPO / "roles" / "commune_lan" / name).read_text(encoding="utf-8"))
        return {k: trust_as_template(v) if isinstance(v, str) else v for k, v in loaded.items()}

    plan = build_plan(fixture_view(), PROVINCE)
    _, host_vars = overlay_io.build_overlay(plan)
    variables = {
        **role_file("defaults/main.yml"),
        **role_file("vars/main.yml"),
        **fixture_view().hostvars["muine-gw"],
        **host_vars["muine-gw"],
    }
    templar = Templar(loader=DataLoader(), variables=variables)
    interfaces = templar.template(trust_as_template("{{ commune_lan_interfaces }}"))
    tagged = templar.template(trust_as_template("{{ commune_lan_tagged_vlans }}"))
    assert interfaces["gov"] == "eth1" and interfaces["party"] == "eth2"
    assert tagged == []


# --- the check, against a simulated lab ----------------------------------------------------


GOV_CLIENT = "10.64.0.32"
PARTY_CLIENT = "10.64.0.140"


class FakeLab:
    """Answers the commands `lab check` runs, with the gateway's policy simulated: Party and
    government clients are different VLANs (denied unless `leaky`), nothing leaves for the
    VM prefix (the core's guard) or outside the plan (the gateway)."""

    def __init__(self, routing: Any, *, leaky: bool = False, unreadable_denied: int = 0) -> None:
        self.prefix = f"mergectl-lab-{PROVINCE}-"
        self.leaky = leaky
        self.unreadable_denied = unreadable_denied  # how many first reads of `denied` fail
        self.denied = 0
        self.guard = 0
        self.addresses = " ".join(a for e in routing.hosts for _, a in e.addresses)
        self.vm_address = vm_probe_address(VM)
        self.scripts: list[tuple[str, str]] = []

    def lease(self, container: str) -> str:
        if container == self.prefix + "muine-client":
            address, server = GOV_CLIENT, "10.64.0.1"
        elif container == self.prefix + "muine-party-client":
            address, server = PARTY_CLIENT, "10.64.0.129"
        else:
            return "==\n"
        return f"ADDRESS={address}\nSERVER_ADDRESS={server}\nDNS={server}\n==\n2: eth0 inet {address}/26 brd"

    def forwarded(self, container: str, address: str) -> bool:
        """True when the packet reaches `address`; counts what is dropped where."""
        if container.endswith("-gw"):
            return True  # the gateway's own traffic is not forwarded
        if address == self.vm_address:
            self.guard += 1
            return False
        crossing = (container.endswith("muine-party-client") and address == GOV_CLIENT) or (
            container.endswith("muine-client") and address == PARTY_CLIENT
        )
        if crossing and self.leaky:
            return True
        if crossing or address == OUTSIDE_THE_PLAN or IPAddress(address) in IPNetwork("10.64.2.0/23"):
            self.denied += 2
            return False
        return True

    def sh(self, container: str, script: str, timeout: float = 120) -> tuple[int, str]:
        self.scripts.append((container, script))
        if script == "true":
            return 0, ""
        if script.startswith("ip -4 -o address"):
            return 0, f" {self.addresses} "
        if "left_lab_forward" in script:
            return 0, f"counter left_lab_forward {{\n\tpackets {self.guard} bytes 0\n}}"
        if "commune_lan forward" in script:
            if self.unreadable_denied:
                self.unreadable_denied -= 1
                return 1, "Error: No such file or directory"
            return 0, f'counter packets {self.denied} bytes 0 comment "denied"'
        if "leases" in script:
            return 0, self.lease(container)
        if script.startswith("dig"):
            names = re.findall(r"(\S+\.gov\.vn) A", script)
            return 0, "\n".join(f"{name}. 60 IN A 10.240.0.41" for name in names)
        ping = re.search(r"ping -n -q -c 2 -W 2 (\S+)", script)
        if ping:
            return (0 if self.forwarded(container, ping.group(1)) else 1), ""
        tcp = re.search(r"/dev/tcp/([^/]+)/(\d+)", script)
        if tcp:
            address, port = tcp.group(1), int(tcp.group(2))
            if address == NS1 and port == 22 and not container.endswith("-gw"):
                self.denied += 1
                return 0, "rc=124"
            return 0, ("rc=0" if self.forwarded(container, address) else "rc=124")
        raise AssertionError(f"unexpected command in {container}: {script}")


def run_fake(
    runs: list[CheckRun], monkeypatch: pytest.MonkeyPatch, **lab: Any
) -> tuple[int, CheckRun, FakeLab]:
    view = fixture_view()
    routing = build_routing(build_plan(view, PROVINCE, communes=1), view)
    assert routing is not None
    fake = FakeLab(routing, **lab)
    monkeypatch.setattr(shell, "sh", fake.sh)
    monkeypatch.setattr(lab_check, "read_routing", lambda _workspace: routing)
    monkeypatch.setattr(lab_check, "load_inventory", lambda _workspace: view)
    monkeypatch.setattr(shell, "LEASE_WAIT_SECONDS", 0)
    lines: list[str] = []
    code = lab_check.run_check(Path("/nonexistent"), "muine-gw", lines.append)
    return code, runs[-1], fake


def rows_of(run: CheckRun) -> dict[str, str]:
    """muine's rows: check name -> PASS | FAIL | SKIP."""
    return {r.target: r.status for r in run.results if r.host == "muine-gw"}


def test_an_isolated_party_vlan_passes_every_check(
    lab_check_runs: list[CheckRun], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, run, fake = run_fake(lab_check_runs, monkeypatch)
    rows = rows_of(run)
    assert code == 0, run
    assert rows["Party VLAN: DHCP lease"] == "PASS"
    assert rows["Party VLAN: resolver by DHCP"] == "PASS"
    assert rows["Party VLAN: commune names via its resolver"] == "PASS"
    assert rows["Party VLAN: ping core loopback"] == "PASS"
    assert rows["Party VLAN: policy allows dns tcp/53"] == "PASS"
    assert rows["Party VLAN: policy denies unopened tcp/22"] == "PASS"
    assert rows["Party VLAN: ping government client"] == "PASS"
    assert rows["Party VLAN: tcp/22 to government client"] == "PASS"
    assert rows["government client -> Party client"] == "PASS"
    # one commune only: the cross-commune check cannot be made, and says so
    assert rows["other commune"] == "SKIP"
    assert run.counts["skip"] == 1 and run.lab
    # the isolation probes come from the Party client and toward the government client
    party = fake.prefix + "muine-party-client"
    assert any(c == party and GOV_CLIENT in s for c, s in fake.scripts)


def test_a_party_vlan_reaching_the_government_vlan_fails(
    lab_check_runs: list[CheckRun], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, run, _ = run_fake(lab_check_runs, monkeypatch, leaky=True)
    rows = rows_of(run)
    assert code == 5
    assert rows["Party VLAN: ping government client"] == "FAIL"
    assert rows["Party VLAN: tcp/22 to government client"] == "FAIL"
    assert rows["government client -> Party client"] == "FAIL"
    assert rows["Party VLAN: DHCP lease"] == "PASS"  # the rest is still judged on its own


def test_a_counter_unreadable_before_its_probe_fails_that_probe(
    lab_check_runs: list[CheckRun], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first read of the gateway's counter fails, the next ones work: the probe it
    judged FAILs and says why (it once read -1 and passed as "+N+1"), the rest still pass."""
    code, run, _ = run_fake(lab_check_runs, monkeypatch, unreadable_denied=1)
    rows = rows_of(run)
    assert code == 5
    assert [check for check, result in rows.items() if result == "FAIL"] == ["policy denies unopened tcp/22"]
    assert any("gateway denied ? (counter unreadable before the probe)" in r.detail for r in run.results)
    assert rows["Party VLAN: policy denies unopened tcp/22"] == "PASS"


def test_a_missing_party_client_fails_and_says_how_to_fix_it(
    lab_check_runs: list[CheckRun], monkeypatch: pytest.MonkeyPatch
) -> None:
    view = fixture_view()
    routing = build_routing(build_plan(view, PROVINCE, communes=1), view)
    fake = FakeLab(routing)

    def sh(container: str, script: str, timeout: float = 120) -> tuple[int, str]:
        if container.endswith("party-client"):
            return 125, "Error: no container with name or ID found"
        return fake.sh(container, script, timeout)

    monkeypatch.setattr(shell, "sh", sh)
    monkeypatch.setattr(lab_check, "read_routing", lambda _workspace: routing)
    monkeypatch.setattr(lab_check, "load_inventory", lambda _workspace: view)
    lines: list[str] = []
    assert lab_check.run_check(Path("/nonexistent"), "muine-gw", lines.append) == 5
    assert "run 'mergectl lab up' again" in "\n".join(lines)
    assert any("run 'mergectl lab up' again" in r.detail for r in lab_check_runs[-1].results)


def test_a_commune_without_a_party_vlan_skips_the_party_checks() -> None:
    view = fixture_view(phuquy_party=False)
    routing = build_routing(build_plan(view, PROVINCE, communes=2), view)
    assert routing is not None
    commune = next(c for c in lab_check.communes_of(view, routing, "phuquy-gw"))
    assert commune.client(PARTY_CLIENT_KIND).container == ""
    facts = LabFacts(routing, [], "", [], True, "", [commune])
    session = Session(commune, commune.client(PARTY_CLIENT_KIND), leases={"gov": "10.64.2.32"})
    rows = check_client(session, facts)  # sends nothing: no command is faked here
    assert [r.result for r in rows] == ["SKIP"] and "no party VLAN" in rows[0].observed
    muine = next(c for c in lab_check.communes_of(view, routing, "muine-gw"))
    party = muine.client(PARTY_CLIENT_KIND)
    assert party.container == f"mergectl-lab-{PROVINCE}-muine-party-client"
    assert (party.prefix, party.gateway) == ("10.64.0.128/26", "10.64.0.129")
    assert GATEWAY in {e.kind for e in routing.hosts}


def test_lab_rows_become_results_like_the_control_nodes() -> None:
    """One table and one check.json: a lab row keeps its name, its commune by code, its
    workstream, and a SKIP stays apart from passes and failures."""
    codes = {"muine": "22918"}
    lease = to_result(
        CheckRow("muine", "Party VLAN: DHCP lease", "in x", "10.64.0.140", True, host="muine-gw"), codes
    )
    assert (lease.check, lease.workstream, lease.commune, lease.host) == (
        "lab.party_vlan_dhcp_lease",
        "network",
        "22918",
        "muine-gw",
    )
    assert (lease.status, lease.detail) == ("PASS", "10.64.0.140 (expected in x)")
    names = to_result(CheckRow("muine", "commune names via its resolver", "45/45", "44/45", False), codes)
    assert (names.workstream, names.status) == ("dns", "FAIL")
    skipped = to_result(
        CheckRow("muine", "other commune", "x", "SKIP: one commune", False, skipped=True), codes
    )
    assert (skipped.status, skipped.detail) == ("SKIP", "SKIP: one commune")
    wiring = to_result(
        CheckRow("lab", "leak guard on core1", "loaded", "MISSING", False, host="core1"), codes
    )
    assert (wiring.commune, wiring.workstream, wiring.host) == (None, "other", "core1")
    assert check_id("answers = the plan's") == "lab.answers_the_plan_s"
