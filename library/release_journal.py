#!/usr/bin/python
"""Ansible module: what a host released (lines, prefixes, addresses), kept on that host for the controller.

The roles that release resources (decommission's revoke, dataline_terminate) used to call the
`mergectl` binary on the control node, which an execution environment under AWX does not have. They
record the release here, on a managed host, instead; the controller quarantines what the journals
say when it collects a run (`mergectl collect`, `mergectl apply` after every run).
"""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: release_journal
short_description: Record released lines, prefixes and addresses on a host, for the controller's quarantine
description:
  - Keeps a journal of released resources in a JSON file on the host (C(releases.json) beside an old host's
    archive for the role decommission, C(/var/lib/mergectl/releases.json) on the core for the role
    dataline_terminate).
  - A resource (O(releases[].kind) and O(releases[].value)) already in the journal is left as it is, with the
    time it was first released, so re-runs change nothing.
  - The controller never learns of a release from the module itself. It quarantines what the journal holds
    when it collects a run (C(mergectl collect), run by C(mergectl apply) after every run), reading the
    journal from the run's artefacts, from an AWX job's artifacts, or from a copy of the file.
  - Written atomically (a temporary file, then a rename).
attributes:
  check_mode:
    support: full
    details: The records a run would add are returned; the file is not written.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
options:
  path:
    description: The journal file on this host.
    type: path
    required: true
  host:
    description: Inventory name of the host the releases are recorded for (the old district host, the core).
    type: str
    required: true
  releases:
    description: Resources released now. An empty list only reads the journal.
    type: list
    elements: dict
    default: []
    suboptions:
      kind:
        description: Kind of resource, as the controller's quarantine knows it.
        type: str
        required: true
        choices: [address, prefix, domain, line, account, edoc]
      value:
        description: The address, prefix, line, domain, account or code.
        type: str
        required: true
      owner:
        description: Who held it (C(district:594), C(old:22916), a commune label).
        type: str
        required: true
      reason:
        description: Why it was released (C(decommissioned), C(dataline-terminated)).
        type: str
        required: true
      details:
        description: Anything a report needs about it (the old endpoint's code, name and addresses).
        type: dict
        default: {}
author: The mergectl authors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Record that the old district's line and addresses are released
  vngov.mergectl.release_journal:
    path: /srv/archive/hosts/old-binhthuan-hamthuanbac/releases.json
    host: old-binhthuan-hamthuanbac
    releases:
      - {kind: line, value: 10.249.0.8/31, owner: "district:594", reason: decommissioned}
      - {kind: address, value: 10.249.0.9, owner: "district:594", reason: decommissioned}
  delegate_to: archive1

- name: Read what the core has released so far
  vngov.mergectl.release_journal:
    path: /var/lib/mergectl/releases.json
    host: "{{ inventory_hostname }}"
  register: released
"""

RETURN = r"""
journal:
  description:
    - The whole journal after the call, C(host) and C(releases), each release with C(kind), C(value),
      C(owner), C(reason), C(details) and C(at) (its UTC time). In check mode, what it would be.
  type: dict
  returned: success
  sample: {"host": "mt-net-core", "releases": [{"kind": "prefix", "value": "10.199.249.8/31",
           "owner": "old:22916", "reason": "dataline-terminated", "details": {"code": "22916"},
           "at": "2026-11-23T04:10:41Z"}]}
added:
  description: The releases recorded by this call (in check mode, those it would record).
  type: list
  elements: dict
  returned: success
stored:
  description:
    - Whether the returned journal is what the file holds now (false in check mode when a release would
      be added).
  type: bool
  returned: success
"""

import datetime

from ansible.module_utils.basic import AnsibleModule

try:  # a checkout: ansible.cfg's module_utils = ./module_utils
    from ansible.module_utils.journal_file import load_journal, save_journal
except ImportError:  # the collection vngov.mergectl
    from ansible_collections.vngov.mergectl.plugins.module_utils.journal_file import (
        load_journal,
        save_journal,
    )

KINDS = ["address", "prefix", "domain", "line", "account", "edoc"]


def load(path, host):
    journal = load_journal(path, {"host": host, "releases": []})
    if not isinstance(journal, dict) or not isinstance(journal.get("releases"), list):
        raise ValueError("not a release journal (expected an object with a list 'releases')")
    return journal


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "host": {"type": "str", "required": True},
            "releases": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": {
                    "kind": {"type": "str", "required": True, "choices": KINDS},
                    "value": {"type": "str", "required": True},
                    "owner": {"type": "str", "required": True},
                    "reason": {"type": "str", "required": True},
                    "details": {"type": "dict", "default": {}},
                },
            },
        },
        supports_check_mode=True,
    )
    path = module.params["path"]
    try:
        journal = load(path, module.params["host"])
    except (OSError, ValueError) as error:
        module.fail_json(msg=f"release journal {path} unreadable: {error}")
    known = {(entry.get("kind"), entry.get("value")) for entry in journal["releases"]}
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    added = []
    for release in module.params["releases"]:
        key = (release["kind"], release["value"].strip())
        if not key[1]:
            module.fail_json(msg=f"a release of kind {key[0]} has an empty value")
        if key in known:
            continue
        known.add(key)
        added.append({"kind": key[0], "value": key[1], "owner": release["owner"], "reason": release["reason"],
                      "details": release["details"], "at": now})
    journal["releases"].extend(added)
    if added and not module.check_mode:
        try:
            save_journal(path, journal, ".releases.")
        except OSError as error:
            module.fail_json(msg=f"cannot write release journal {path}: {error}")
    # In check mode the journal returned is the one a run would write: the controller must not take it.
    module.exit_json(changed=bool(added), journal=journal, added=added,
                     stored=not (added and module.check_mode))


if __name__ == "__main__":
    main()
