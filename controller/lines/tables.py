"""The line orders as the export's CSV rows and JSON, and as `mergectl lines list` prints them."""

from __future__ import annotations

from typing import Any

from controller.hq_sites.words import MISSING, hq_words
from controller.lines.orders import LineOrders, NewLine, OldLine, SummaryRow
from controller.lines.words import (
    LINE_TO_END_COLUMNS,
    NEW_LINE_COLUMNS,
    SUMMARY_COLUMNS,
    SUMMARY_ITEMS,
    WORDS,
)


def _overdue_text(orders: LineOrders, line: NewLine, lang: str) -> str:
    return "; ".join(WORDS[lang][word].format(date=day.isoformat()) for word, day in orders.overdue(line))


def new_line_rows(orders: LineOrders, lang: str) -> list[dict[str, str]]:
    columns = NEW_LINE_COLUMNS[lang]
    words = WORDS[lang]
    rows = []
    for line in orders.new_lines:
        contact = line.contact.contact if line.contact else ""
        kept = line.reuses_old_endpoint
        values = {
            "line": line.key,
            "commune_code": line.commune_code,
            "commune": line.commune,
            "hq": hq_words(line.hq_of, lang),
            "postal_address": line.postal_address or MISSING[lang],
            "contact": contact or MISSING[lang],
            "order": words["keep_old_line" if kept else "new_line"],
            "old_endpoint": f"{kept} {line.old_endpoint_name}".strip() if kept else "",
            "old_line_id": (line.old_line_id or words["unknown"]) if kept else "",
            "link_prefix": line.link_prefix,
            "loopback": line.loopback,
            "deadline": orders.install_due.isoformat() if orders.install_due else "",
            "status": words[line.status_name],
            "status_date": line.status.date if line.status else "",
            "overdue": _overdue_text(orders, line, lang),
        }
        rows.append({columns[name]: value for name, value in values.items()})
    return rows


def old_line_rows(orders: LineOrders, lang: str) -> list[dict[str, str]]:
    columns = LINE_TO_END_COLUMNS[lang]
    words = WORDS[lang]
    return [{columns[name]: value for name, value in {
        "line": line.key,
        "kind": words[line.kind],
        "name": line.name,
        "district": line.district,
        "province": line.province,
        "line_id": line.line_id or words["unknown"],
        "link_prefix": line.link_prefix,
        "loopback": line.loopback,
        "status": words[line.state],
        "status_date": line.status.date if line.status else "",
    }.items()} for line in orders.old_lines]


def summary_rows(orders: LineOrders, lang: str) -> list[dict[str, str]]:
    columns = SUMMARY_COLUMNS[lang]
    return [{
        columns["item"]: SUMMARY_ITEMS[lang][row.item],
        columns["count"]: str(row.count),
        columns["of"]: str(row.of),
        columns["due"]: row.due.isoformat() if row.due else "",
        columns["overdue"]: str(row.overdue) if row.due else "",
    } for row in orders.summary()]


def _new_line_data(orders: LineOrders, line: NewLine, lang: str) -> dict[str, Any]:
    contact = line.contact
    return {
        "line": line.key,
        "commune_code": line.commune_code,
        "commune": line.commune,
        "commune_label": line.label,
        "site": line.site,
        "role": line.role,
        "hq_of": line.hq_of,
        "hq": hq_words(line.hq_of, lang),
        "postal_address": line.postal_address or None,
        "contact": {"name": contact.contact_name, "phone": contact.contact_phone,
                    "email": contact.contact_email, "note": contact.note} if contact else None,
        "reuses_old_endpoint": line.reuses_old_endpoint,
        "old_endpoint_name": line.old_endpoint_name or None,
        "old_line_id": line.old_line_id or None,
        "link_prefix": line.link_prefix,
        "loopback": line.loopback,
        "deadline": orders.install_due.isoformat() if orders.install_due else None,
        "status": line.status.status if line.status else None,
        "status_date": line.status.date if line.status else None,
        "overdue": [{"what": word, "deadline": day.isoformat()} for word, day in orders.overdue(line)],
    }


def _old_line_data(line: OldLine) -> dict[str, Any]:
    return {
        "line": line.key,
        "kind": line.kind,
        "name": line.name,
        "district": line.district,
        "province": line.province,
        "line_id": line.line_id or None,
        "link_prefix": line.link_prefix,
        "loopback": line.loopback,
        "district_host": line.district_host,
        "district_decommissioned": line.district_decommissioned,
        "state": line.state,
        "status_date": line.status.date if line.status else None,
    }


def _summary_data(row: SummaryRow) -> dict[str, Any]:
    return {"item": row.item, "count": row.count, "of": row.of,
            "due": row.due.isoformat() if row.due else None, "overdue": row.overdue}


def json_data(orders: LineOrders, lang: str = "en") -> dict[str, Any]:
    return {
        "province": orders.province,
        "today": orders.today.isoformat(),
        "deadlines": {
            "addresses": orders.address_due.isoformat() if orders.address_due else None,
            "installed": orders.install_due.isoformat() if orders.install_due else None,
        },
        "summary": [_summary_data(row) for row in orders.summary()],
        "new_lines": [_new_line_data(orders, line, lang) for line in orders.new_lines],
        "lines_to_end": [_old_line_data(line) for line in orders.old_lines],
        "no_longer_planned": [status.key for status in orders.orphans],
    }


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    return ["  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]]


def text(orders: LineOrders) -> str:
    """What `mergectl lines list` prints: every line, its status, OVERDUE marks, the summary."""
    words = WORDS["en"]
    due = ", ".join(part for part in (
        f"addresses by {orders.address_due}" if orders.address_due else "",
        f"lines installed by {orders.install_due}" if orders.install_due else "") if part)
    lines = [f"Line orders of {orders.province} as of {orders.today} (plan 2495: {due or 'no dates'})", "",
             f"New lines ({len(orders.new_lines)}):"]
    lines += _table(["line", "commune", "hq", "address", "status", "date", ""], [[
        line.key, line.commune, line.hq_of, "yes" if line.postal_address else "MISSING",
        words[line.status_name], line.status.date if line.status else "",
        ("OVERDUE: " + _overdue_text(orders, line, "en")) if orders.overdue(line) else "",
    ] for line in orders.new_lines])
    lines += ["", f"Old lines to end ({len(orders.old_lines)}):"]
    lines += _table(["line", "kind", "name", "state", "date"], [[
        line.key, line.kind, line.name, words[line.state], line.status.date if line.status else "",
    ] for line in orders.old_lines]) if orders.old_lines else ["  none"]
    lines += ["", "Summary:"]
    for row in orders.summary():
        when = f" (due {row.due}: {row.overdue} overdue)" if row.due and row.overdue else (
            f" (due {row.due})" if row.due else "")
        lines.append(f"  {SUMMARY_ITEMS['en'][row.item]}: {row.count} of {row.of}{when}")
    for status in orders.orphans:
        lines.append(f"note: registers/lines.yml:{status.line}: {status.key} is no longer a line of the plan "
                     f"({status.status} {status.date}); its record is kept")
    return "\n".join(lines) + "\n"
