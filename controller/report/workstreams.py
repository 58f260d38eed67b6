"""The per-workstream items of the report (the plan's 12 workstreams, mission.md): what is
planned, allocated, rendered, issued and retired, counted from the workspace's files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from controller.lines.progress import line_order_items
from controller.model import Mapping
from controller.report.model import Item, Retired, Workstream
from controller.report.sources import count, staff_rows
from controller.survey.progress import video_conference_items
from controller.workspace import Workspace

# Which task of the plan (province.yml `tasks:`) each workstream answers to.
WORKSTREAM_DEADLINE = {
    1: "data_lines_installed",
    2: "in_service",
    3: "vc_equipment_handed_over",
    4: "domains_declared",
    5: "staff_mail_accounts",
    6: "in_service",
    7: "idesk_set_up",
    8: "tthc_set_up",
    9: "commune_portals",
    10: "sector_systems_reviewed",
    11: "in_service",
    12: "admin_accounts_revoked",
}

DECOMMISSION_STEPS = ("inventory", "backup", "verify", "lockdown", "revoke", "poweroff")


def _decommission_counts(retired: Retired | None) -> dict[str, int] | None:
    """Old district hosts done, per step, from the journal as the report read it (None: no journal)."""
    if retired is None:
        return None
    return {
        step: sum(1 for host in retired.hosts if host.steps.get(step) == "done")
        for step in DECOMMISSION_STEPS
    }


def _step(counts: dict[str, int] | None, step: str) -> int | None:
    return None if counts is None else counts[step]


def workstream_items(
    ws: Workspace,
    mapping: Mapping,
    today: dt.date,
    sources: dict[str, str],
    files: dict[str, dict[str, Any] | None],
    survey: dict[str, Any],
    deadlines: dict[str, dt.date],
    retired: Retired | None,
) -> list[Workstream]:
    """The 12 workstreams with their items; `files` holds the state files by name (None: absent),
    `survey` the survey's section, `deadlines` the tasks' dates by id, `retired` the journal's
    hosts (None: no journal)."""
    allocations = files["allocations"]
    rendered = files["rendered"]
    accounts = files["accounts"]
    staff = staff_rows(ws.staff_dir, sources)
    communes = len(mapping.new_units)
    old_units = len(mapping.old_units)
    districts = len(mapping.old_districts())
    alloc = "state/allocations.yml"
    rend = "state/rendered.yml"
    communes_allocated = count(allocations, "communes")
    communes_rendered = count(rendered, "communes")
    sites_allocated = None
    if allocations is not None and isinstance(allocations.get("communes"), dict):
        sites_allocated = sum(
            len(entry.get("sites") or {})
            for entry in allocations["communes"].values()
            if isinstance(entry, dict)
        )
    vc_rendered = None
    edoc_allocated = None
    if rendered is not None and isinstance(rendered.get("communes"), dict):
        vc_rendered = sum(
            len(entry.get("vc_rooms") or {})
            for entry in rendered["communes"].values()
            if isinstance(entry, dict)
        )
    if allocations is not None and isinstance(allocations.get("communes"), dict):
        edoc_allocated = sum(
            1
            for entry in allocations["communes"].values()
            if isinstance(entry, dict) and entry.get("edoc_code")
        )
    hosts = rendered.get("hosts") if rendered is not None else None
    hosts = hosts if isinstance(hosts, list) else None

    def hosts_with(prefix: str) -> int | None:
        return None if hosts is None else sum(1 for host in hosts if str(host).startswith(prefix))

    to_terminate = None
    if rendered is not None and isinstance(rendered.get("old_units"), dict):
        to_terminate = sum(
            1
            for entry in rendered["old_units"].values()
            if isinstance(entry, dict) and not entry.get("endpoint_reused_by")
        )
    sites_rendered = None
    if rendered is not None and isinstance(rendered.get("communes"), dict):
        sites_rendered = sum(
            len(entry.get("sites") or {})
            for entry in rendered["communes"].values()
            if isinstance(entry, dict)
        )
    sites_planned = sites_allocated if sites_allocated is not None else communes
    steps = _decommission_counts(retired)
    lookup_names = None
    if rendered is not None:
        lookup_names = (count(rendered, "old_units") or 0) + (count(rendered, "old_districts") or 0)
    dec = "state/decommission.yml"
    issued_accounts = None
    if accounts is not None:
        entries = accounts.get("accounts", accounts.get("issued"))
        issued_accounts = len(entries) if isinstance(entries, dict | list) else None

    workstreams = [
        Workstream(
            1,
            "Specialised data network",
            [
                # At least one site per commune until the allocation says how many there are.
                Item("commune HQ data-line endpoints", sites_planned, sites_rendered, "rendered", rend),
                # Old commune lines are cut by the operator: the workspace has no record of it.
                Item("old commune endpoints to terminate", to_terminate, None, "terminated", "operator"),
                Item("old district endpoints terminated", districts, _step(steps, "revoke"), "retired", dec),
                *line_order_items(ws, today, sources),
            ],
        ),
        Workstream(
            2,
            "Commune LAN",
            [
                Item("commune LAN supernets", communes, communes_allocated, "allocated", alloc),
                Item("commune LANs in the inventory", communes, communes_rendered, "rendered", rend),
            ],
        ),
        Workstream(
            3,
            "Video conferencing",
            [
                Item("meeting rooms (government + Party)", 2 * communes, vc_rendered, "rendered", rend),
                *video_conference_items(
                    ws, survey, 2 * communes, deadlines.get("vc_equipment_handed_over"), sources
                ),
            ],
        ),
        Workstream(
            4,
            "Domain names",
            [
                Item("commune domains", communes, communes_rendered, "rendered", rend),
                Item("old names kept for look-up", old_units + districts, lookup_names, "rendered", rend),
            ],
        ),
        Workstream(
            5,
            "Official e-mail and central authentication",
            [
                Item("mail domains", communes, communes_rendered, "rendered", rend),
                Item("staff accounts", staff, issued_accounts, "issued", "staff/*.csv, state/accounts.yml"),
            ],
        ),
        Workstream(
            6,
            "Electronic identifier codes",
            [
                Item("codes of new communes", communes, edoc_allocated, "allocated", alloc),
            ],
        ),
        Workstream(
            7,
            "Document management (iDesk)",
            [
                Item("iDesk tenants", communes, hosts_with("idesk-"), "rendered", rend),
            ],
        ),
        Workstream(
            8,
            "Administrative procedures (TTHC)",
            [
                Item("TTHC tenants", communes, hosts_with("tthc-"), "rendered", rend),
            ],
        ),
        Workstream(
            9,
            "Web portals",
            [
                Item("commune portals", communes, communes_rendered, "rendered", rend),
            ],
        ),
        Workstream(
            10,
            "Reporting, civil-servant and sector systems",
            [],
            note="no record in the workspace: progress unknown",
        ),
        Workstream(11, "Digital signatures", [], note="no record in the workspace: progress unknown"),
        Workstream(
            12,
            "Decommissioning",
            [
                Item(
                    "old districts backed up, backup verified",
                    districts,
                    _step(steps, "verify"),
                    "verified",
                    dec,
                ),
                Item("old districts locked down", districts, _step(steps, "lockdown"), "locked", dec),
                Item("old districts powered off", districts, _step(steps, "poweroff"), "retired", dec),
            ],
        ),
    ]
    for workstream in workstreams:
        workstream.deadline = WORKSTREAM_DEADLINE.get(workstream.number)
        if workstream.deadline not in deadlines:
            workstream.deadline = None
    return workstreams
