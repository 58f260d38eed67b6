#!/usr/bin/python3
"""Ansible module: the per-host step journal on the archive host (the authority for resuming)."""

from __future__ import annotations

import datetime
import json
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

DOCUMENTATION = r"""
module: decommission_journal
short_description: Read or record a decommissioning step in /srv/archive/HOST/journal.json
description:
  - The journal says which steps of a host are done, when, with which archive and seal (sha256).
  - Recording a step that is already recorded with the same status, archive and sha256 changes nothing.
  - Written atomically (temporary file and rename); every change is appended to the history too.
options:
  path: {description: journal file, type: path, required: true}
  host: {description: inventory name of the old host, type: str, required: true}
  state: {description: read or record, type: str, choices: [read, record], default: read}
  step: {description: step name, type: str}
  status: {description: step outcome, type: str, choices: [done, failed, partial], default: done}
  archive: {description: archive identifier, type: str, default: ""}
  sha256: {description: archive seal, type: str, default: ""}
  details: {description: anything worth keeping, type: dict, default: {}}
author: mergectl
"""


def load(path, host):
    if not os.path.exists(path):
        return {"host": host, "steps": {}, "history": []}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def save(path, journal):
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o750, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".journal.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(journal, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.chmod(temporary, 0o640)
    os.replace(temporary, path)


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
        module.exit_json(changed=False, journal=journal)
    current = journal["steps"].get(params["step"], {})
    wanted = {key: params[key] for key in ("status", "archive", "sha256")}
    if all(current.get(key) == value for key, value in wanted.items()) \
            and current.get("details", {}) == params["details"]:
        module.exit_json(changed=False, journal=journal, entry=current)
    entry = {**wanted, "details": params["details"],
             "at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    journal["steps"][params["step"]] = entry
    journal["history"].append({"step": params["step"], **entry})
    if not module.check_mode:
        try:
            save(params["path"], journal)
        except OSError as error:
            module.fail_json(msg=f"cannot write journal {params['path']}: {error}")
    module.exit_json(changed=True, journal=journal, entry=entry)


if __name__ == "__main__":
    main()
