"""The inventory change plan (`mergectl plan`): what a render would create, rename, keep, retire.

Like `terraform plan` or an octoDNS plan, in two layers:
- per workstream and commune: the snapshot of the last render (`state/rendered.yml`)
  against the snapshot of an in-memory allocation of the current inputs (`diff`);
- per file: every rendered file against the one on disk (`controller.change_plan_files`,
  filled in by `controller.preview`), so a change no snapshot field records (a VLAN id,
  a site's routing, a date) still shows, and "no changes" means `inventory` writes nothing.
Pure: snapshots and file texts in, changes out.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from controller.change_plan_files import KindLine, summarise, unified_diff
from controller.render.writer import FileChanges

ACTIONS = ("create", "rename", "update", "keep_for_lookup", "retire")
WORKSTREAMS = (
    "data_network",
    "lan",
    "video_conference",
    "dns",
    "mail",
    "edoc",
    "portals",
    "decommissioning",
    "inventory",
)
# octoDNS refuses plans that touch more than 30 % of a zone's existing records; so does inventory.
SHARE_WARNING = 0.30
SHARE_MINIMUM = 10
MASS_CHANGE_HINT = "review `mergectl plan DIR --diff`, then run `mergectl inventory DIR --allow-mass-change`"


@dataclass(frozen=True)
class Change:
    workstream: str
    action: str
    subject: str
    detail: str
    commune: str | None = None  # label of the new commune concerned, for the per-commune view


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    first_render: bool = False
    files: FileChanges = field(default_factory=FileChanges)
    kinds: dict[str, str] = field(default_factory=dict)  # host -> kind, for the file summary
    refusals: list[str] = field(default_factory=list)  # mass changes: inventory needs --allow-mass-change

    @property
    def has_changes(self) -> bool:
        return bool(self.changes) or bool(self.files)

    def file_summary(self) -> list[KindLine]:
        return summarise(self.files, self.kinds)

    def file_counts(self) -> dict[str, int]:
        return {
            "created": len(self.files.created),
            "changed": len(self.files.changed),
            "removed": len(self.files.removed),
            "unchanged": len(self.files.unchanged),
        }

    def diff_text(self) -> str:
        return unified_diff(self.files)

    def summary(self) -> dict[str, dict[str, int]]:
        counts = Counter((change.workstream, change.action) for change in self.changes)
        result: dict[str, dict[str, int]] = {}
        for (workstream, action), count in sorted(counts.items(), key=lambda item: _order(item[0])):
            result.setdefault(workstream, {})[action] = count
        return result

    def by_commune(self) -> dict[str, list[Change]]:
        result: dict[str, list[Change]] = {}
        for change in self.changes:
            if change.commune:
                result.setdefault(change.commune, []).append(change)
        return dict(sorted(result.items()))

    def to_json(self) -> str:
        return json.dumps(
            {
                "has_changes": self.has_changes,
                "first_render": self.first_render,
                "summary": self.summary(),
                "changes": [asdict(change) for change in self.changes],
                "notes": self.notes,
                "warnings": self.warnings,
                "refused_without_allow_mass_change": self.refusals,
                "files": {
                    "counts": self.file_counts(),
                    "created": sorted(self.files.created),
                    "changed": sorted(self.files.changed),
                    "removed": sorted(self.files.removed),
                },
                "file_changes": [
                    {"kind": line.kind, "count": line.count, "change": line.what, "items": list(line.items)}
                    for line in self.file_summary()
                ],
            },
            ensure_ascii=False,
            indent=2,
        )


def _order(key: tuple[str, str]) -> tuple[int, int]:
    workstream, action = key
    return (WORKSTREAMS.index(workstream) if workstream in WORKSTREAMS else 99, ACTIONS.index(action))


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> Plan:
    plan = Plan(first_render=old is None)
    old = old or {"communes": {}, "old_units": {}, "old_districts": {}, "hosts": []}
    add = plan.changes.append
    old_communes: dict[str, Any] = old.get("communes") or {}
    new_communes: dict[str, Any] = new.get("communes") or {}

    for code in sorted(set(new_communes) | set(old_communes)):
        before: Any = old_communes.get(code)
        after: Any = new_communes.get(code)
        if after is None:
            _retire_commune(add, code, before)
        elif before is None:
            _create_commune(add, code, after)
            _portal_change(add, code, None, after, new.get("old_units") or {})
        else:
            _update_commune(add, code, before, after)
            _portal_change(add, code, before, after, new.get("old_units") or {})

    old_units: dict[str, Any] = old.get("old_units") or {}
    new_units: dict[str, Any] = new.get("old_units") or {}
    for code in sorted(set(new_units) | set(old_units)):
        before = old_units.get(code)
        after = new_units.get(code)
        subject = f"{(after or before)['name']} ({code})"
        if after is None:
            add(Change("dns", "retire", subject, f"{before['lookup_fqdn']}: no longer in the mapping"))
            continue
        successors = ", ".join(after["successors"])
        if before is None or before["lookup_fqdn"] != after["lookup_fqdn"]:
            add(
                Change(
                    "dns",
                    "keep_for_lookup",
                    subject,
                    f"{after['lookup_fqdn']} ({after['fate']} -> {successors})",
                )
            )
        if (
            before is None
            or before["endpoint_reused_by"] != after["endpoint_reused_by"]
            or before["endpoint"] != after["endpoint"]
        ):
            if after["endpoint_reused_by"]:
                add(
                    Change(
                        "data_network",
                        "update",
                        subject,
                        f"line {after['endpoint']} kept: now serves {after['endpoint_reused_by']}",
                    )
                )
            else:
                add(Change("data_network", "retire", subject, f"terminate line {after['endpoint']}"))

    old_districts: dict[str, Any] = old.get("old_districts") or {}
    new_districts: dict[str, Any] = new.get("old_districts") or {}
    for key in sorted(set(new_districts) | set(old_districts)):
        before = old_districts.get(key)
        after = new_districts.get(key)
        if after is None:
            add(Change("decommissioning", "retire", key, f"{before['host']} no longer in the mapping"))
            continue
        if before is None:
            add(
                Change(
                    "decommissioning",
                    "retire",
                    key,
                    f"back up then dissolve {after['host']} (endpoint {after['endpoint']}"
                    + (
                        f", kept by {after['endpoint_reused_by']})"
                        if after["endpoint_reused_by"]
                        else ", terminated)"
                    ),
                )
            )
            add(Change("dns", "keep_for_lookup", key, after["lookup_fqdn"]))
        elif before != after:
            add(Change("decommissioning", "update", key, _fields_changed(before, after)))

    old_hosts, new_hosts = set(old.get("hosts") or []), set(new.get("hosts") or [])
    for host in sorted(new_hosts - old_hosts):
        add(Change("inventory", "create", host, "new host"))
    for host in sorted(old_hosts - new_hosts):
        add(Change("inventory", "retire", host, "host removed from the inventory"))

    existing = len(old_communes)
    touched = len(
        {c.commune for c in plan.changes if c.action in ("update", "retire", "rename") and c.commune}
    )
    if existing >= SHARE_MINIMUM and touched / existing > SHARE_WARNING:
        plan.refusals.append(
            f"{touched} of {existing} existing communes ({touched / existing:.0%}) would be renamed, "
            f"changed or retired (more than {SHARE_WARNING:.0%} of a kind with at least {SHARE_MINIMUM})"
        )
    return plan


def _create_commune(add, code: str, after: dict[str, Any]) -> None:
    label = after["label"]
    subject = f"{after['name']} ({code})"
    add(Change("dns", "create", subject, f"{after['domain']}", label))
    add(Change("mail", "create", subject, f"mail domain {after['mail_domain']}", label))
    add(Change("lan", "create", subject, f"LAN {after['lan_prefix']}", label))
    rooms = ", ".join(f"{room} {address}" for room, address in after["vc_rooms"].items())
    add(Change("video_conference", "create", subject, f"{after['vc_prefix']}: {rooms}", label))
    for site, data in after["sites"].items():
        add(Change("data_network", "create", subject, _site_text(site, data), label))
    add(Change("edoc", "create", subject, f"plan code {after['edoc_code']}", label))


def _portal_change(
    add, code: str, before: dict[str, Any] | None, after: dict[str, Any], old_units: dict[str, Any]
) -> None:
    """The commune's portal choice (province.yml `communes.<code>.portal`): shown when the commune
    is created, and when the choice changes. A snapshot written before the choice existed has no
    `portal`: nothing to compare with, so nothing is shown for an existing commune."""
    portal = after.get("portal")
    if portal is None or (before is not None and before.get("portal") in (None, portal)):
        return
    action = "create" if before is None else "update"
    text = _portal_text(code, after, old_units)
    add(Change("portals", action, f"{after['name']} ({code})", text, after["label"]))


def _portal_text(code: str, after: dict[str, Any], old_units: dict[str, Any]) -> str:
    portal = after["portal"]
    where = f"https://{after['domain']}/"
    if portal["keep"] is None:
        text = f"{where}: new portal (starter site)"
    else:
        old = old_units.get(portal["keep"]) or {}
        name = f"{old['name']} ({portal['keep']}, {old['lookup_fqdn']})" if old else portal["keep"]
        text = f"{where}: keeps the portal of {name}, its content moved to the new name"
    if not portal["chosen"]:
        text += f" (default: not chosen in province.yml communes.{code}.portal)"
    return text


def _site_text(site: str, data: dict[str, Any]) -> str:
    text = f"site {site}: link {data['link_prefix']}, loopback {data['loopback']}"
    if data.get("operator_assigned"):
        text += " (operator-assigned)"
    if data.get("reuses_old_endpoint"):
        text += f", reuses the line of {data['reuses_old_endpoint']}"
    return text


def _retire_commune(add, code: str, before: dict[str, Any]) -> None:
    label = before["label"]
    subject = f"{before['name']} ({code})"
    add(Change("dns", "retire", subject, f"{before['domain']} (quarantined)", label))
    add(Change("mail", "retire", subject, f"mail domain {before['mail_domain']}", label))
    add(Change("lan", "retire", subject, f"LAN {before['lan_prefix']} (quarantined)", label))
    add(Change("video_conference", "retire", subject, f"{before['vc_prefix']} (quarantined)", label))
    for site, data in before["sites"].items():
        add(Change("data_network", "retire", subject, f"site {site}: link {data['link_prefix']}", label))
    add(Change("edoc", "retire", subject, f"close code {before['edoc_code']}", label))


def _update_commune(add, code: str, before: dict[str, Any], after: dict[str, Any]) -> None:
    label = after["label"]
    subject = f"{after['name']} ({code})"
    if before["label"] != after["label"] or before["name"] != after["name"]:
        add(
            Change(
                "dns",
                "rename",
                subject,
                f"{before['name']} -> {after['name']}: {before['domain']} -> {after['domain']}",
                label,
            )
        )
    if before["mail_domain"] != after["mail_domain"]:
        add(Change("mail", "rename", subject, f"{before['mail_domain']} -> {after['mail_domain']}", label))
    if before["lan_prefix"] != after["lan_prefix"]:
        add(Change("lan", "update", subject, f"LAN {before['lan_prefix']} -> {after['lan_prefix']}", label))
    if before["vc_prefix"] != after["vc_prefix"] or before["vc_rooms"] != after["vc_rooms"]:
        add(
            Change(
                "video_conference", "update", subject, f"{before['vc_prefix']} -> {after['vc_prefix']}", label
            )
        )
    if before["edoc_code"] != after["edoc_code"]:
        add(Change("edoc", "update", subject, f"{before['edoc_code']} -> {after['edoc_code']}", label))
    for site in sorted(set(before["sites"]) | set(after["sites"])):
        old_site, new_site = before["sites"].get(site), after["sites"].get(site)
        if new_site is None:
            add(
                Change(
                    "data_network", "retire", subject, f"site {site}: link {old_site['link_prefix']}", label
                )
            )
        elif old_site is None:
            add(Change("data_network", "create", subject, _site_text(site, new_site), label))
        elif old_site != new_site:
            add(
                Change(
                    "data_network",
                    "update",
                    subject,
                    f"site {site}: {_fields_changed(old_site, new_site)}",
                    label,
                )
            )


def _fields_changed(before: dict[str, Any], after: dict[str, Any]) -> str:
    return "; ".join(
        f"{key} {before.get(key)} -> {after.get(key)}"
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    )


ACTION_TEXT = {
    "create": "create",
    "rename": "rename",
    "update": "change",
    "keep_for_lookup": "keep for look-up",
    "retire": "retire",
}


def _file_lines(plan: Plan) -> list[str]:
    counts = plan.file_counts()
    lines = [
        f"Files: {counts['changed']} changed, {counts['created']} new, {counts['removed']} retired, "
        f"{counts['unchanged']} unchanged"
    ]
    summary = plan.file_summary()
    if summary:
        lines.append("Changes by kind:")
        lines.extend(f"  {line}" for line in summary)
    return lines


def _refusal_lines(plan: Plan) -> list[str]:
    prefix = "REFUSED by `mergectl inventory` unless --allow-mass-change"
    lines = [f"{prefix}: {reason}" for reason in plan.refusals]
    if plan.refusals:
        lines.append(f"  ({MASS_CHANGE_HINT})")
    return lines


def to_text(plan: Plan, *, detailed: bool = True, show_diff: bool = False) -> str:
    lines: list[str] = []
    if plan.first_render:
        lines.append("No previous render (state/rendered.yml): everything is new.")
    if not plan.has_changes:
        lines.append("No changes: the inventory matches the inputs.")
    else:
        if plan.changes:
            lines.append("Summary per workstream:")
        for workstream, counts in plan.summary().items():
            parts = ", ".join(f"{ACTION_TEXT[action]} {count}" for action, count in counts.items())
            lines.append(f"  {workstream:<17} {parts}")
        lines.extend(_file_lines(plan))
    lines.extend(_refusal_lines(plan))
    for warning in plan.warnings:
        lines.append(f"WARNING: {warning}")
    for note in plan.notes:
        lines.append(f"note: {note}")
    if detailed and plan.changes:
        lines.append("")
        lines.append("Per commune:")
        for commune, changes in plan.by_commune().items():
            lines.append(f"  {commune}:")
            for change in changes:
                lines.append(f"    {ACTION_TEXT[change.action]:<16} {change.workstream:<17} {change.detail}")
        others = [change for change in plan.changes if not change.commune]
        if others:
            lines.append("")
            lines.append("Old units, districts and hosts:")
            for change in others:
                lines.append(
                    f"  {ACTION_TEXT[change.action]:<16} {change.workstream:<17} "
                    f"{change.subject}: {change.detail}"
                )
    text = "\n".join(lines) + "\n"
    if show_diff and plan.files:
        text += "\n" + plan.diff_text()
    return text


def to_markdown(plan: Plan, title: str) -> str:
    lines = [f"# Plan: {title}", ""]
    if plan.first_render:
        lines += ["No previous render: everything is new.", ""]
    if not plan.has_changes:
        lines += ["No changes.", ""]
        return "\n".join(lines)
    lines += [
        "| workstream | " + " | ".join(ACTION_TEXT[a] for a in ACTIONS) + " |",
        "|---|" + "---|" * len(ACTIONS),
    ]
    for workstream, counts in plan.summary().items():
        lines.append(f"| {workstream} | " + " | ".join(str(counts.get(a, 0)) for a in ACTIONS) + " |")
    lines.append("")
    lines += [*_file_lines(plan), ""]
    for reason in plan.refusals:
        lines += [f"**Refused by `mergectl inventory` unless --allow-mass-change:** {reason}", ""]
    for warning in plan.warnings:
        lines += [f"**Warning:** {warning}", ""]
    for note in plan.notes:
        lines.append(f"- note: {note}")
    lines += ["", "## Per commune", ""]
    for commune, changes in plan.by_commune().items():
        lines.append(f"### {commune}")
        for change in changes:
            lines.append(f"- {ACTION_TEXT[change.action]} ({change.workstream}): {change.detail}")
        lines.append("")
    others = [change for change in plan.changes if not change.commune]
    if others:
        lines += ["## Old units, districts and hosts", ""]
        for change in others:
            lines.append(
                f"- {ACTION_TEXT[change.action]} ({change.workstream}) {change.subject}: {change.detail}"
            )
    return "\n".join(lines) + "\n"
