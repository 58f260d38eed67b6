"""Archive format shared by the decommissioning modules (pure Python, no Ansible imports).

An archive of one old host for one date is a directory:

    files.tar       every file under the archived paths (PAX tar, UTF-8 names, NFC kept as is)
    db-<name>.dump  one pg_dump (custom format) per database, taken in one exported snapshot
    manifest.json   every file (path, size, sha256, mode) and every dump (sha256, row counts)
    SHA256SUMS      sha256 of the three kinds above; its own sha256 is the archive's seal

The seal is what the journals record, so a changed byte anywhere changes the seal.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import tarfile

CHUNK = 1024 * 1024
SUMS = "SHA256SUMS"
TAR = "files.tar"
MANIFEST = "manifest.json"


class HashingReader:
    """Reads a file for tarfile while hashing it, so the manifest describes the exact bytes archived."""

    def __init__(self, handle):
        self._handle = handle
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self._handle.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def walk_files(paths):
    """Every regular file and symlink under `paths`, sorted, as absolute paths."""
    found = []
    for top in paths:
        if os.path.isfile(top) or os.path.islink(top):
            found.append(top)
            continue
        for root, dirs, files in os.walk(top):
            dirs.sort()
            for name in sorted(files):
                found.append(os.path.join(root, name))
    return sorted(set(found))


def arcname(path):
    return path.lstrip("/")


def write_tar(paths, tar_path):
    """Write the tar and return the manifest entries, hashing each file as it is read once."""
    entries = []
    with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT, encoding="utf-8") as archive:
        for path in walk_files(paths):
            info = archive.gettarinfo(path, arcname=arcname(path))
            if info.issym():
                archive.addfile(info)
                entries.append({"path": path, "type": "symlink", "target": info.linkname, "size": 0,
                                "sha256": hashlib.sha256(info.linkname.encode()).hexdigest()})
                continue
            if not info.isfile():
                continue
            with open(path, "rb") as handle:
                reader = HashingReader(handle)
                archive.addfile(info, reader)
            if reader.size != info.size:
                raise OSError(f"{path} changed size while being archived ({info.size} -> {reader.size})")
            entries.append({"path": path, "type": "file", "size": info.size,
                            "sha256": reader.digest.hexdigest(), "mode": oct(stat.S_IMODE(info.mode))})
    return entries


def safe_extract(tar_path, dest):
    """Extract without following absolute paths, '..' or links that leave `dest`."""
    problems = []
    with tarfile.open(tar_path, "r", encoding="utf-8") as archive:
        members = []
        for member in archive:
            name = member.name
            if name.startswith("/") or ".." in name.split("/"):
                problems.append(f"unsafe member refused: {name}")
                continue
            if member.islnk() or member.isdev():
                problems.append(f"unexpected member type refused: {name}")
                continue
            members.append(member)
        for member in members:
            archive.extract(member, dest, set_attrs=False)
    return problems


def describe_tree(root, archived_paths):
    """What a restored tree holds, keyed by the original absolute path."""
    restored = {}
    for top in archived_paths:
        local_top = os.path.join(root, arcname(top))
        for path in walk_files([local_top]) if os.path.lexists(local_top) else []:
            original = "/" + os.path.relpath(path, root)
            if os.path.islink(path):
                target = os.readlink(path)
                restored[original] = {"type": "symlink", "size": 0,
                                      "sha256": hashlib.sha256(target.encode()).hexdigest()}
            else:
                restored[original] = {"type": "file", "size": os.path.getsize(path),
                                      "sha256": sha256_file(path)}
    return restored


def compare_files(manifest_files, restored):
    """Every difference between the manifest and a restored tree, as readable lines."""
    differences = []
    expected = {entry["path"]: entry for entry in manifest_files}
    for path in sorted(expected):
        entry = expected[path]
        got = restored.get(path)
        if got is None:
            differences.append(f"missing file: {path}")
        elif got["size"] != entry["size"]:
            differences.append(f"size differs: {path} (manifest {entry['size']}, restored {got['size']})")
        elif got["sha256"] != entry["sha256"]:
            differences.append(f"sha256 differs: {path} (manifest {entry['sha256'][:16]}..., "
                               f"restored {got['sha256'][:16]}...)")
    for path in sorted(set(restored) - set(expected)):
        differences.append(f"file not in manifest: {path}")
    return differences


def compare_counts(expected, restored, database):
    differences = []
    for table in sorted(set(expected) | set(restored)):
        if table not in restored:
            differences.append(f"database {database}: table {table} missing after restore")
        elif table not in expected:
            differences.append(f"database {database}: table {table} not counted at dump time")
        elif int(expected[table]) != int(restored[table]):
            differences.append(f"database {database}: table {table} rows at dump {expected[table]}, "
                               f"restored {restored[table]}")
    return differences


def write_sums(archive_dir, names):
    lines = [f"{sha256_file(os.path.join(archive_dir, name))}  {name}\n" for name in sorted(names)]
    path = os.path.join(archive_dir, SUMS)
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(lines)
    return sha256_file(path)


def check_sums(archive_dir):
    """Differences between SHA256SUMS and the files beside it (missing, extra, changed)."""
    differences = []
    sums_path = os.path.join(archive_dir, SUMS)
    if not os.path.exists(sums_path):
        return [f"missing {SUMS} in {archive_dir}"]
    listed = {}
    with open(sums_path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            digest, sep, name = line.rstrip("\n").partition("  ")
            if not sep or len(digest) != 64:
                differences.append(f"{SUMS}:{number}: malformed line")
                continue
            listed[name] = digest
    for name, digest in sorted(listed.items()):
        path = os.path.join(archive_dir, name)
        if not os.path.exists(path):
            differences.append(f"archive member missing: {name}")
        elif sha256_file(path) != digest:
            differences.append(f"archive member checksum differs: {name}")
    return differences


def load_manifest(archive_dir):
    with open(os.path.join(archive_dir, MANIFEST), encoding="utf-8") as handle:
        return json.load(handle)


def psql_command(database, extra=()):
    return ["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-A", "-t",
            "-v", "ON_ERROR_STOP=1", "-d", database, *extra]


COUNT_TABLES_SQL = (
    "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables "
    "WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') "
    "ORDER BY 1;"
)


def count_rows(database):
    """Exact row counts per table in a database (used on the restored scratch copy)."""
    tables = subprocess.run(psql_command(database, ["-c", COUNT_TABLES_SQL]), check=True,
                            capture_output=True, text=True).stdout.split()
    counts = {}
    for table in tables:
        out = subprocess.run(psql_command(database, ["-c", f"SELECT count(*) FROM {table};"]), check=True,
                             capture_output=True, text=True).stdout.strip()
        counts[table] = int(out)
    return counts
