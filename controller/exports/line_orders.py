"""`mergectl export line-orders DIR [--lang vi|en]`: what to ask of the data-network operator.

- `line-orders.csv`: one new line per HQ site (plan 2495 §1.2: at the Party committee's and at the
  People's Committee's HQ of every new commune): commune, whose HQ, postal address and contact
  (province.yml, else `mergectl sites import`), a new line or the old line it keeps (with the
  operator's line id when province.yml legacy_endpoints has it), the link and loopback planned,
  the deadline (province.yml data_lines_installed), status and its date (`mergectl lines set`),
  and what is overdue. A missing address or contact is written as missing, never guessed.
- `lines-to-end.csv`: the old lines no site keeps (the rule of lines-to-return), each with its
  state: ended, to end now (its district decommissioned), or to end after decommissioning.
- `line-orders-summary.csv`: the count per status against the plan's dates.
- `line-orders.json`: all of it, with codes as well as words.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from controller.csvwrite import write_csv
from controller.lines import tables
from controller.lines.orders import build
from controller.lines.words import LINE_TO_END_COLUMNS, NEW_LINE_COLUMNS, SUMMARY_COLUMNS
from controller.workspace import Workspace
from controller.yamlio import atomic_write

NAME = "line-orders"
HELP = "data lines to order (per HQ site: address, contact, old line kept, link, deadline, status), to end"
LANGUAGES = ("vi", "en")


def export(workspace_dir: Path, out_dir: Path, lang: str = "vi", today: dt.date | None = None) -> list[Path]:
    orders = build(Workspace(workspace_dir), today)
    out_dir = Path(out_dir)
    written = [
        write_csv(out_dir / "line-orders.csv", list(NEW_LINE_COLUMNS[lang].values()),
                  tables.new_line_rows(orders, lang)),
        write_csv(out_dir / "lines-to-end.csv", list(LINE_TO_END_COLUMNS[lang].values()),
                  tables.old_line_rows(orders, lang)),
        write_csv(out_dir / "line-orders-summary.csv", list(SUMMARY_COLUMNS[lang].values()),
                  tables.summary_rows(orders, lang)),
    ]
    target = out_dir / "line-orders.json"
    atomic_write(target, json.dumps(tables.json_data(orders, lang), ensure_ascii=False, indent=2) + "\n")
    return [*written, target]
