"""The lab: planning a slice (pure), the overlay it writes, and one real up/down on podman."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from netaddr import IPNetwork

from lab import overlay as overlay_io
from lab.plan import (
    CLIENT,
    CORE,
    GATEWAY,
    LAB_POOL,
    OLD_DISTRICT,
    SERVER,
    InventoryView,
    LabPlanError,
    build_plan,
    free_subnets,
    matches_pattern,
)

PROVINCE = "h2labtest"  # container and network names are global: a label no real province has

HOSTS_YML = """\
# hand-written after docs/inventory-contract.md, the shape 'mergectl inventory' renders
all:
  children:
    communes:
      hosts:
        muine-gw:
        phuquy-gw:
        hamtien-gw:
    from_binhthuan_phanthiet:
      hosts:
        muine-gw:
        hamtien-gw:
    from_binhthuan_phuquy:
      hosts:
        phuquy-gw:
    commune_clients:
      hosts:
        muine-client:
        phuquy-client:
    dataline_core:
      hosts:
        core1:
    integration_centre:
      children:
        hypervisors:
          hosts:
            hv1:
        dns_servers:
          children:
            dns_primary:
              hosts:
                ns1:
            dns_secondary:
              hosts:
                ns2:
        mail_servers:
          hosts:
            mail1:
        directory_servers:
          hosts:
            ldap1:
        portals:
          hosts:
            portal1:
        archive_servers:
          hosts:
            archive1:
    retiring_districts:
      children:
        district_binhthuan_phanthiet:
          hosts:
            old-binhthuan-phanthiet:
        district_binhthuan_phuquy:
          hosts:
            old-binhthuan-phuquy:
"""


def write_workspace(root: Path, province: str = PROVINCE) -> Path:
    """A small workspace following the inventory contract (3 communes, 2 old districts)."""
    (root / "group_vars" / "all").mkdir(parents=True)
    (root / "host_vars").mkdir()
    (root / "hosts.yml").write_text(HOSTS_YML, encoding="utf-8")
    (root / "group_vars" / "all" / "province.yml").write_text(
        f"province_name: Lâm Đồng\nprovince_label: {province}\nprovince_domain: lamdong.gov.vn\n",
        encoding="utf-8",
    )
    for label, code in (("muine", "22918"), ("phuquy", "23005"), ("hamtien", "22921")):
        (root / "host_vars" / f"{label}-gw.yml").write_text(
            f'commune_label: {label}\ncommune_code: "{code}"\nansible_host: 10.64.3.1\n', encoding="utf-8"
        )
    # Mũi Né's plan has a Party VLAN: the lab gives it a second LAN port and client
    with (root / "host_vars" / "muine-gw.yml").open("a", encoding="utf-8") as muine:
        muine.write(
            "commune_vlans:\n"
            "  - {name: gov, id: 10, prefix: 10.64.2.0/25, gateway: 10.64.2.1, dhcp: true}\n"
            "  - {name: party, id: 20, prefix: 10.64.2.128/26, gateway: 10.64.2.129, dhcp: true}\n"
        )
    (root / "host_vars" / "old-binhthuan-phanthiet.yml").write_text(
        "old_district_label: phanthiet\nold_district_successors: [muine, hamtien]\n", encoding="utf-8"
    )
    # The mapping and state files sit in the same folder; ansible.cfg makes Ansible ignore them.
    (root / "mapping.yml").write_text("province: Lâm Đồng\n", encoding="utf-8")
    return root


def fixture_view() -> InventoryView:
    """The fixture as `ansible-inventory --list` returns it, without running Ansible."""
    data = yaml.safe_load(HOSTS_YML)["all"]["children"]
    listing: dict[str, dict[str, list[str]]] = {}

    def walk(name: str, body: dict | None) -> None:
        body = body or {}
        listing[name] = {
            "hosts": list((body.get("hosts") or {}).keys()),
            "children": list(body.get("children") or {}),
        }
        for child, child_body in (body.get("children") or {}).items():
            walk(child, child_body)

    for group, body in data.items():
        walk(group, body)
    listing["all"] = {"hosts": [], "children": list(data)}
    hostvars: dict[str, dict[str, object]] = {}
    for group in listing.values():
        for host in group["hosts"]:
            hostvars.setdefault(host, {"province_label": PROVINCE})
    hostvars["old-binhthuan-phanthiet"]["old_district_successors"] = ["muine", "hamtien"]
    return InventoryView.from_ansible_list({**listing, "_meta": {"hostvars": hostvars}})


def test_default_slice_is_core_servers_two_communes_with_clients_and_their_old_districts() -> None:
    plan = build_plan(fixture_view(), PROVINCE)
    assert plan.hosts(CORE) == ["core1"]
    assert plan.hosts(SERVER) == ["archive1", "ldap1", "mail1", "ns1", "ns2", "portal1"]
    assert plan.hosts(GATEWAY) == ["muine-gw", "phuquy-gw"]
    assert plan.hosts(CLIENT) == ["muine-client", "phuquy-client"]
    assert plan.hosts(OLD_DISTRICT) == ["old-binhthuan-phanthiet", "old-binhthuan-phuquy"]
    assert any("hv1" in note for note in plan.notes)


def test_every_name_carries_the_lab_prefix_and_is_unique() -> None:
    plan = build_plan(fixture_view(), PROVINCE, communes=None, hypervisors=True)
    names = [c.name for c in plan.containers] + [n.name for n in plan.networks]
    assert len(names) == len(set(names))
    assert all(name.startswith(f"mergectl-lab-{PROVINCE}-") for name in names)
    assert "hv1" in plan.hosts(SERVER)


def test_networks_one_lan_per_commune_without_ipam_and_subnets_inside_the_pool() -> None:
    plan = build_plan(fixture_view(), PROVINCE, communes=3)
    roles = [n.role for n in plan.networks]
    assert roles == ["ic", "transport", "lan", "lan", "lan"]
    for network in plan.networks:
        if network.role == "lan":
            assert network.subnet is None and network.internal
        else:
            assert IPNetwork(network.subnet) in LAB_POOL and not network.internal


def test_interfaces_follow_the_attachment_order() -> None:
    plan = build_plan(fixture_view(), PROVINCE)
    assert plan.container("muine-gw").interfaces == {"transport": "eth0", "lan": "eth1"}
    assert plan.container("core1").interfaces == {"transport": "eth0", "ic": "eth1"}
    assert plan.container("muine-client").interfaces == {"lan": "eth0"}
    assert plan.container("ns1").interfaces == {"ic": "eth0"}
    gateway_lan = plan.container("muine-gw").attachments[1].network
    assert plan.container("muine-client").attachments[0].network == gateway_lan


def test_limit_keeps_a_gateway_with_what_it_needs_only() -> None:
    plan = build_plan(fixture_view(), PROVINCE, communes=None, limit="hamtien-gw")
    assert sorted(plan.hosts()) == ["core1", "hamtien-client", "hamtien-gw", "old-binhthuan-phanthiet"]
    # the client is not in the inventory: the overlay adds it to commune_clients
    assert not plan.container("hamtien-client").in_inventory


def test_limit_by_group_and_exclusion() -> None:
    view = fixture_view()
    plan = build_plan(view, PROVINCE, communes=None, limit="from_binhthuan_phanthiet,!hamtien-gw,dns_servers")
    assert plan.hosts(GATEWAY) == ["muine-gw"]
    assert plan.hosts(SERVER) == ["ns1", "ns2"]
    assert matches_pattern(view, "ns2", "dns_*")
    assert not matches_pattern(view, "ns2", "!dns_servers")


def test_existing_subnets_are_kept_and_used_ones_avoided() -> None:
    used = ["172.30.200.0/24", "172.30.0.0/17"]
    plan = build_plan(fixture_view(), PROVINCE, used_subnets=used)
    assert [n.subnet for n in plan.networks[:2]] == ["172.30.201.0/24", "172.30.202.0/24"]
    again = build_plan(
        fixture_view(),
        PROVINCE,
        existing_subnets={n.name: n.subnet for n in plan.networks[:2]},
        used_subnets=[*used, "172.30.203.0/24"],
    )
    assert again == plan


@given(st.sets(st.integers(min_value=0, max_value=255), max_size=200), st.integers(min_value=1, max_value=3))
def test_free_subnets_never_overlap_what_is_used(taken: set[int], count: int) -> None:
    used = [f"172.30.{third}.0/24" for third in taken]
    try:
        found = free_subnets(count, used)
    except LabPlanError:
        assert len(set(range(100, 250)) - taken) < count
        return
    assert len(found) == count == len(set(found))
    assert not {IPNetwork(s) for s in found} & {IPNetwork(s) for s in used}
    assert all(IPNetwork(s) in LAB_POOL for s in found)


def test_missing_core_or_communes_is_a_clear_error() -> None:
    view = InventoryView(groups={"communes": ["a-gw"]}, hostvars={})
    with pytest.raises(LabPlanError, match="dataline_core"):
        build_plan(view, PROVINCE)
    with pytest.raises(LabPlanError, match="communes"):
        build_plan(InventoryView(groups={"dataline_core": ["core1"]}, hostvars={}), PROVINCE)


def test_spec_hash_changes_with_the_wiring() -> None:
    two = build_plan(fixture_view(), PROVINCE, communes=2)
    three = build_plan(fixture_view(), PROVINCE, communes=3)
    image = "localhost/mergectl-bookworm:bookworm"
    assert two.container("ns1").spec_hash(image) == three.container("ns1").spec_hash(image)
    assert two.container("ns1").spec_hash(image) != two.container("ns1").spec_hash("other:tag")
    assert two.container("muine-gw").spec_hash(image) != two.container("phuquy-gw").spec_hash(image)


def test_overlay_holds_connection_settings_lab_facts_and_the_roles_lab_wiring_only(tmp_path: Path) -> None:
    plan = build_plan(fixture_view(), PROVINCE, communes=3)
    gw = plan.container("muine-gw")
    addresses = {gw.name: {gw.attachments[0].network: "172.30.201.5"}}
    path = overlay_io.write_overlay(tmp_path, plan, addresses)
    assert path == tmp_path / "lab" / "hosts.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Generated by 'mergectl lab up'")
    data = yaml.safe_load(text)
    lab = data["all"]["children"]["lab"]
    assert lab["vars"] == {
        "lab_province": PROVINCE,
        "archive_server_ldap_uri": "ldap://{{ province_directory.name }}",
    }
    assert set(lab["hosts"]) == set(plan.hosts())
    host_vars = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in (tmp_path / "lab" / "host_vars").iterdir()
    }
    assert set(host_vars) == set(plan.hosts())
    muine = host_vars["muine-gw"]
    assert muine["ansible_connection"] == "podman"
    assert muine["ansible_host"] == f"mergectl-lab-{PROVINCE}-muine-gw"
    assert muine["ansible_python_interpreter"] == "/usr/bin/python3"
    assert muine["lab_interfaces"] == {
        "transport": "eth0", "lan": "eth1", "vlan_ports": {"gov": "eth1"}, "tag_vlans": False
    }
    assert muine["lab_addresses"] == {"transport": "172.30.201.5"}
    # the roles' defaults are production's: the lab sets its wiring through their variables
    assert {key: muine[key] for key in muine if key.startswith(("data_line_", "commune_lan_"))} == {
        "data_line_transport_interface": "eth0",
        "data_line_keep_foreign_config": True,  # podman's address on the transport interface stays
        "commune_lan_wan_interface": "eth0",
        "commune_lan_trunk_interface": "eth1",
        "commune_lan_vlan_ports": {"gov": "eth1"},
        "commune_lan_tag_vlans": False,
    }
    assert host_vars["hamtien-gw"]["data_line_keep_foreign_config"] is False  # no podman address there
    core = host_vars["core1"]
    assert (core["dataline_core_transport_interface"], core["dataline_terminate_transport_interface"]) == (
        "eth0",
        "eth0",
    )
    for facts in host_vars.values():
        assert all(
            key.startswith(("ansible_connection", "ansible_host", "ansible_python", "lab_"))
            or key in overlay_io.ROLE_VARIABLES
            for key in facts
        )
    assert data["all"]["children"]["commune_clients"]["hosts"] == {"hamtien-client": None}
    smaller = build_plan(fixture_view(), PROVINCE, communes=1)
    overlay_io.write_overlay(tmp_path, smaller)
    assert {p.stem for p in (tmp_path / "lab" / "host_vars").iterdir()} == set(smaller.hosts())
    assert overlay_io.remove_overlay(tmp_path) and not (tmp_path / "lab").exists()


def test_overlay_outranks_the_rendered_host_vars(tmp_path: Path) -> None:
    from controller.run import ansible_env, repo_root
    from lab.lifecycle import load_inventory

    workspace = write_workspace(tmp_path / "ws")
    plan = build_plan(load_inventory(workspace), PROVINCE)
    overlay_io.write_overlay(workspace, plan)
    shown = subprocess.run(
        [
            "ansible-inventory",
            "-i",
            str(workspace),
            "-i",
            str(workspace / "lab" / "hosts.yml"),
            "--host",
            "muine-gw",
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **ansible_env(repo_root())},
    ).stdout
    facts = json.loads(shown)
    assert facts["ansible_host"] == f"mergectl-lab-{PROVINCE}-muine-gw"  # not the rendered 10.64.3.1
    assert facts["ansible_connection"] == "podman"
    assert facts["commune_label"] == "muine"  # the rendered variables are all still there


def test_ansible_inventory_reading_matches_the_contract(tmp_path: Path) -> None:
    from lab.lifecycle import load_inventory, province_of

    workspace = write_workspace(tmp_path / "ws")
    view = load_inventory(workspace)
    assert province_of(view, workspace) == PROVINCE
    assert set(view.hosts("integration_centre")) == {
        "hv1",
        "ns1",
        "ns2",
        "mail1",
        "ldap1",
        "portal1",
        "archive1",
    }
    plan = build_plan(view, PROVINCE, communes=3)
    assert plan.hosts(OLD_DISTRICT) == ["old-binhthuan-phanthiet", "old-binhthuan-phuquy"]


# --- on podman: a one-commune lab comes up, is reachable through the overlay, goes away ------


# One province label per test process: two engineers running the suite side by side must
# not reconcile or remove each other's lab.
LIVE_PROVINCE = f"h2lab{os.getpid()}"


def _lab_objects() -> tuple[list[str], list[str]]:
    label = f"label=mergectl.lab={LIVE_PROVINCE}"
    containers = subprocess.run(
        ["podman", "ps", "-a", "--filter", label, "--format", "{{.Names}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    networks = json.loads(
        subprocess.run(
            ["podman", "network", "ls", "--filter", label, "--format", "json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        or "[]"
    )
    return containers, [n["name"] for n in networks]


needs_podman = pytest.mark.skipif(
    shutil.which("podman") is None
    or subprocess.run(["podman", "image", "exists", "localhost/mergectl-bookworm:bookworm"]).returncode != 0,
    reason="podman or the test bed image is missing: run scripts/setup.sh",
)


@needs_podman
def test_lab_up_status_apply_down_on_podman(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from controller.run import RunRequest, run_playbook
    from lab import lifecycle

    workspace = write_workspace(tmp_path / "ws", province=LIVE_PROVINCE)
    if _lab_objects() != ([], []):
        lifecycle.down(workspace)  # an interrupted earlier run; 'down' finds its objects by label
    options = lifecycle.UpOptions(communes=1, limit="muine-gw", seed=False)
    try:
        plan = lifecycle.up(workspace, options)
        assert sorted(plan.hosts()) == [
            "core1",
            "muine-client",
            "muine-gw",
            "muine-party-client",
            "old-binhthuan-phanthiet",
        ]
        containers, networks = _lab_objects()
        assert sorted(containers) == sorted(c.name for c in plan.containers)
        assert sorted(networks) == sorted(n.name for n in plan.networks)

        gateway = plan.container("muine-gw").name
        links = subprocess.run(
            ["podman", "exec", gateway, "ip", "-o", "link"], capture_output=True, text=True, check=True
        ).stdout
        assert " eth0@" in links and " eth1@" in links and " eth2@" in links  # transport, gov, party
        party_client = plan.container("muine-party-client").name
        on_party = subprocess.run(
            ["podman", "inspect", "--format", "{{json .NetworkSettings.Networks}}", party_client],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert list(json.loads(on_party)) == [f"mergectl-lab-{LIVE_PROVINCE}-party-muine"]
        # eth0 is on the transport network: it has the transport subnet's address
        transport = next(n for n in plan.networks if n.role == "transport")
        eth0 = subprocess.run(
            ["podman", "exec", gateway, "ip", "-4", "-o", "addr", "show", "eth0"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert transport.subnet.rsplit(".", 2)[0] in eth0

        ids_before = subprocess.run(
            ["podman", "ps", "-q", "--filter", f"label=mergectl.lab={LIVE_PROVINCE}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        capsys.readouterr()
        lifecycle.up(workspace, options)  # idempotent: nothing started, nothing removed
        second = capsys.readouterr().out
        assert "starting" not in second and "removing" not in second and "(0 started now)" in second
        ids_after = subprocess.run(
            ["podman", "ps", "-q", "--filter", f"label=mergectl.lab={LIVE_PROVINCE}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        assert sorted(ids_before) == sorted(ids_after)
        assert lifecycle.status(workspace) == 0

        playbook = tmp_path / "probe.yml"
        playbook.write_text(
            textwrap.dedent("""\
            - name: Probe the lab through the overlay
              hosts: all
              gather_facts: false
              tasks:
                - name: Read the hostname inside the container
                  ansible.builtin.command: hostname
                  register: probe
                  changed_when: false
                  failed_when: probe.stdout != inventory_hostname
            """),
            encoding="utf-8",
        )
        result = run_playbook(
            RunRequest(workspace=workspace, playbook=playbook, lab=True), out=lambda _: None
        )
        assert result.ok, result.summary
        # only lab hosts were touched although the inventory lists more
        assert sorted(result.summary["hosts"]) == sorted(plan.hosts())
        assert (result.run_dir / "summary.json").is_file()
    finally:
        lifecycle.down(workspace)
    assert _lab_objects() == ([], [])
    assert not (workspace / "lab" / "hosts.yml").exists()


@needs_podman
def test_a_failed_commune_in_the_lab_does_not_stop_the_other_and_resume_finishes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15's lab test: two communes' gateways in containers, one fails its task (a file the
    play needs is missing in that container), the other completes; put right on the host,
    `apply --resume` runs only the failed one."""
    from controller.cli import main
    from lab import lifecycle

    workspace = write_workspace(tmp_path / "ws", province=LIVE_PROVINCE)
    if _lab_objects() != ([], []):
        lifecycle.down(workspace)
    playbook = tmp_path / "gateways.yml"
    playbook.write_text(
        textwrap.dedent("""\
        - name: Each commune gateway writes its configuration
          hosts: communes
          gather_facts: false
          tasks:
            - name: The gateway's own input is there (missing on the broken one)
              ansible.builtin.stat:
                path: /etc/mergectl-test-input
              register: test_input
              failed_when: not test_input.stat.exists
            - name: Write the configuration
              ansible.builtin.copy:
                content: "{{ inventory_hostname }}\\n"
                dest: /etc/mergectl-test-done
                mode: "0644"
        """),
        encoding="utf-8",
    )
    try:
        plan = lifecycle.up(workspace, lifecycle.UpOptions(communes=2, seed=False))
        gateways = sorted(host for host in plan.hosts() if host.endswith("-gw"))
        assert len(gateways) == 2
        broken, fine = gateways

        def in_gateway(host: str, *command: str) -> int:
            return subprocess.run(["podman", "exec", plan.container(host).name, *command]).returncode

        assert in_gateway(fine, "touch", "/etc/mergectl-test-input") == 0
        apply = ["apply", str(workspace), "--lab", "--playbook", str(playbook)]
        capsys.readouterr()
        assert main(apply) == 5
        first = capsys.readouterr().out
        assert f"FAILED: {broken}" in first
        done = ("test", "-f", "/etc/mergectl-test-done")
        assert in_gateway(fine, *done) == 0 and in_gateway(broken, *done) != 0
        assert in_gateway(broken, "touch", "/etc/mergectl-test-input") == 0
        assert main([*apply, "--resume"]) == 0
        second = capsys.readouterr().out
        assert f"on its failed or unreachable hosts: {broken}" in second
        assert f"running gateways.yml (limit: {broken}:&lab)" in second
        assert in_gateway(broken, *done) == 0
        assert main([*apply, "--resume"]) == 0
        assert "nothing to resume" in capsys.readouterr().out
    finally:
        lifecycle.down(workspace)
    assert _lab_objects() == ([], [])
