"""The line orders' rows of the weekly progress report (workstream 1), against plan 2495's dates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from controller.errors import InvalidInput, UserError
from controller.workspace import Workspace

if TYPE_CHECKING:
    from controller.report import Item

LINES = "registers/lines.yml"
HQ_SITES = "registers/hq-sites.yml"


def line_order_items(ws: Workspace, today: dt.date, sources: dict[str, str]) -> list[Item]:
    """HQ addresses received, new lines ordered, installed, tested, old lines ended; "unknown" (never
    0) when the workspace cannot say, with the reason among the report's sources."""
    # Imported here: the report imports this module, and it reads what files it can even when a
    # part of the controller cannot be imported.
    from controller.lines.orders import build
    from controller.lines.register import ENDED, rank
    from controller.report import Item

    for name in (HQ_SITES, LINES):
        sources[name] = "present" if (ws.dir / name).exists() else "absent"
    try:
        orders = build(ws, today)
    except (InvalidInput, UserError) as error:
        first = next(iter(error.diagnostics), None) if isinstance(error, InvalidInput) else error
        sources["line orders"] = f"unknown ({first})"
        orders = None
    sites = len(orders.new_lines) if orders else None

    def reached(status: str) -> int | None:
        return None if orders is None else sum(1 for line in orders.new_lines if line.rank >= rank(status))

    address_due = f" (plan 2495: by {orders.address_due})" if orders and orders.address_due else ""
    install_due = f" (plan 2495: by {orders.install_due})" if orders and orders.install_due else ""
    addressed = None if orders is None else sum(1 for line in orders.new_lines if line.postal_address)
    ended = None if orders is None else sum(1 for line in orders.old_lines if line.state == ENDED)
    return [
        Item(f"HQ addresses received{address_due}", sites, addressed, "received", HQ_SITES),
        Item("new data lines ordered", sites, reached("ordered"), "ordered", LINES),
        Item(f"new data lines installed{install_due}", sites, reached("installed"), "installed", LINES),
        Item("new data lines tested", sites, reached("tested"), "tested", LINES),
        Item("old lines ended", len(orders.old_lines) if orders else None, ended, "ended", LINES),
    ]
