"""Which workstream a task belongs to, from the role that holds it: the one table of it."""

from __future__ import annotations

ROLE_WORKSTREAMS: dict[str, str] = {
    "data_line": "network",
    "dataline_core": "network",
    "dataline_terminate": "network",
    "commune_lan": "network",
    "frr": "network",
    "bind_common": "dns",
    "bind_primary": "dns",
    "bind_secondary": "dns",
    "mail": "mail",
    "directory": "mail",
    "hypervisor": "integration_centre",
    "vm": "integration_centre",
    "portal": "portals",
    "decommission": "decommissioning",
    "archive_server": "decommissioning",
    "old_district_seed": "decommissioning",
    # A shared role, counted with its only user so far (archive_server).
    "own_ca": "decommissioning",
}
# Tasks written in a playbook itself (facts, checks between plays) belong to no role.
NO_WORKSTREAM = "other"


def workstream_of(role: str | None) -> str:
    # A collection run names its roles by FQCN (vngov.mergectl.dns...): the last part is the role.
    name = (role or "").rsplit(".", 1)[-1]
    return ROLE_WORKSTREAMS.get(name, NO_WORKSTREAM)
