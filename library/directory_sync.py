#!/usr/bin/python
"""Converge a set of LDAP entries in one module call over one connection.

Ansible module used by roles/directory. The directory of a province holds thousands of
accounts; converging them entry by entry with community.general's ldap_entry/ldap_attrs cost
three module calls per account on every run. Here the whole desired tree is one list: it is
read entry by entry over one local connection, compared in memory, and only the differences
are written. The pure part (`plan_entry`) is a plain function that tests import without LDAP.
"""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: directory_sync
short_description: Converge LDAP entries (create, exact attributes, group members) in one call
description:
  - Each entry is created when missing (with its object classes, attributes and, only then, its
    initial password, hashed here with SHA-512 crypt), and otherwise brought to the listed
    attribute values exactly; an attribute listed with no values is removed. Object classes
    listed are added to an existing entry, never removed.
  - Entries are never deleted. Disabling an account is an attribute (shadowExpire), and what the
    list no longer names is left as it is.
  - Parents are written before children, whatever the order of the list.
  - One connection (SASL EXTERNAL over ldapi by default, as root on the directory host).
  - Values of O(private_attributes) never appear in the diff or the result, only their names.
requirements:
  - python3-ldap on the directory host (the directory role installs it)
attributes:
  check_mode:
    support: full
    details: Every entry is read and compared; nothing is written.
  diff_mode:
    support: full
    details: Before and after of every changed entry, in LDIF-like text, private values hidden.
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
options:
  server_uri:
    description: LDAP URI; C(ldapi:///) binds with SASL EXTERNAL, anything else with O(bind_dn).
    type: str
    default: ldapi:///
  bind_dn:
    description: DN to bind with when O(server_uri) is not ldapi.
    type: str
    default: ""
  bind_password:
    description: Password of O(bind_dn).
    type: str
    default: ""
  entries:
    description:
      - The desired entries, each a dictionary with the keys C(dn), C(objectClass), C(attributes) and
        C(password). C(attributes) maps an attribute name to a value or a list of values (an empty list
        means absent). C(password), when given, is the initial password of an entry created now; it is
        never compared or changed.
    type: list
    elements: dict
    required: true
  private_attributes:
    description: Attributes whose values are personal or secret (shown as changed, never shown).
    type: list
    elements: str
    default: [userPassword]
author: The mergectl authors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Directory tree, accounts and groups
  vngov.mergectl.directory_sync:
    entries:
      - {dn: "ou=communes,dc=lamdong,dc=gov,dc=vn", objectClass: [organizationalUnit], attributes: {}}
      - dn: "uid=phuongnt,ou=people,ou=muine,ou=communes,dc=lamdong,dc=gov,dc=vn"
        objectClass: [inetOrgPerson, shadowAccount]
        attributes: {uid: phuongnt, cn: Nguyễn Thanh Phương, sn: Nguyễn, shadowExpire: []}
        password: "{{ vault_initial_password }}"
    private_attributes: [userPassword, cn, sn, givenName, displayName]
"""

RETURN = r"""
added:
  description: DNs created (or that would be, in check mode).
  type: list
  elements: str
  returned: always
modified:
  description: DNs whose attributes or object classes changed, with the attribute names.
  type: dict
  returned: always
  sample: {"uid=vinhnq,ou=people,ou=muine,ou=communes,dc=lamdong,dc=gov,dc=vn": ["shadowExpire"]}
entries:
  description: Number of entries in the desired list.
  type: int
  returned: always
"""

from dataclasses import dataclass, field

OBJECT_CLASS = "objectClass"


@dataclass
class EntryPlan:
    """What one entry needs: nothing, an add, or replace/delete of some attributes."""

    dn: str
    add: dict[str, list[bytes]] | None = None
    replace: dict[str, list[bytes]] = field(default_factory=dict)
    add_classes: list[bytes] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.add is not None or bool(self.replace) or bool(self.add_classes)

    def changed_attributes(self) -> list[str]:
        names = sorted(self.replace)
        return [OBJECT_CLASS, *names] if self.add_classes else names


def as_values(value: object) -> list[bytes]:
    """An attribute value from the task (str, number, list of them) as LDAP's list of bytes."""
    items = value if isinstance(value, list) else [value]
    return [str(item).encode() for item in items if item is not None and str(item) != ""]


def depth(dn: str) -> int:
    """How many RDNs a DN has (escaped commas do not count), so parents sort first."""
    count, escaped = 1, False
    for char in dn:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            count += 1
    return count


def plan_entry(
    desired: dict, current: dict[str, list[bytes]] | None, hashed_password: bytes | None
) -> EntryPlan:
    """Compare one desired entry with what the directory holds (None: absent). Attribute names
    are compared case-insensitively, as LDAP does; values exactly."""
    dn = desired["dn"]
    classes = as_values(desired.get(OBJECT_CLASS, []))
    wanted = {name: as_values(value) for name, value in (desired.get("attributes") or {}).items()}
    if current is None:
        add = {OBJECT_CLASS: classes, **{name: values for name, values in wanted.items() if values}}
        if hashed_password is not None:
            add["userPassword"] = [hashed_password]
        return EntryPlan(dn, add=add)
    have = {name.lower(): values for name, values in current.items()}
    plan = EntryPlan(dn)
    present_classes = {value.lower() for value in have.get(OBJECT_CLASS.lower(), [])}
    plan.add_classes = [value for value in classes if value.lower() not in present_classes]
    for name, values in wanted.items():
        if sorted(have.get(name.lower(), [])) != sorted(values):
            plan.replace[name] = values
    return plan


def diff_text(
    plans: list[EntryPlan], current: dict[str, dict[str, list[bytes]] | None], private: set[str]
) -> dict:
    """Before/after text per changed entry, private values replaced by a marker."""

    def show(name: str, values: list[bytes]) -> list[str]:
        if name.lower() in private:
            return [f"{name}: (hidden)"] if values else []
        return [f"{name}: {value.decode(errors='replace')}" for value in values]

    before, after = [], []
    for plan in plans:
        if not plan.changed:
            continue
        have = {name.lower(): values for name, values in (current.get(plan.dn) or {}).items()}
        if plan.add is not None:
            after += [
                f"dn: {plan.dn}",
                *(line for name, vals in plan.add.items() for line in show(name, vals)),
                "",
            ]
            continue
        names = plan.changed_attributes()
        before += [
            f"dn: {plan.dn}",
            *(line for name in names for line in show(name, have.get(name.lower(), []))),
            "",
        ]
        changed = dict(plan.replace)
        if plan.add_classes:
            changed[OBJECT_CLASS] = have.get(OBJECT_CLASS.lower(), []) + plan.add_classes
        after += [
            f"dn: {plan.dn}",
            *(line for name in names for line in show(name, changed.get(name, []))),
            "",
        ]
    return {"before": "\n".join(before), "after": "\n".join(after)}


def main() -> None:
    from ansible.module_utils.basic import AnsibleModule

    module = AnsibleModule(
        argument_spec={
            "server_uri": {"type": "str", "default": "ldapi:///"},
            "bind_dn": {"type": "str", "default": ""},
            "bind_password": {"type": "str", "default": "", "no_log": True},
            # names, mail addresses and initial passwords of the province's staff
            "entries": {"type": "list", "elements": "dict", "required": True, "no_log": True},
            "private_attributes": {"type": "list", "elements": "str", "default": ["userPassword"]},
        },
        supports_check_mode=True,
    )
    try:
        import ldap
        import ldap.modlist
        import ldap.sasl
    except ImportError:
        module.fail_json(msg="python3-ldap is missing on the directory host (the directory role installs it)")

    params = module.params
    entries = sorted(params["entries"], key=lambda entry: depth(entry["dn"]))
    seen: set[str] = set()
    for entry in entries:
        if not entry.get("dn"):
            module.fail_json(msg=f"an entry has no dn: keys {sorted(entry)}")
        if entry["dn"].lower() in seen:
            module.fail_json(msg=f"entry {entry['dn']} is listed twice")
        seen.add(entry["dn"].lower())

    try:
        connection = ldap.initialize(params["server_uri"])
        if params["server_uri"].startswith("ldapi:"):
            connection.sasl_interactive_bind_s("", ldap.sasl.external())
        else:
            connection.simple_bind_s(params["bind_dn"], params["bind_password"])
    except ldap.LDAPError as error:
        module.fail_json(msg=f"cannot bind to {params['server_uri']}: {error}")

    def read(dn: str, names: list[str]) -> dict[str, list[bytes]] | None:
        try:
            found = connection.search_s(dn, ldap.SCOPE_BASE, "(objectClass=*)", names or ["1.1"])
        except ldap.NO_SUCH_OBJECT:
            return None
        return {name: list(values) for name, values in found[0][1].items()} if found else None

    def initial_hash(password: str | None) -> bytes | None:
        if not password:
            return None
        import crypt  # Debian 12's Python 3.11; the hash format slapd's {CRYPT} scheme checks

        return b"{CRYPT}" + crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512)).encode()

    plans: list[EntryPlan] = []
    written: list[str] = []
    current: dict[str, dict[str, list[bytes]] | None] = {}
    for entry in entries:
        names = [OBJECT_CLASS, *(entry.get("attributes") or {})]
        have = read(entry["dn"], names)
        current[entry["dn"]] = have
        plan = plan_entry(entry, have, initial_hash(entry.get("password")) if have is None else None)
        plans.append(plan)
        if module.check_mode or not plan.changed:
            continue
        try:
            if plan.add is not None:
                connection.add_s(plan.dn, list(plan.add.items()))
            else:
                changes = [(ldap.MOD_ADD, OBJECT_CLASS, plan.add_classes)] if plan.add_classes else []
                # an attribute wanted with no values is present (else it would not differ): delete it
                changes += [
                    (ldap.MOD_REPLACE, name, values) if values else (ldap.MOD_DELETE, name, None)
                    for name, values in plan.replace.items()
                ]
                connection.modify_s(plan.dn, changes)
        except ldap.LDAPError as error:
            module.fail_json(
                msg=f"{plan.dn}: {error}; written before it: {len(written)} entries", written=written
            )
        written.append(plan.dn)

    changed_plans = [plan for plan in plans if plan.changed]
    result = {
        "changed": bool(changed_plans),
        "entries": len(entries),
        "added": [plan.dn for plan in changed_plans if plan.add is not None],
        "modified": {plan.dn: plan.changed_attributes() for plan in changed_plans if plan.add is None},
    }
    if module._diff:
        result["diff"] = diff_text(plans, current, {name.lower() for name in params["private_attributes"]})
    module.exit_json(**result)


if __name__ == "__main__":
    main()
