#!/usr/bin/python
"""Ansible module: take one archive of an old host (files + consistent database dumps)."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: decommission_snapshot
short_description: Archive the paths and PostgreSQL databases of an old district host, with a manifest
description:
  - Writes C(files.tar), C(db-NAME.dump), C(manifest.json) and C(SHA256SUMS) into O(dest).
  - Every file is hashed while it is read into the tar, so the manifest describes the archived bytes.
  - Each database is dumped with C(pg_dump) in a snapshot exported by a REPEATABLE READ transaction in which
    the row counts are taken too, so the counts match the dump exactly.
  - The host's data is only read. O(dest) is emptied first (a half-written copy of an interrupted run) and
    removed again when the snapshot fails.
requirements:
  - PostgreSQL client tools (C(psql), C(pg_dump)) and C(runuser) on the host when O(databases) is not empty
attributes:
  check_mode:
    support: partial
    details: Only the existence of O(paths) is checked; nothing is archived and no seal is returned.
  diff_mode:
    support: none
  platform:
    platforms: posix
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
options:
  dest:
    description: Staging directory for the archive on this host.
    type: path
    required: true
  host:
    description: Inventory name of the host, written into the manifest.
    type: str
    required: true
  archive_id:
    description: Archive identifier (the date), written into the manifest.
    type: str
    required: true
  paths:
    description: Absolute paths to archive (files, or directories archived with everything under them).
    type: list
    elements: path
    default: []
  databases:
    description: PostgreSQL databases to dump.
    type: list
    elements: str
    default: []
author: The mergectl authors (!UNKNOWN)
"""

EXAMPLES = r"""
- name: Snapshot the documents, the portal and the document system's database
  vngov.mergectl.decommission_snapshot:
    dest: /var/tmp/mergectl-decom/20261123
    host: "{{ inventory_hostname }}"
    archive_id: "20261123"
    paths: [/srv/district/documents, /var/www/portal, /var/mail/vhosts]
    databases: [qlvb]
  register: snapshot
"""

RETURN = r"""
seal:
  description: The sha256 of C(SHA256SUMS), which names the sha256 of every other member.
  type: str
  returned: changed and not in check mode
members:
  description: The archive's files, to be copied elsewhere.
  type: list
  elements: str
  returned: changed and not in check mode
  sample: [SHA256SUMS, db-qlvb.dump, files.tar, manifest.json]
sizes:
  description: Size of each member in bytes.
  type: dict
  returned: changed and not in check mode
file_count:
  description: Number of files and symbolic links archived.
  type: int
  returned: changed and not in check mode
bytes:
  description: Size of the whole archive in bytes.
  type: int
  returned: changed and not in check mode
row_counts:
  description: Per database, the row count of every table at dump time.
  type: dict
  returned: changed and not in check mode
  sample: {"qlvb": {"public.ho_so": 240, "public.van_ban": 480}}
"""

import datetime
import json
import os
import shutil
import subprocess

from ansible.module_utils.basic import AnsibleModule

try:  # a checkout: ansible.cfg's module_utils = ./module_utils
    from ansible.module_utils.decommission_archive import (
        COUNT_TABLES_SQL,
        MANIFEST,
        TAR,
        psql_command,
        sha256_file,
        write_sums,
        write_tar,
    )
except ImportError:  # the collection vngov.mergectl
    from ansible_collections.vngov.mergectl.plugins.module_utils.decommission_archive import (
        COUNT_TABLES_SQL,
        MANIFEST,
        TAR,
        psql_command,
        sha256_file,
        write_sums,
        write_tar,
    )


MARK = "__mergectl_end__"


class SnapshotSession:
    """A psql session holding one REPEATABLE READ transaction whose snapshot pg_dump reuses."""

    def __init__(self, database):
        self.proc = subprocess.Popen(psql_command(database), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def query(self, sql):
        self.proc.stdin.write(f"{sql}\n\\echo {MARK}\n")
        self.proc.stdin.flush()
        lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"psql ended early: {self.proc.stderr.read().strip()}")
            if line.strip() == MARK:
                return lines
            if line.strip():
                lines.append(line.strip())

    def close(self):
        self.query("COMMIT;")
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def dump_database(database, dest):
    session = SnapshotSession(database)
    try:
        session.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;")
        snapshot = session.query("SELECT pg_export_snapshot();")[0]
        dump_name = f"db-{database}.dump"
        dump_path = os.path.join(dest, dump_name)
        # pg_dump writes as postgres: let it create the file in a directory it may write to.
        subprocess.run(["runuser", "-u", "postgres", "--", "pg_dump", "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file=/tmp/{dump_name}", database], check=True, capture_output=True, text=True)
        shutil.move(f"/tmp/{dump_name}", dump_path)
        counts = {}
        for table in session.query(COUNT_TABLES_SQL):
            counts[table] = int(session.query(f"SELECT count(*) FROM {table};")[0])
        session.close()
    except Exception:
        session.proc.kill()
        raise
    return {"name": database, "dump": dump_name, "size": os.path.getsize(dump_path),
            "sha256": sha256_file(dump_path), "snapshot": snapshot, "row_counts": counts}


def main():
    module = AnsibleModule(
        argument_spec={
            "dest": {"type": "path", "required": True},
            "host": {"type": "str", "required": True},
            "archive_id": {"type": "str", "required": True},
            "paths": {"type": "list", "elements": "path", "default": []},
            "databases": {"type": "list", "elements": "str", "default": []},
        },
        supports_check_mode=True,
    )
    params = module.params
    missing = [path for path in params["paths"] if not os.path.lexists(path)]
    if missing:
        module.fail_json(msg=f"paths to archive do not exist: {', '.join(missing)}")
    if module.check_mode:
        module.exit_json(changed=True, msg=f"would archive {len(params['paths'])} path(s) and "
                         f"{len(params['databases'])} database(s)")
    dest = params["dest"]
    shutil.rmtree(dest, ignore_errors=True)  # a half-written staging copy from an interrupted run
    os.makedirs(dest, mode=0o700)
    try:
        files = write_tar(params["paths"], os.path.join(dest, TAR))
        databases = [dump_database(name, dest) for name in params["databases"]]
    except (OSError, RuntimeError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        shutil.rmtree(dest, ignore_errors=True)
        module.fail_json(msg=f"snapshot of {params['host']} failed: {error} {detail}".strip())
    manifest = {
        "host": params["host"],
        "archive_id": params["archive_id"],
        "created": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "paths": params["paths"],
        "files": files,
        "databases": databases,
        "tar_sha256": sha256_file(os.path.join(dest, TAR)),
    }
    with open(os.path.join(dest, MANIFEST), "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, ensure_ascii=False, indent=1, sort_keys=True)
    members = [TAR, MANIFEST] + [db["dump"] for db in databases]
    seal = write_sums(dest, members)
    sizes = {name: os.path.getsize(os.path.join(dest, name)) for name in [*members, "SHA256SUMS"]}
    module.exit_json(changed=True, seal=seal, members=sorted(sizes), sizes=sizes,
                     file_count=len(files), bytes=sum(sizes.values()),
                     row_counts={db["name"]: db["row_counts"] for db in databases})


if __name__ == "__main__":
    main()
