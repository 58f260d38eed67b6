"""The report as English Markdown (kept until controller/report_render/ takes over)."""

from __future__ import annotations

from controller.report.model import Report, TaskRow
from controller.survey.progress import survey_gaps_markdown


def _figure(value: int | None) -> str:
    return "unknown" if value is None else f"{value:,}"


def _when(row: TaskRow) -> str:
    if row.due is None:
        return "unknown (its anchor task is not recorded done yet)"
    if row.days_left is None:
        return row.due.isoformat()
    if row.days_left > 0:
        return f"{row.due.isoformat()} (in {row.days_left} day(s))"
    if row.days_left == 0:
        return f"{row.due.isoformat()} (today)"
    return f"{row.due.isoformat()} ({-row.days_left} day(s) ago)"


def _task_lines(report: Report) -> list[str]:
    if not report.tasks:
        return ["unknown: province.yml is missing, unreadable or its task list is wrong (mergectl validate)"]
    lines = [
        "| task | agency | due | state | planned | applied | verified | failed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in report.tasks:
        state = f"done {row.done_on.isoformat()}" if row.done_on else row.state.replace("_", " ")
        lines.append(
            f"| {row.task.id}: {row.task.title.en} | {row.task.agency.en} | {_when(row)} | {state} | "
            + " | ".join(_figure(value) for value in (row.planned, row.applied, row.verified, row.failed))
            + " |"
        )
    return lines


def to_markdown(report: Report) -> str:
    lines = [
        f"# Weekly progress report: {report.province}",
        "",
        f"- Date: {report.today.isoformat()}; next report due Thursday {report.next_report.isoformat()}",
        f"- Workspace: `{report.workspace}`",
        '- Figures are counted from the workspace\'s files; "unknown" means there is no record to count',
        '  from (not zero). "rendered" means ready to apply, not yet confirmed on the hosts.',
        "",
        "## Tasks of the plan",
        "",
        *_task_lines(report),
        "",
        "## Workstreams",
        "",
        "| # | workstream | deadline | item | done | planned | % | stage | source |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for workstream in report.workstreams:
        first = f"| {workstream.number} | {workstream.name} | {workstream.deadline or '-'} "
        if not workstream.items:
            lines.append(first + f"| {workstream.note} | unknown | unknown | unknown | - | - |")
        for item in workstream.items:
            percent = "unknown" if item.percent is None else f"{item.percent} %"
            lines.append(
                first + f"| {item.what} | {_figure(item.done)} | {_figure(item.planned)} | "
                f"{percent} | {item.stage} | `{item.source}` |"
            )
            first = "| | | "
    lines += survey_gaps_markdown(report.survey)
    lines += ["", "## Sources", ""]
    lines += [f"- `{name}`: {status}" for name, status in report.sources.items()]
    lines += ["", "## Exports handed out (reports/)", ""]
    lines += [f"- `{name}`" for name in report.exports] or ["- none"]
    return "\n".join(lines) + "\n"
