"""Pure parts of library/directory_sync.py: what one entry needs, parents first, the diff.

The module itself runs against a real slapd in the mail and decommission scenarios."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "library"))

from directory_sync import EntryPlan, as_values, depth, diff_text, plan_entry

ACCOUNT = {
    "dn": "uid=phuongnt,ou=people,ou=muine,ou=communes,dc=lamdong,dc=gov,dc=vn",
    "objectClass": ["inetOrgPerson", "shadowAccount"],
    "attributes": {"uid": "phuongnt", "cn": "Nguyễn Thanh Phương", "shadowExpire": []},
    "password": "initial",
}


def current_of(plan: EntryPlan) -> dict[str, list[bytes]]:
    assert plan.add is not None
    return dict(plan.add)


def test_a_missing_entry_is_added_with_its_classes_and_the_hashed_initial_password() -> None:
    plan = plan_entry(ACCOUNT, None, b"{CRYPT}$6$salt$hash")
    assert plan.add == {
        "objectClass": [b"inetOrgPerson", b"shadowAccount"],
        "uid": [b"phuongnt"],
        "cn": ["Nguyễn Thanh Phương".encode()],
        "userPassword": [b"{CRYPT}$6$salt$hash"],
    }
    assert plan.changed


def test_an_entry_as_wanted_needs_nothing_and_its_password_is_never_compared() -> None:
    have = {
        "objectClass": [b"shadowAccount", b"inetOrgPerson"],
        "uid": [b"phuongnt"],
        "cn": ["Nguyễn Thanh Phương".encode()],
        "userPassword": [b"{CRYPT}changed-by-the-user"],
    }
    assert not plan_entry(ACCOUNT, have, None).changed


def test_attribute_names_compare_without_case_values_exactly() -> None:
    have = {
        "objectclass": [b"inetorgperson", b"shadowaccount"],
        "UID": [b"phuongnt"],
        "CN": ["Nguyễn Thanh Phương".encode()],
    }
    assert not plan_entry(ACCOUNT, have, None).changed
    have["CN"] = ["nguyễn thanh phương".encode()]
    assert plan_entry(ACCOUNT, have, None).replace == {"cn": ["Nguyễn Thanh Phương".encode()]}


def test_disabling_sets_shadow_expire_and_enabling_removes_it() -> None:
    have = {
        "objectClass": [b"inetOrgPerson", b"shadowAccount"],
        "uid": [b"phuongnt"],
        "cn": ["Nguyễn Thanh Phương".encode()],
    }
    disabled = {**ACCOUNT, "attributes": {**ACCOUNT["attributes"], "shadowExpire": ["1"]}}
    assert plan_entry(disabled, have, None).replace == {"shadowExpire": [b"1"]}
    assert plan_entry(ACCOUNT, {**have, "shadowExpire": [b"1"]}, None).replace == {"shadowExpire": []}


def test_missing_object_classes_are_added_never_removed() -> None:
    retired = {**ACCOUNT, "objectClass": ["inetOrgPerson", "shadowAccount", "inetLocalMailRecipient"]}
    have = {
        "objectClass": [b"inetOrgPerson", b"shadowAccount", b"posixAccount"],
        "uid": [b"phuongnt"],
        "cn": ["Nguyễn Thanh Phương".encode()],
    }
    plan = plan_entry(retired, have, None)
    assert plan.add_classes == [b"inetLocalMailRecipient"]
    assert plan.changed_attributes() == ["objectClass"]


def test_group_members_are_exact_whatever_their_order() -> None:
    group = {
        "dn": "cn=staff,ou=groups,ou=muine,ou=communes,dc=x",
        "objectClass": ["groupOfNames"],
        "attributes": {"member": ["uid=b,ou=people", "uid=a,ou=people"]},
    }
    have = {"objectClass": [b"groupOfNames"], "member": [b"uid=a,ou=people", b"uid=b,ou=people"]}
    assert not plan_entry(group, have, None).changed
    have["member"].append(b"uid=c,ou=people")
    assert plan_entry(group, have, None).replace == {"member": [b"uid=b,ou=people", b"uid=a,ou=people"]}


def test_depth_counts_rdns_not_escaped_commas() -> None:
    assert depth("dc=vn") == 1
    assert depth("ou=communes,dc=lamdong,dc=gov,dc=vn") == 4
    assert depth(r"cn=Nguyễn\, Phương,ou=people,dc=vn") == 3


@given(
    st.lists(
        st.sampled_from(["dc=vn", "dc=gov,dc=vn", "ou=a,dc=gov,dc=vn", "uid=x,ou=a,dc=gov,dc=vn"]),
        min_size=1,
        unique=True,
    )
)
def test_sorting_by_depth_puts_every_parent_before_its_children(dns: list[str]) -> None:
    ordered = sorted(dns, key=depth)
    for index, dn in enumerate(ordered):
        parent = dn.split(",", 1)[1] if "," in dn else None
        if parent in ordered:
            assert ordered.index(parent) < index


def test_the_diff_names_private_attributes_without_their_values() -> None:
    have = {"objectClass": [b"inetOrgPerson", b"shadowAccount"], "uid": [b"phuongnt"], "cn": [b"Old Name"]}
    plan = plan_entry(ACCOUNT, have, None)
    added = plan_entry({**ACCOUNT, "dn": "uid=new,ou=people,dc=x"}, None, b"{CRYPT}secret")
    diff = diff_text(
        [plan, added], {ACCOUNT["dn"]: have, "uid=new,ou=people,dc=x": None}, {"cn", "userpassword"}
    )
    assert "cn: (hidden)" in diff["before"] and "cn: (hidden)" in diff["after"]
    assert "Old Name" not in diff["before"] + diff["after"]
    assert "secret" not in diff["after"] and "userPassword: (hidden)" in diff["after"]
    assert "uid: phuongnt" in diff["after"]


def test_values_of_any_scalar_type_become_bytes_and_empties_vanish() -> None:
    assert as_values(1) == [b"1"]
    assert as_values(["a", "", None, 2]) == [b"a", b"2"]
    assert as_values([]) == []
