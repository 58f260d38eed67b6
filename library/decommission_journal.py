#!/usr/bin/python
"""Ansible module: the per-host step journal on the archive host (the authority for resuming)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: decommission_journal
short_description: Read or record a decommissioning step in an old host's journal on the archive host
description:
  - The journal (C(/srv/archive/hosts/HOST/journal.json) in the role decommission) says which steps of an
    old host are done, when, with which archive and seal (the sha256 of the archive's SHA256SUMS).
  - Recording a step already recorded with the same status, archive, seal and details changes nothing.
  - Written atomically (a temporary file, then a rename); every change is appended to the history too.
  - The controller mirrors the journals into its workspace from the runs that read or record them
    (C(mergectl collect), docs/decommissioning.md).
attributes:
  check_mode:
    support: full
    details: The entry a run would record is returned; the journal file is not written.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
options:
  path:
    description: The journal file.
    type: path
    required: true
  host:
    description: Inventory name of the old host the journal is about.
    type: str
    required: true
  state:
    description: V(read) returns the journal, V(record) records O(step).
    type: str
    choices: [read, record]
    default: read
  step:
    description: Step name (inventory, backup, verify, lockdown, revoke, poweroff); required to record.
    type: str
  status:
    description: Outcome of the step.
    type: str
    choices: [done, failed, partial]
    default: done
  archive:
    description: Archive identifier (the backup's date).
    type: str
    default: ""
  sha256:
    description: The archive's seal.
    type: str
    default: ""
  details:
    description: Anything worth keeping about the step (counts, differences, what was skipped).
    type: dict
    default: {}
author: The mergectl authors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Read the journal of an old district host on the archive host
  vngov.mergectl.decommission_journal:
    path: /srv/archive/hosts/old-binhthuan-phanthiet/journal.json
    host: old-binhthuan-phanthiet
  delegate_to: archive1
  register: journal_read

- name: Record a verified backup
  vngov.mergectl.decommission_journal:
    path: /srv/archive/hosts/old-binhthuan-phanthiet/journal.json
    host: old-binhthuan-phanthiet
    state: record
    step: verify
    archive: "20261123"
    sha256: 0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0
    details: {files: 1243, tables: {qlvb: {public.van_ban: 480}}}
  delegate_to: archive1
"""

RETURN = r"""
journal:
  description:
    - The whole journal after the call, C(host), C(steps) (step name to its entry) and C(history) (every
      recorded change, oldest first). In check mode, what it would be.
  type: dict
  returned: success
  sample: {"host": "old-binhthuan-phanthiet", "steps": {"backup": {"status": "done", "archive": "20261123",
           "sha256": "0f1e...", "details": {}, "at": "2026-11-23T04:10:41Z"}}, "history": []}
entry:
  description: The step's entry (status, archive, sha256, details and C(at), its UTC time).
  type: dict
  returned: when O(state=record)
stored:
  description:
    - Whether the returned journal is what the file holds now (false in check mode when a step would
      be recorded).
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


def load(path, host):
    return load_journal(path, {"host": host, "steps": {}, "history": []})


def main():
    module = AnsibleModule(
        argument_spec={
            "path": {"type": "path", "required": True},
            "host": {"type": "str", "required": True},
            "state": {"type": "str", "choices": ["read", "record"], "default": "read"},
            "step": {"type": "str"},
            "status": {"type": "str", "choices": ["done", "failed", "partial"], "default": "done"},
            "archive": {"type": "str", "default": ""},
            "sha256": {"type": "str", "default": ""},
            "details": {"type": "dict", "default": {}},
        },
        required_if=[("state", "record", ["step"])],
        supports_check_mode=True,
    )
    params = module.params
    try:
        journal = load(params["path"], params["host"])
    except (OSError, ValueError) as error:
        module.fail_json(msg=f"journal {params['path']} unreadable: {error}")
    if params["state"] == "read":
        module.exit_json(changed=False, journal=journal, stored=True)
    current = journal["steps"].get(params["step"], {})
    wanted = {key: params[key] for key in ("status", "archive", "sha256")}
    if all(current.get(key) == value for key, value in wanted.items()) \
            and current.get("details", {}) == params["details"]:
        module.exit_json(changed=False, journal=journal, entry=current, stored=True)
    entry = {**wanted, "details": params["details"],
             "at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    journal["steps"][params["step"]] = entry
    journal["history"].append({"step": params["step"], **entry})
    if not module.check_mode:
        try:
            save_journal(params["path"], journal, ".journal.")
        except OSError as error:
            module.fail_json(msg=f"cannot write journal {params['path']}: {error}")
    # In check mode the journal returned is the one a run would write: the controller must not take it.
    module.exit_json(changed=True, journal=journal, entry=entry, stored=not module.check_mode)


if __name__ == "__main__":
    main()
