"""`mergectl export vc-declaration DIR`: the IP declaration list of the video-conference rooms.

One row per room of every new commune (government block and Party block), with the
address and MAC the gateway reserves, and the old endpoint whose address is reclaimed
when a room takes over an old unit's line. The provider registers these on its MCUs.
"""

from __future__ import annotations

from pathlib import Path

from controller.csvwrite import write_csv
from controller.errors import Diagnostics, InvalidInput
from controller.exports._network_inventory import commune_gateways, require

NAME = "vc-declaration"
HELP = "video-conference rooms: commune, room, address, MAC, previous endpoint reclaimed (CSV)"
FILE_NAME = "vc-declaration.csv"
COLUMNS = [
    "commune_code", "commune", "commune_label", "room", "address", "mac",
    "previous_unit", "previous_address",
]


def rows(workspace: Path) -> list[dict[str, str]]:
    diagnostics = Diagnostics()
    found: list[dict[str, str]] = []
    for gateway in commune_gateways(workspace, diagnostics):
        rooms = gateway.data.get("commune_vc_rooms")
        if not isinstance(rooms, list) or not rooms:
            diagnostics.add(gateway.path, gateway.line("commune_vc_rooms"),
                            "commune_vc_rooms must list the commune's rooms", key="commune_vc_rooms")
            continue
        for position, room in enumerate(rooms):
            where = ("commune_vc_rooms", position)
            name = require(gateway, room, "room", where, diagnostics)
            address = require(gateway, room, "address", where, diagnostics)
            if name is None or address is None:
                continue
            previous = room.get("previous_endpoint") or {}
            found.append({
                "commune_code": str(gateway.data.get("commune_code", "")),
                "commune": str(gateway.data.get("commune_name", "")),
                "commune_label": str(gateway.data.get("commune_label", gateway.path.stem)),
                "room": str(name),
                "address": str(address),
                "mac": str(room.get("mac") or ""),
                "previous_unit": str(previous.get("unit") or ""),
                "previous_address": str(previous.get("address") or ""),
            })
    if diagnostics:
        raise InvalidInput(diagnostics)
    return sorted(found, key=lambda row: (row["commune_label"], row["room"]))


def export(workspace_dir: Path, out_dir: Path) -> list[Path]:
    found = rows(Path(workspace_dir))
    return [write_csv(Path(out_dir) / FILE_NAME, COLUMNS, found)]
