#!/usr/bin/python
"""Ansible module: restore an archive into scratch space and compare it with its manifest."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: decommission_verify
short_description: Restore an old host's archive into scratch space and compare every file and row count
description:
  - Checks C(SHA256SUMS), extracts C(files.tar) into O(scratch), compares every file's size and sha256 with
    the manifest, restores every dump into a scratch PostgreSQL database and compares the row count of every
    table.
  - Fails with the full list of differences; nothing is published then.
  - On success, optionally copies the restored tree to O(publish) (the searchable read-only archive).
requirements:
  - PostgreSQL server and client tools and C(runuser) on the host when the archive holds database dumps
attributes:
  check_mode:
    support: partial
    details: Says what it would restore and compare; it restores, compares and publishes nothing.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
options:
  archive:
    description: The archive directory on this host.
    type: path
    required: true
  scratch:
    description: Scratch directory, emptied first and removed after.
    type: path
    required: true
  publish:
    description: Where to copy the verified tree; nothing is published when unset.
    type: path
  publish_paths:
    description: Original paths whose restored copies are published (mailboxes stay in the archive only).
    type: list
    elements: path
    default: []
  scratch_db_prefix:
    description: Prefix of the scratch databases (dropped after the comparison).
    type: str
    default: scratch_
author: The mergectl authors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Verify an archive by restoring it, then publish its documents and portal
  vngov.mergectl.decommission_verify:
    archive: /srv/archive/hosts/old-binhthuan-phanthiet/20261123
    scratch: /srv/archive/scratch/old-binhthuan-phanthiet
    publish: /srv/archive/published/old-binhthuan-phanthiet
    publish_paths: [/srv/district/documents, /var/www/portal]
  register: verification
"""

RETURN = r"""
verified_files:
  description: Number of files and symbolic links compared with the manifest.
  type: int
  returned: success and not in check mode
tables:
  description: Per database, the row count of every table of the restored copy.
  type: dict
  returned: success and not in check mode
differences:
  description: Every difference found (empty on success; the module fails when there is any).
  type: list
  elements: str
  returned: always
  sample: ["sha256 differs: /srv/district/documents/qd-1234.txt (manifest 0f1e2d3c..., restored 9a8b7c6d...)"]
msg:
  description: What was verified, or in check mode what would be.
  type: str
  returned: always
"""

import os
import re
import shutil
import subprocess

from ansible.module_utils.basic import AnsibleModule

try:  # a checkout: ansible.cfg's module_utils = ./module_utils
    from ansible.module_utils.decommission_archive import (
        TAR,
        check_sums,
        compare_counts,
        compare_files,
        count_rows,
        describe_tree,
        load_manifest,
        safe_extract,
        sha256_file,
    )
except ImportError:  # the collection vngov.mergectl
    from ansible_collections.vngov.mergectl.plugins.module_utils.decommission_archive import (
        TAR,
        check_sums,
        compare_counts,
        compare_files,
        count_rows,
        describe_tree,
        load_manifest,
        safe_extract,
        sha256_file,
    )


def restore_database(entry, archive, prefix, archive_id):
    scratch_db = re.sub(r"[^a-z0-9_]", "_", f"{prefix}{entry['name']}_{archive_id}".lower())[:63]
    dump = os.path.join(archive, entry["dump"])
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_postgres, "dropdb", "--if-exists", scratch_db], check=True, capture_output=True)
    subprocess.run([*as_postgres, "createdb", scratch_db], check=True, capture_output=True)
    try:
        with open(dump, "rb") as handle:
            restore = subprocess.run([*as_postgres, "pg_restore", "--no-owner", "--no-privileges",
                                      "--exit-on-error", "-d", scratch_db], stdin=handle,
                                     capture_output=True, text=False, check=False)
        if restore.returncode != 0:
            return None, [f"database {entry['name']}: restore of {entry['dump']} failed: "
                          f"{restore.stderr.decode(errors='replace').strip()[:300]}"]
        counts = count_rows(scratch_db)
    finally:
        subprocess.run([*as_postgres, "dropdb", "--if-exists", scratch_db], check=False, capture_output=True)
    return counts, compare_counts(entry["row_counts"], counts, entry["name"])


def main():
    module = AnsibleModule(
        argument_spec={
            "archive": {"type": "path", "required": True},
            "scratch": {"type": "path", "required": True},
            "publish": {"type": "path"},
            "publish_paths": {"type": "list", "elements": "path", "default": []},
            "scratch_db_prefix": {"type": "str", "default": "scratch_"},
        },
        supports_check_mode=True,
    )
    archive, scratch = module.params["archive"], module.params["scratch"]
    if module.check_mode:
        module.exit_json(changed=False, differences=[],
                         msg=f"would restore {archive} into {scratch} and compare")
    differences = check_sums(archive)
    try:
        manifest = load_manifest(archive)
    except (OSError, ValueError) as error:
        module.fail_json(msg=f"verification of {archive} failed: unreadable manifest: {error}",
                         differences=[*differences, f"manifest unreadable: {error}"])
    if manifest.get("tar_sha256") and os.path.exists(os.path.join(archive, TAR)) \
            and sha256_file(os.path.join(archive, TAR)) != manifest["tar_sha256"]:
        differences.append(f"{TAR}: sha256 differs from the one recorded at backup")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch, mode=0o700)
    tables = {}
    try:
        try:
            differences.extend(safe_extract(os.path.join(archive, TAR), scratch))
        except Exception as error:  # a truncated or damaged tar: report it, still compare what came out
            differences.append(f"{TAR}: extraction failed: {type(error).__name__}: {error}")
        restored = describe_tree(scratch, manifest["paths"])
        differences.extend(compare_files(manifest["files"], restored))
        for entry in manifest.get("databases", []):
            if not os.path.exists(os.path.join(archive, entry["dump"])):
                differences.append(f"database {entry['name']}: dump {entry['dump']} missing")
                continue
            if sha256_file(os.path.join(archive, entry["dump"])) != entry["sha256"]:
                differences.append(f"database {entry['name']}: dump {entry['dump']} sha256 differs "
                                   "from manifest")
            counts, found = restore_database(entry, archive, module.params["scratch_db_prefix"],
                                             manifest["archive_id"])
            differences.extend(found)
            tables[entry["name"]] = counts
        if differences:
            module.fail_json(
                msg=f"verification of {archive} FAILED with {len(differences)} difference(s):\n  - "
                + "\n  - ".join(differences),
                differences=differences,
            )
        publish = module.params["publish"]
        if publish:
            staging = publish.rstrip("/") + ".new"
            shutil.rmtree(staging, ignore_errors=True)
            os.makedirs(staging)
            for original in module.params["publish_paths"]:
                restored_copy = os.path.join(scratch, original.lstrip("/"))
                if os.path.isdir(restored_copy):
                    name = os.path.basename(original.rstrip("/"))
                    shutil.copytree(restored_copy, os.path.join(staging, name), symlinks=True)
            shutil.rmtree(publish, ignore_errors=True)
            os.replace(staging, publish)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    module.exit_json(changed=True, verified_files=len(manifest["files"]), tables=tables,
                     differences=[], msg=f"{len(manifest['files'])} file(s) and "
                     f"{sum(len(t or {}) for t in tables.values())} table(s) match the manifest")


if __name__ == "__main__":
    main()
