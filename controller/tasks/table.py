"""The task rows as a text table for `mergectl tasks`."""

from __future__ import annotations

from controller.report.model import TaskRow


def _figure(value: int | None) -> str:
    return "?" if value is None else str(value)


def _due(row: TaskRow) -> str:
    task = row.task
    if task.after is not None and row.due is None:
        scope = " per commune" if task.per_commune else ""
        return f"{task.after.days} d after {task.after.anchor}{scope}"
    text = row.due.isoformat() if row.due else "?"
    return text + (f" (adj. {task.adjusted_due.isoformat()})" if task.adjusted_due else "")


def task_table(rows: list[TaskRow], lang: str = "vi") -> str:
    header = ("task", "due", "days", "state", "plan/appl/verif/fail", "done on", "workstream", "agency")
    table = [header]
    for row in rows:
        figures = "/".join(_figure(value) for value in (row.planned, row.applied, row.verified, row.failed))
        table.append(
            (
                row.task.id,
                _due(row),
                _figure(row.days_left),
                row.state,
                figures,
                row.done_on.isoformat() if row.done_on else "-",
                row.task.workstream or "-",
                row.task.agency.en if lang == "en" else row.task.agency.vi,
            )
        )
    widths = [max(len(line[column]) for line in table) for column in range(len(header) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line[:-1], widths, strict=True)) + "  " + line[-1]
        for line in table
    )
