"""The report as Markdown: the same view as the HTML page, for a terminal, a wiki or the mail's
plain-text part. No map (Markdown has no drawing); the communes' status is in the table."""

from __future__ import annotations

from typing import Any

from controller.report_render.view import View, build_view


def _cell(value: Any) -> str:
    # A pipe or a line break inside a value would end the cell or the row.
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(headings: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def _tasks(v: View) -> list[str]:
    t = v.labels
    if not v.tasks:
        return [t("no_tasks")]
    rows = [
        [
            task["title"],
            task["agency"] or t("unknown"),
            " ".join(
                part
                for part in (
                    task["due"],
                    task["adjusted"] and f"({task['adjusted']})",
                    task["done_on"] or task["days_left"],
                )
                if part
            ),
            task["state_label"],
            *task["counts"].values(),
        ]
        for task in v.tasks
    ]
    return _table(
        [
            t("col_task"),
            t("col_agency"),
            t("col_due"),
            t("col_state"),
            t("col_planned"),
            t("col_applied"),
            t("col_verified"),
            t("col_failed"),
        ],
        rows,
    )


def _communes(v: View) -> list[str]:
    t = v.labels
    if not v.communes:
        return [t("no_communes")]
    rows = [
        [
            f"{c['name']} ({c['code']})",
            c["status_label"],
            *(
                t.get(f"status_{c['workstreams'].get(ws, 'unknown')}", c["workstreams"].get(ws, "unknown"))
                for ws, _ in v.columns
            ),
        ]
        for c in v.communes
    ]
    return _table([t("col_commune"), t("col_state"), *(label for _, label in v.columns)], rows)


def summary_lines(v: View) -> list[str]:
    """The few lines a reader needs first (also the mail's text before the attachment)."""
    t = v.labels
    lines = [
        f"- {t('report_date')}: {t.date(v.today)}; {t('next_report')}: {t.date(v.next_report)}",
        f"- {t('communes_total', count=len(v.communes))}: "
        + ", ".join(f"{label} {count}" for _, label, count in v.status_counts),
        f"- {t('last_check')}: " + (f"{v.check['at']}: {v.check['counts']}" if v.check else t("no_check")),
    ]
    late = [task for task in v.tasks if task["state"] in ("overdue", "at_risk")]
    lines += [
        f"- {task['state_label']}: {task['title']} ({task['due']}, {task['days_left']})" for task in late
    ]
    return lines


def render_view_markdown(v: View) -> str:
    t = v.labels
    lines = [f"# {t('title', province=v.province)}", "", *summary_lines(v), "", t("honesty_note"), ""]
    lines += [f"## {t('tasks')}", "", *_tasks(v), ""]
    lines += [f"## {t('communes')}", "", *_communes(v), ""]
    lines += [f"## {t('failures')}", ""]
    if v.failures:
        lines += _table(
            [
                t("col_commune"),
                t("col_host"),
                t("col_task"),
                t("col_message"),
                t("col_source"),
                t("col_time"),
            ],
            [list(f.values()) for f in v.failures],
        )
    else:
        lines.append(t("no_failures"))
    lines += [
        "",
        f"## {t('retired')}",
        "",
        f"- {t('portals_archived')}: {v.retired['portals_archived']}",
        f"- {t('accounts_revoked')}: {v.retired['accounts_revoked']}",
        "",
    ]
    if v.retired["hosts"]:
        lines += _table(
            [t("col_host"), t("col_steps"), t("col_archived"), t("col_quarantine_until")],
            [list(host.values()) for host in v.retired["hosts"]],
        )
    else:
        lines.append(t("no_retired"))
    lines += ["", f"## {t('workstreams')}", ""]
    rows = []
    for ws in v.workstreams:
        name = f"{ws['number']}. {ws['name']}"
        rows += [
            [
                name,
                item["what"],
                item["done"],
                item["planned"],
                item["percent"],
                item["stage"],
                f"`{item['source']}`",
            ]
            for item in ws["items"]
        ] or [[name, ws["note"], "", "", "", "", ""]]
    lines += _table(
        [
            t("col_workstream"),
            t("col_item"),
            t("col_done"),
            t("col_planned"),
            t("col_percent"),
            t("col_stage"),
            t("col_source"),
        ],
        rows,
    )
    lines += ["", f"## {t('last_runs')}", ""]
    if v.last_runs:
        lines += _table(
            [
                t("col_run"),
                t("col_playbook"),
                t("col_started"),
                t("col_state"),
                t("col_hosts"),
                t("col_failed_hosts"),
            ],
            [
                [
                    f"#{r['id']}",
                    r["playbook"],
                    r["started"],
                    r["status"],
                    t.figure(r["hosts"]),
                    t.figure(r["failed_hosts"]),
                ]
                for r in v.last_runs
            ],
        )
    else:
        lines.append(t("no_runs"))
    lines += ["", f"## {t('survey')}", ""]
    if v.survey.get("status") == "present":
        lines += _table(
            [t("col_register"), t("col_records")],
            [
                [name, t("not_imported") if count is None else t.figure(count)]
                for name, count in v.survey.get("registers", {}).items()
            ],
        )
        lines += [
            "",
            *_table(
                [t("col_lacking"), t("col_count")],
                [
                    [t.pick(item.get("what")), t.figure(item.get("count"))]
                    for item in v.survey.get("lacking", [])
                ],
            ),
        ]
    else:
        lines.append(t("survey_absent", status=v.survey.get("status", "absent")))
    lines += ["", f"## {t('sources')}", ""]
    lines += [f"- `{name}`: {t.get(status, status)}" for name, status in v.sources.items()]
    lines += ["", f"## {t('exports')}", ""]
    lines += [f"- `{name}`" for name in v.exports] or [f"- {t('none')}"]
    return "\n".join(lines) + "\n"


def render_markdown(data: dict[str, Any], lang: str) -> str:
    return render_view_markdown(build_view(data, lang))
