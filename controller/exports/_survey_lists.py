"""What the lists made from the survey's registers share: a CSV for people (Vietnamese headings and
words by default) and a JSON for machines (English keys, values as stored), from the same rows."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from controller.csvwrite import write_csv
from controller.survey.texts import room, text
from controller.yamlio import atomic_write

# Columns whose values are words of the survey's vocabulary, and how to say them.
_WORDS = {
    "to_room": lambda lang, value: room(lang, value),
    "room": lambda lang, value: room(lang, value),
    "status": lambda lang, value: text(lang, f"status_{value}"),
    "endpoint_status": lambda lang, value: text(lang, f"endpoint_{value}"),
}


def _for_people(row: Mapping[str, str], lang: str) -> dict[str, str]:
    return {column: _WORDS[column](lang, value) if value and column in _WORDS else value
            for column, value in row.items()}


def write_lists(out_dir: Path, stem: str, columns: Sequence[str], headings_vi: Mapping[str, str],
                rows: list[dict[str, str]], lang: str, about: Mapping[str, object]) -> list[Path]:
    """`stem`.csv (headings in `lang`: Vietnamese, or the column keys in English) and `stem`.json."""
    headings = [headings_vi[column] for column in columns] if lang == "vi" else list(columns)
    csv_path = write_csv(out_dir / f"{stem}.csv", headings,
                         [[_for_people(row, lang)[column] for column in columns] for row in rows])
    json_path = out_dir / f"{stem}.json"
    atomic_write(json_path, json.dumps({**about, "rows": rows}, ensure_ascii=False, indent=2) + "\n")
    return [csv_path, json_path]
