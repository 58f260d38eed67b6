"""`mergectl export tenant-manifests DIR`: per new commune and per dissolved district, a
versioned JSON manifest (and its lossless CSV form) for the iDesk and TTHC vendors.

Files in OUT/tenant-manifests/: commune-<code>-<label>.json|.csv,
district-<province>-<label>.json|.csv, and index.csv (file, kind, generation, hash).
Every manifest is checked against the shipped JSON Schema before anything is written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from controller.csvwrite import csv_text
from controller.manifests.csvform import to_csv
from controller.manifests.manifest import commune_manifest, district_manifest, schema, versioned
from controller.manifests.source import load_recorded
from controller.yamlio import atomic_write

NAME = "tenant-manifests"
HELP = "iDesk/TTHC tenant manifests (JSON + CSV): new communes to create, districts to close"
FOLDER = "tenant-manifests"
INDEX_COLUMNS = ("file", "kind", "code", "name", "generation", "content_sha256")


def _previous(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def build(workspace_dir: Path, out_dir: Path) -> dict[str, dict[str, Any]]:
    """File stem -> versioned manifest (generations continue from the files already in out_dir)."""
    recorded = load_recorded(workspace_dir)
    folder = out_dir / FOLDER
    documents: dict[str, dict[str, Any]] = {}
    for commune in recorded.allocations.communes:
        stem = f"commune-{commune.code}-{commune.label}"
        documents[stem] = versioned(commune_manifest(recorded, commune), _previous(folder / f"{stem}.json"))
    for district in recorded.allocations.old_districts:
        stem = f"district-{district.province_label}-{district.label}"
        documents[stem] = versioned(district_manifest(recorded, district), _previous(folder / f"{stem}.json"))
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    for stem, document in documents.items():
        errors = sorted(validator.iter_errors(document), key=lambda error: list(error.absolute_path))
        if errors:  # our own output: a bug, not bad input
            where = "/".join(str(part) for part in errors[0].absolute_path)
            raise RuntimeError(f"manifest {stem} breaks the schema at {where or '/'}: {errors[0].message}")
    return documents


def dump_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def export(workspace_dir: Path, out_dir: Path) -> list[Path]:
    documents = build(workspace_dir, out_dir)
    folder = out_dir / FOLDER
    written: list[Path] = []
    index: list[tuple[object, ...]] = []
    for stem, document in documents.items():
        subject = document["unit"] if document["kind"] == "commune" else document["district"]
        for suffix, text in ((".json", dump_json(document)), (".csv", to_csv(document))):
            path = folder / f"{stem}{suffix}"
            atomic_write(path, text)
            written.append(path)
        index.append((f"{stem}.json", document["kind"], subject["code"], subject["name"],
                      document["generation"], document["content_sha256"]))
    atomic_write(folder / "index.csv", csv_text(INDEX_COLUMNS, index))
    written.append(folder / "index.csv")
    return written
