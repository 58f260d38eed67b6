"""The vm role's NoCloud seed files, rendered by Ansible's own templating engine.

cloud-init reads them as YAML: whatever an administrator's key comment, a hostname or an
address looks like, the parsed seed must carry exactly the inventory's values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template
from hypothesis import given, settings
from hypothesis import strategies as st

TEMPLATES = Path(__file__).resolve().parent.parent / "roles" / "vm" / "templates"

BASE_VARS: dict[str, Any] = {
    "vm_name": "idesk-phuquy",
    "vm_hostname": "idesk-phuquy",
    "vm_admin_user": "itadmin",
    "vm_admin_ssh_keys": ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOZ admin@ic"],
    "vm_mac": "52:54:00:12:34:56",
    "vm_address": "10.241.0.10",
    "vm_prefixlen": 22,
    "vm_gateway": "10.241.0.1",
    "vm_dns_servers": [],
}


def render(name: str, **overrides: Any) -> str:
    variables = {**BASE_VARS, **overrides}
    source = (TEMPLATES / f"{name}.j2").read_text(encoding="utf-8")
    rendered = Templar(loader=DataLoader(), variables=variables).template(trust_as_template(source))
    assert isinstance(rendered, str)
    return rendered


def test_user_data_is_cloud_config_with_the_admin_account() -> None:
    text = render("user-data")
    # cloud-init ignores user-data that does not start with this exact line.
    assert text.splitlines()[0] == "#cloud-config"
    data = yaml.safe_load(text)
    assert data["hostname"] == "idesk-phuquy"
    assert data["ssh_pwauth"] is False
    [user] = data["users"]
    assert user["name"] == "itadmin"
    assert user["lock_passwd"] is True
    assert user["ssh_authorized_keys"] == BASE_VARS["vm_admin_ssh_keys"]


def test_meta_data_names_the_instance_and_host() -> None:
    data = yaml.safe_load(render("meta-data"))
    assert data == {"instance-id": "idesk-phuquy", "local-hostname": "idesk-phuquy"}


def test_network_config_is_version_2_static_without_resolvers_by_default() -> None:
    data = yaml.safe_load(render("network-config"))
    assert data["version"] == 2
    eth0 = data["ethernets"]["eth0"]
    assert eth0["match"] == {"macaddress": "52:54:00:12:34:56"}
    assert eth0["set-name"] == "eth0"
    assert eth0["addresses"] == ["10.241.0.10/22"]
    assert eth0["gateway4"] == "10.241.0.1"
    assert "nameservers" not in eth0


def test_network_config_lists_the_resolvers() -> None:
    data = yaml.safe_load(render("network-config", vm_dns_servers=["10.240.0.53", "10.240.1.53"]))
    assert data["ethernets"]["eth0"]["nameservers"] == {"addresses": ["10.240.0.53", "10.240.1.53"]}


def test_no_keys_gives_an_empty_key_list_not_a_null() -> None:
    data = yaml.safe_load(render("user-data", vm_admin_ssh_keys=[]))
    assert data["users"][0]["ssh_authorized_keys"] == []


# Key comments are free text (names with diacritics, quotes, colons, '#', emoji): YAML
# must not cut them short, merge keys or turn them into other types. Printable text only:
# letters, marks, digits, punctuation, symbols and spaces, as an administrator types them.
key_comments = st.text(
    alphabet=st.characters(whitelist_categories=("L", "M", "N", "P", "S", "Zs")), max_size=40
)
key_bodies = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", min_size=16, max_size=68
)
keys = st.lists(
    st.builds(lambda body, comment: f"ssh-ed25519 {body} {comment}".strip(), key_bodies, key_comments),
    max_size=4,
)
hostnames = st.builds(
    lambda profile, label: f"{profile}-{label}",
    st.sampled_from(["idesk", "tthc"]),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=40),
)


@settings(max_examples=40, deadline=None)
@given(keys=keys, hostname=hostnames)
def test_seed_round_trips_any_keys_and_hostname(keys: list[str], hostname: str) -> None:
    user_data = yaml.safe_load(render("user-data", vm_admin_ssh_keys=keys, vm_hostname=hostname))
    assert user_data["users"][0]["ssh_authorized_keys"] == keys
    assert user_data["hostname"] == hostname
    meta_data = yaml.safe_load(render("meta-data", vm_hostname=hostname, vm_name=hostname))
    assert meta_data["local-hostname"] == hostname


@settings(max_examples=40, deadline=None)
@given(
    octets=st.tuples(*[st.integers(0, 255)] * 4),
    prefixlen=st.integers(8, 30),
)
def test_addresses_stay_strings(octets: tuple[int, int, int, int], prefixlen: int) -> None:
    address = ".".join(map(str, octets))
    data = yaml.safe_load(render("network-config", vm_address=address, vm_prefixlen=prefixlen))
    assert data["ethernets"]["eth0"]["addresses"] == [f"{address}/{prefixlen}"]
