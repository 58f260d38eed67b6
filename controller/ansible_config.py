"""The ansible.cfg of a run: the product's settings with the engineer's own laid over them.

A province's engineer owns connection settings mergectl cannot know (a bastion in ssh_args,
remote_user, become, timeouts): DIR/ansible.cfg holds them. Ansible reads a single
ansible.cfg, so the two are merged key by key into the run folder, the workspace's winning,
and ANSIBLE_CONFIG points there. Keys that decide how mergectl runs and records are refused.
"""

from __future__ import annotations

import configparser
from pathlib import Path

from controller.errors import UserError

WORKSPACE_CONFIG = "ansible.cfg"
# section -> keys the workspace may not set: the strategy and callbacks the run records rely on,
# the product's own plugins and roles, and the inventory (the workspace itself).
PRODUCT_KEYS: dict[str, frozenset[str]] = {
    "defaults": frozenset(
        {
            "strategy",
            "strategy_plugins",
            "stdout_callback",
            "callbacks_enabled",
            "callback_whitelist",
            "callback_plugins",
            "roles_path",
            "library",
            "module_utils",
            "filter_plugins",
            "collections_path",
            "collections_paths",
            "inventory",
            "inventory_ignore_patterns",
        }
    ),
}

Sections = dict[str, dict[str, str]]


def _read(text: str, source: Path) -> Sections:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",), strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # Ansible's keys are case-sensitive
    try:
        parser.read_string(text, source=str(source))
    except configparser.Error as error:
        raise UserError(f"{source}: not a readable ansible.cfg ({error.message})") from None
    return {section: dict(parser.items(section, raw=True)) for section in parser.sections()}


def _anchored(sections: Sections, folder: Path) -> Sections:
    """Ansible reads "./x" relative to the ansible.cfg that says it; the merged file lives in the
    run folder, so each side's relative paths are made absolute against its own folder."""
    return {
        section: {
            key: str((folder / value).resolve()) if value.startswith(("./", "../")) else value
            for key, value in values.items()
        }
        for section, values in sections.items()
    }


def workspace_settings(workspace: Path) -> Sections:
    """DIR/ansible.cfg, checked; {} when there is none."""
    path = workspace / WORKSPACE_CONFIG
    if not path.is_file():
        return {}
    sections = _read(path.read_text(encoding="utf-8"), path)
    for section, values in sections.items():
        for key in sorted(set(values) & PRODUCT_KEYS.get(section, frozenset())):
            raise UserError(
                f"{path}: [{section}] {key} is set by mergectl itself (its runs, records and progress "
                "depend on it); remove it from the workspace's ansible.cfg"
            )
    return _anchored(sections, workspace.resolve())


def merged_config_text(product_text: str, product_folder: Path, workspace: Path) -> str:
    """The product's ansible.cfg (text, read relative to product_folder) with the workspace's over it."""
    merged = _anchored(_read(product_text, product_folder / "ansible.cfg"), product_folder)
    own = workspace_settings(workspace)
    for section, values in own.items():
        merged.setdefault(section, {}).update(values)
    origin = f"; {workspace / WORKSPACE_CONFIG} laid over it" if own else ""
    lines = [f"# Written by mergectl apply: the product's ansible.cfg{origin}."]
    for section, values in merged.items():
        # A value continued over several lines stays continued (indented) when written back.
        lines += [
            "",
            f"[{section}]",
            *(f"{key} = {value.replace(chr(10), chr(10) + '    ')}" for key, value in values.items()),
        ]
    return "\n".join(lines) + "\n"
