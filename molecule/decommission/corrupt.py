#!/usr/bin/python3
"""Test helper run on the archive host: copy a verified archive to a new root as "backed up, not
yet verified", then damage it one way: flip (one byte of a document), missing (a file dropped from
the tar), truncate (the database dump cut in half); several kinds may be joined with "+"."""

import json
import os
import shutil
import sys
import tarfile

source_root, target_root, kinds, host = sys.argv[1:5]
shutil.rmtree(os.path.join(target_root, host), ignore_errors=True)
shutil.copytree(os.path.join(source_root, host), os.path.join(target_root, host))
journal_path = os.path.join(target_root, host, "journal.json")
with open(journal_path, encoding="utf-8") as handle:
    journal = json.load(handle)
journal["steps"] = {step: journal["steps"][step] for step in ("inventory", "backup")}
journal["history"] = [entry for entry in journal["history"] if entry["step"] in ("inventory", "backup")]
with open(journal_path, "w", encoding="utf-8") as handle:
    json.dump(journal, handle, ensure_ascii=False)
archive = os.path.join(target_root, host, journal["steps"]["backup"]["archive"])
tar_path = os.path.join(archive, "files.tar")
os.chmod(tar_path, 0o644)


def damage(kind):
    if kind == "flip":
        with tarfile.open(tar_path) as archive_tar:
            member = next(m for m in archive_tar.getmembers() if m.isfile() and m.name.endswith(".txt"))
        with open(tar_path, "r+b") as handle:
            handle.seek(member.offset_data + 3)
            byte = handle.read(1)
            handle.seek(member.offset_data + 3)
            handle.write(bytes([byte[0] ^ 0x01]))
        print(f"flipped one byte of {member.name}")
    elif kind == "missing":
        kept = tar_path + ".new"
        with tarfile.open(tar_path) as old, tarfile.open(kept, "w", format=tarfile.PAX_FORMAT) as new:
            members = old.getmembers()
            dropped = next(m for m in members if m.isfile() and "Maildir" in m.name)
            for member in members:
                if member.name != dropped.name:
                    new.addfile(member, old.extractfile(member) if member.isfile() else None)
        os.replace(kept, tar_path)
        print(f"dropped {dropped.name}")
    elif kind == "truncate":
        dump = next(name for name in os.listdir(archive) if name.endswith(".dump"))
        dump_path = os.path.join(archive, dump)
        os.chmod(dump_path, 0o644)
        size = os.path.getsize(dump_path)
        with open(dump_path, "r+b") as handle:
            handle.truncate(size // 2)
        print(f"truncated {dump} from {size} to {size // 2} bytes")
    else:
        sys.exit(f"unknown corruption {kind}")


for kind in kinds.split("+"):
    damage(kind)
