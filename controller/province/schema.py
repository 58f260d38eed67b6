"""The JSON Schema of province.yml (`province.schema.json` beside this module).

Editors read it through the modeline on the file's first line
(`# yaml-language-server: $schema=...`) to complete keys and flag bad values as one
types. mergectl enforces its structure itself: a key the schema does not describe, at
any depth, is an error with its line and the closest known key, because an unknown
key is almost always a typo of a known one whose value would otherwise be silently
replaced by a default (`link_prefx:` and the operator's address becomes a pool address).
Values are left to the typed readers (`controller.values`), whose messages say more
than a failed pattern; tests/test_province_schema.py keeps the schema's patterns and
the readers in step. Draft-07, the newest draft yaml-language-server fully supports.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from controller.yamlio import KeyPath
from controller.yamlreader import YamlReader

SCHEMA_PATH = Path(__file__).with_name("province.schema.json")


@cache
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema())


def modeline(workspace: Path | None = None) -> str:
    """The first line of a province.yml in `workspace`: the schema's path relative to it (so it
    holds in every clone of a repository that keeps workspaces under inventories/), else its URI."""
    if workspace is None:
        return f"# yaml-language-server: $schema={SCHEMA_PATH.resolve().as_uri()}"
    relative = os.path.relpath(SCHEMA_PATH.resolve(), Path(workspace).resolve())
    return f"# yaml-language-server: $schema={Path(relative).as_posix()}"


def _jsonable(value: Any) -> Any:
    """The data as JSON would hold it: text keys (YAML allows `22918:` unquoted), dates as text."""
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes | set):
        return str(value)
    return value


def check_keys(reader: YamlReader) -> None:
    """An error for every key the schema does not describe, in file order, with a did-you-mean."""
    unknown: list[tuple[KeyPath, list[str]]] = []
    for error in _validator().iter_errors(_jsonable(reader.data)):
        if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
            continue
        known = list(error.schema.get("properties", {}))
        patterns = list(error.schema.get("patternProperties", {}))
        for key in error.instance:
            if key not in known and not any(re.search(pattern, key) for pattern in patterns):
                unknown.append(((*error.absolute_path, key), known))
    unknown.sort(key=lambda item: reader.lines.line(item[0]) or 0)
    for keypath, known in unknown:
        reader.unknown_key(keypath, known)
