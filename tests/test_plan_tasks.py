"""province.yml `tasks:`: plan 2495's list by default, a province's own list, and every way a
list can be wrong (FILE:LINE, the key, what is wrong and how to fix it)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import plan_tasks_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_alloc_support import small_mapping

from controller.province import load_province, province_template
from controller.province.schema import _jsonable, schema
from controller.runs.workstreams import ROLE_WORKSTREAMS
from controller.tasks.model import After
from controller.tasks.plan2495 import DEFAULT_TASKS

# The deadlines of plan 2495 as issue 15 lists them (2025).
PLAN_2495 = {
    "domains_declared": "2025-06-05",
    "data_lines_requested": "2025-06-09",
    "vc_equipment_reviewed": "2025-06-09",
    "budget_estimates": "2025-06-10",
    "it_officers_listed": "2025-06-12",
    "budget_allocated": "2025-06-14",
    "data_lines_installed": "2025-06-15",
    "tthc_set_up": "2025-06-15",
    "sector_systems_reviewed": "2025-06-15",
    "idesk_set_up": "2025-06-20",
    "sector_guidance": "2025-06-20",
    "staff_mail_accounts": "2025-06-25",
    "commune_portals": "2025-06-25",
    "vc_systems_set_up": "2025-06-25",
    "vc_equipment_handed_over": "2025-06-25",
    "civil_servant_database": "2025-07-01",
    "admin_accounts_revoked": "2025-07-01",
    "in_service": "2025-07-01",
}

OWN_PLAN = """
tasks:
  - id: lines
    title: {vi: "Đường truyền", en: "Data lines"}
    agency: Sở Khoa học và Công nghệ
    workstream: network
    due: 2025-06-20
  - id: officers
    title: Danh sách chuyên viên CNTT
    agency: Sở Nội vụ
    workstream: null
    due: 2025-06-10
    per_commune: true
  - id: mail
    title: Thư điện tử
    agency: Sở Khoa học và Công nghệ
    workstream: mail
    after: {task: officers, days: 3}
    per_commune: true
"""


def load(tmp_path: Path, extra: str, communes: int = 2):
    mapping = small_mapping(communes)
    path = tmp_path / "province.yml"
    text = province_template(mapping) + extra
    path.write_text(text, encoding="utf-8")
    config, diagnostics = load_province(path, mapping)
    return config, [str(item) for item in diagnostics], path, text


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_without_tasks_the_province_follows_plan_2495(tmp_path: Path) -> None:
    config, problems, _, _ = load(tmp_path, "")
    assert config is not None, problems
    assert config.tasks == DEFAULT_TASKS
    assert {task.id: task.due.isoformat() for task in config.tasks if task.due} == PLAN_2495
    assert config.deadlines == {task_id: dt.date.fromisoformat(day) for task_id, day in PLAN_2495.items()}
    mail = next(task for task in config.tasks if task.id == "mail_set_up")
    # Plan 2495 §4.2: mail within 5 days of receiving the commune's IT officer's name.
    assert (mail.after, mail.per_commune, mail.due, mail.workstream) == (
        After("it_officers_listed", 5),
        True,
        None,
        "mail",
    )
    tthc = next(task for task in config.tasks if task.id == "tthc_set_up")
    assert tthc.adjusted_due == dt.date(2025, 7, 1)


def test_plan_2495s_texts_are_bilingual_nfc_and_name_the_plans_agencies() -> None:
    agencies = " ".join(task.agency.vi for task in DEFAULT_TASKS)
    for name in (
        "Sở Khoa học và Công nghệ",
        "Sở Tài chính",
        "Sở Nội vụ",
        "UBND cấp huyện",
        "VNPT",
        "Trung tâm Công nghệ thông tin và Truyền thông",
        "Văn phòng UBND tỉnh",
        "Văn phòng Tỉnh ủy",
    ):
        assert name in agencies
    for task in DEFAULT_TASKS:
        for text in (task.title.vi, task.title.en, task.agency.vi, task.agency.en):
            assert text and unicodedata.normalize("NFC", text) == text
        assert task.workstream is None or task.workstream in set(ROLE_WORKSTREAMS.values())


def test_plan_2495_written_out_loads_back_the_same_and_fits_the_schema(tmp_path: Path) -> None:
    config, problems, _, text = load(tmp_path, plan_tasks_yaml())
    assert config is not None, problems
    assert config.tasks == DEFAULT_TASKS
    validator = jsonschema.Draft7Validator(schema(), format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(_jsonable(yaml.safe_load(text)))) == []


def test_a_province_lists_its_own_plan(tmp_path: Path) -> None:
    config, problems, _, _ = load(tmp_path, OWN_PLAN)
    assert config is not None, problems
    assert [task.id for task in config.tasks] == ["lines", "officers", "mail"]
    lines, officers, mail = config.tasks
    assert (lines.title.vi, lines.title.en, lines.agency.en) == (
        "Đường truyền",
        "Data lines",
        "Sở Khoa học và Công nghệ",
    )
    assert officers.per_commune and officers.workstream is None
    assert mail.after == After("officers", 3)
    assert config.deadlines == {"lines": dt.date(2025, 6, 20), "officers": dt.date(2025, 6, 10)}


def own(old: str, new: str) -> str:
    assert old in OWN_PLAN
    return OWN_PLAN.replace(old, new, 1)


BAD = [
    (
        "    workstream: network",
        "    workstrem: network",
        "workstrem",
        "[tasks[0].workstrem] unknown key 'workstrem'; did you mean 'workstream'?",
    ),
    (
        "    due: 2025-06-20",
        "    due: 2025-06-31",
        "2025-06-31",
        "[tasks[0].due] invalid date '2025-06-31': June 2025 has 30 days",
    ),
    (
        "    workstream: network",
        "    workstream: netwrk",
        "netwrk",
        "[tasks[0].workstream] unknown workstream 'netwrk'; did you mean 'network'?",
    ),
    (
        "{task: officers, days: 3}",
        "{task: oficers, days: 3}",
        "oficers",
        "[tasks[2].after.task] unknown task 'oficers'; did you mean 'officers'?",
    ),
    (
        "{task: officers, days: 3}",
        "{task: officers, days: -1}",
        "days: -1",
        "[tasks[2].after.days] -1 is out of range 0..366",
    ),
    ("  - id: lines", "  - id: Lines", "Lines", "[tasks[0].id] invalid task id 'Lines'"),
    (
        "  - id: mail",
        "  - id: lines",
        "id: lines\n    title: Thư",
        "[tasks[2].id] task 'lines' is listed twice (also item 1)",
    ),
    (
        "    due: 2025-06-20",
        "    due: 2025-06-20\n    after: {task: officers, days: 1}",
        "  - id: lines",
        "[tasks[0]] both `due` and `after` are given",
    ),
    (
        "    due: 2025-06-20",
        "    per_commune: false",
        "  - id: lines",
        "[tasks[0]] no date: give `due: YYYY-MM-DD` or `after: {task: ID, days: N}`",
    ),
    (
        "    due: 2025-06-20",
        "    due: 2025-06-20\n    adjusted_due: 2025-06-01",
        "adjusted_due",
        "[tasks[0].adjusted_due] adjusted_due 2025-06-01 is not after due 2025-06-20",
    ),
    (
        "{task: officers, days: 3}",
        "{task: officers, days: 3}\n    adjusted_due: 2025-07-01",
        "adjusted_due",
        "[tasks[2].adjusted_due] a relative deadline has no adjusted date",
    ),
    (
        '{vi: "Đường truyền", en: "Data lines"}',
        '{vi: "Đường truyền", eng: "Data lines"}',
        "eng:",
        "[tasks[0].title.eng] unknown key 'eng'; did you mean 'en'?",
    ),
    ("    agency: Sở Nội vụ\n", "", "  - id: officers", "[tasks[1].agency] missing"),
    (
        "    after: {task: officers, days: 3}\n    per_commune: true",
        "    after: {task: officers, days: 3}",
        "id: mail\n",
        "[tasks[2]] 'mail' follows the per-commune task 'officers' but is not per commune",
    ),
    (
        "    workstream: network",
        "    workstream: other",
        "workstream: other",
        "[tasks[0].workstream] unknown workstream 'other'",
    ),
]


@pytest.mark.parametrize(("old", "new", "at", "message"), BAD, ids=[case[3][:50] for case in BAD])
def test_a_wrong_task_list_is_an_error_at_its_line(
    tmp_path: Path, old: str, new: str, at: str, message: str
) -> None:
    config, problems, path, text = load(tmp_path, own(old, new))
    assert config is None
    expected = f"{path}:{line_of(text, at)}: {message}"
    assert [problem for problem in problems if problem.startswith(expected)], problems


def test_after_rules_that_go_round_in_a_circle_are_one_error(tmp_path: Path) -> None:
    circle = own("    due: 2025-06-10\n", "    after: {task: mail, days: 1}\n")
    config, problems, path, text = load(tmp_path, circle)
    assert config is None
    circles = [problem for problem in problems if "go round in a circle" in problem]
    assert circles == [
        f"{path}:{line_of(text, '{task: officers')}: [tasks[2].after.task] "
        "the `after` rules go round in a circle: "
        "mail -> officers -> mail (fix: one task of the circle needs a `due` date)"
    ]
    itself = own("{task: officers, days: 3}", "{task: mail, days: 3}")
    _, problems, _, _ = load(tmp_path, itself)
    assert any("in a circle: mail -> mail" in problem for problem in problems)


def test_an_empty_or_malformed_list_is_an_error(tmp_path: Path) -> None:
    _, problems, path, text = load(tmp_path, "\ntasks: []\n")
    assert any(
        p.startswith(f"{path}:{line_of(text, 'tasks: []')}: [tasks] the task list is empty") for p in problems
    )
    _, problems, _, _ = load(tmp_path, "\ntasks: {a: 1}\n")
    assert [problem.split(": ", 1)[1] for problem in problems] == ["[tasks] expected a list, got dict"]
    _, problems, _, _ = load(tmp_path, "\ntasks:\n  - just a string\n")
    assert any("[tasks[0]] expected {id, title, agency" in problem for problem in problems)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=1, max_size=6))
def test_every_circle_of_after_rules_is_reported_once(tmp_path: Path, anchors: list[int | None]) -> None:
    """Task i is due on a date (None) or `after` task anchors[i] (an index, wrapped into the list):
    each rule points at one task, so the circles are disjoint; each is one error, and a list
    without one loads."""
    targets = [None if anchor is None else anchor % len(anchors) for anchor in anchors]
    lines = ["", "tasks:"]
    for index, target in enumerate(targets):
        lines += [f"  - id: t{index}", "    title: Việc", "    agency: Sở Nội vụ"]
        lines.append("    due: 2025-06-10" if target is None else f"    after: {{task: t{target}, days: 1}}")
    circles = set()
    for start in range(len(targets)):
        seen: list[int] = []
        node: int | None = start
        while node is not None and node not in seen:
            seen.append(node)
            node = targets[node]
        if node is not None:
            circles.add(frozenset(seen[seen.index(node) :]))
    config, problems, _, _ = load(tmp_path, "\n".join(lines) + "\n")
    assert len([problem for problem in problems if "go round in a circle" in problem]) == len(circles)
    assert (config is None) == bool(circles), problems
