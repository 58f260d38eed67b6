#!/usr/bin/env python3
"""Keep each role README's "Role Variables" section equal to the role's argument specs.

meta/argument_specs.yml is what Ansible checks a role's input against: it is the one place a
variable's type, default and meaning are written. The README shows the same table, generated
here between two markers, so the two never disagree (tests/test_role_readmes.py runs --check).

    .venv/bin/python scripts/role_variables.py --write     # regenerate every role README
    .venv/bin/python scripts/role_variables.py --check     # exit 1 and name the stale ones
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

ROLES = Path(__file__).resolve().parent.parent / "roles"
START = "<!-- role-variables: generated from meta/argument_specs.yml by scripts/role_variables.py -->"
END = "<!-- role-variables: end -->"
HEADING = "## Role Variables"
LONG = 60  # longer defaults (computed Jinja, lists) are read in defaults/main.yml itself


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _default(name: str, option: dict[str, Any], defaults: dict[str, Any]) -> str:
    if option.get("required"):
        return "required"
    if "default" in option:
        value = option["default"]
    elif name in defaults:
        value = defaults[name]
    else:
        return ""
    shown = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1000).strip()
    shown = shown.removesuffix("\n...").removesuffix("...").strip()
    if "{{" in shown or "{%" in shown:
        return "computed (defaults/main.yml)"
    return f"`{_cell(shown)}`" if len(shown) <= LONG else "see defaults/main.yml"


def section(role: Path) -> str:
    """The generated section of one role: a table per entry point."""
    specs = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text(encoding="utf-8"))
    defaults_file = role / "defaults" / "main.yml"
    defaults = yaml.safe_load(defaults_file.read_text(encoding="utf-8")) if defaults_file.is_file() else {}
    lines = [HEADING, "", START, ""]
    for entry, spec in (specs.get("argument_specs") or {}).items():
        summary = f": {_cell(spec['short_description'])}" if spec.get("short_description") else ""
        title = f"Entry point `{entry}`" + summary
        lines += [title, "", "| variable | type | default | description |", "|---|---|---|---|"]
        for name, option in sorted((spec.get("options") or {}).items()):
            kind = option.get("type", "str")
            if option.get("elements"):
                kind = f"{kind} of {option['elements']}"
            description = option.get("description", "")
            if isinstance(description, list):
                description = " ".join(description)
            default = _default(name, option, defaults or {})
            lines.append(f"| `{name}` | {kind} | {default} | {_cell(description)} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines) + "\n"


def updated_readme(role: Path) -> str:
    """The README with its generated section replaced (or appended when it has none yet)."""
    text = (role / "README.md").read_text(encoding="utf-8")
    generated = section(role)
    if START in text and END in text:
        head = text[: text.index(START)]
        head = head[: head.rindex(HEADING)] if HEADING in head else head
        tail = text[text.index(END) + len(END) :].lstrip("\n")
        return head + generated + (("\n" + tail) if tail else "")
    return text.rstrip("\n") + "\n\n" + generated


def stale_roles() -> list[str]:
    return [
        role.name
        for role in sorted(ROLES.iterdir())
        if (role / "meta" / "argument_specs.yml").is_file()
        and updated_readme(role) != (role / "README.md").read_text(encoding="utf-8")
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="regenerate the sections")
    mode.add_argument("--check", action="store_true", help="exit 1 when a README is stale")
    args = parser.parse_args()
    stale = stale_roles()
    if args.check:
        for name in stale:
            message = f"roles/{name}/README.md: Role Variables differ from meta/argument_specs.yml"
            print(message, file=sys.stderr)
        if stale:
            print("fix: .venv/bin/python scripts/role_variables.py --write", file=sys.stderr)
        return 1 if stale else 0
    for name in stale:
        role = ROLES / name
        (role / "README.md").write_text(updated_readme(role), encoding="utf-8")
        print(f"wrote roles/{name}/README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
