"""Tasks recorded done and the deadlines that count from them: the run store's task_events
(schema 2, migrated from 1), `mergectl tasks`, and the IT officer a staff list names."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest
from test_accounts_import import STAFF, csv_of
from test_run_store import recorded_events, recorder

from controller.cli import main
from controller.errors import EXIT_INVALID
from controller.report import build_report
from controller.runs.history import failures, list_runs
from controller.runs.store import SCHEMA_V1, SCHEMA_VERSION, open_store, store_path
from controller.tasks import events
from controller.tasks.model import After, PlanTask, Text
from controller.tasks.schedule import Schedule, done_days, schedule
from controller.workspace import Workspace

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"
JUNE = dt.date(2025, 6, 1)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    return out


def test_a_version_1_store_is_migrated_and_keeps_its_runs(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    path.parent.mkdir()
    old = sqlite3.connect(path)
    old.executescript(SCHEMA_V1)
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()
    record = recorder(tmp_path)  # opens (and migrates) the store
    for event in recorded_events():
        record(event)
    record.finish("failed", 2)
    store = open_store(tmp_path)
    assert store.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    (run,) = list_runs(store)
    assert [failure["host"] for failure in failures(store, run)] == ["ns-broken"]
    assert events.record(store, "budget_allocated", None, JUNE, events.BY_HAND)
    store.close()
    # Opened again: nothing to migrate, the record is there.
    again = open_store(tmp_path)
    assert [(event.task, event.commune, event.day) for event in events.read_events(again)] == [
        ("budget_allocated", None, JUNE)
    ]


def test_a_v1_store_with_runs_in_it_migrates_in_place(tmp_path: Path) -> None:
    path = store_path(tmp_path)
    path.parent.mkdir()
    old = sqlite3.connect(path)
    old.executescript(SCHEMA_V1)
    old.execute(
        "INSERT INTO runs (playbook, check_mode, lab, started, status, pid, run_dir) "
        "VALUES ('site', 0, 0, '2025-06-10T01:00:00+00:00', 'ok', 1, 'r')"
    )
    old.execute("PRAGMA user_version = 1")
    old.commit()
    old.close()
    store = open_store(tmp_path, create=False)
    assert [run.playbook for run in list_runs(store)] == ["site"]
    assert events.read_events(store) == []


def test_one_record_per_task_and_commune_the_first_date_kept(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    day = dt.date(2025, 6, 10)
    assert events.record(store, "it_officers_listed", "22918", day, events.STAFF_LIST)
    assert not events.record(store, "it_officers_listed", "22918", day.replace(day=20), events.STAFF_LIST)
    assert events.record(store, "it_officers_listed", "22924", day.replace(day=11), events.STAFF_LIST)
    assert events.record(store, "budget_allocated", None, day, events.BY_HAND)
    assert not events.record(store, "budget_allocated", None, day, events.BY_HAND)
    assert events.record(store, "budget_allocated", None, day.replace(day=9), events.BY_HAND, replace=True)
    found = events.find(store, "it_officers_listed", "22918")
    assert found is not None and found.day == day and found.source == events.STAFF_LIST
    assert done_days(events.read_events(store)) == {
        "it_officers_listed": {"22918": day, "22924": day.replace(day=11)},
        "budget_allocated": {None: day.replace(day=9)},
    }
    assert events.remove(store, "it_officers_listed", "22918")
    assert not events.remove(store, "it_officers_listed", "22918")


def _task(task_id: str, *, due: dt.date | None = None, after: After | None = None, per_commune: bool = False):
    return PlanTask(task_id, Text("x", "x"), Text("y", "y"), None, due, after, per_commune)


def test_relative_deadlines_count_from_the_recorded_day() -> None:
    officers = _task("officers", due=dt.date(2025, 6, 12), per_commune=True)
    mail = _task("mail", after=After("officers", 5), per_commune=True)
    budget = _task("budget", due=dt.date(2025, 6, 14))
    spend = _task("spend", after=After("budget", 10))
    tasks = {task.id: task for task in (officers, mail, budget, spend)}
    assert schedule(mail, tasks, {}) == Schedule(None, {})
    assert schedule(spend, tasks, {}) == Schedule(None)
    done = {"officers": {"22918": dt.date(2025, 6, 10)}, "budget": {None: dt.date(2025, 6, 13)}}
    assert schedule(mail, tasks, done) == Schedule(None, {"22918": dt.date(2025, 6, 15)})
    assert schedule(spend, tasks, done).due == dt.date(2025, 6, 23)
    assert schedule(officers, tasks, done).due == dt.date(2025, 6, 12)
    # A per-commune task after a province-wide one: one date for every commune.
    per_commune = _task("each", after=After("budget", 1), per_commune=True)
    assert schedule(per_commune, {**tasks, "each": per_commune}, done) == Schedule(dt.date(2025, 6, 14))


def test_the_staff_list_records_when_each_communes_it_officer_arrived(
    workspace: Path, tmp_path: Path, capsys
) -> None:
    staff = tmp_path / "staff.csv"
    staff.write_text(csv_of([row for row in STAFF if row[0] == "22918"]), encoding="utf-8")
    assert main(["accounts", "import", str(workspace), "--staff", str(staff)]) == 0
    assert "IT officer named for 1 commune(s)" in capsys.readouterr().out
    store = open_store(workspace)
    (event,) = events.read_events(store)
    assert (event.task, event.commune, event.day) == ("it_officers_listed", "22918", dt.date.today())
    assert event.source == events.STAFF_LIST
    # The mail of that commune is due 5 days later (plan 2495 §4.2).
    report, _ = build_report(Workspace(workspace), dt.date.today())
    assert report is not None
    mail = next(row for row in report.tasks if row.task.id == "mail_set_up")
    assert mail.due == dt.date.today() + dt.timedelta(days=5) and mail.days_left == 5
    # A second list with both communes: 22924 is new, 22918 keeps its first day.
    store.execute("UPDATE task_events SET day = '2025-06-10'")
    store.commit()
    staff.write_text(csv_of(STAFF), encoding="utf-8")
    assert main(["accounts", "import", str(workspace), "--staff", str(staff)]) == 0
    days = done_days(events.read_events(store))["it_officers_listed"]
    assert days == {"22918": dt.date(2025, 6, 10), "22924": dt.date.today()}


def tasks(workspace: Path, capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["tasks", str(workspace), *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_mergectl_tasks_records_and_lists(workspace: Path, capsys) -> None:
    code, out, _ = tasks(
        workspace, capsys, "--today", "2025-06-20", "done", "budget_allocated", "--date", "2025-06-13"
    )
    assert (code, out.strip()) == (0, "recorded budget_allocated done on 2025-06-13")
    code, _, err = tasks(workspace, capsys, "--today", "2025-06-20", "done", "budget_allocated")
    assert code == EXIT_INVALID and "budget_allocated is recorded already for the province: --replace" in err
    assert tasks(workspace, capsys, "--today", "2025-06-14", "done", "budget_allocated", "--replace")[0] == 0
    code, out, _ = tasks(
        workspace, capsys, "done", "it_officers_listed", "--commune", "22918", "--date", "2025-06-10"
    )
    assert (code, out.strip()) == (0, "recorded it_officers_listed done on 2025-06-10 for 1 commune(s)")
    code, out, _ = tasks(workspace, capsys, "--today", "2025-06-14", "--json")
    rows = {row["id"]: row for row in json.loads(out)}
    assert rows["budget_allocated"]["done_on"] == "2025-06-14" and rows["budget_allocated"]["state"] == "done"
    mail = rows["mail_set_up"]
    assert mail["due"] == "2025-06-15" and mail["days_left"] == 1
    assert mail["due_rule"] == {"after": "it_officers_listed", "days": 5, "per_commune": True}
    assert rows["it_officers_listed"]["applied"] == 1 and rows["it_officers_listed"]["planned"] == 5
    code, out, _ = tasks(workspace, capsys, "--today", "2025-06-14")
    assert code == 0 and out.splitlines()[0].startswith("task ")
    assert "budget_allocated" in out and "Sở Khoa học và Công nghệ, Sở Tài chính" in out
    out = tasks(workspace, capsys, "--today", "2025-06-14", "--lang", "en")[1]
    assert "Department of Science and Technology, Department of Finance" in out
    # Without --commune a per-commune task is recorded for every commune not recorded yet.
    code, out, _ = tasks(workspace, capsys, "done", "it_officers_listed", "--date", "2025-06-12")
    assert "for 4 commune(s)" in out and "1 commune(s) were recorded already" in out
    code, out, _ = tasks(workspace, capsys, "--today", "2025-06-14", "--json")
    officers = next(row for row in json.loads(out) if row["id"] == "it_officers_listed")
    assert (officers["state"], officers["done_on"]) == ("done", "2025-06-12")
    code, out, _ = tasks(workspace, capsys, "undo", "it_officers_listed", "--commune", "22918")
    assert (code, out.strip()) == (0, "removed 1 record(s) of it_officers_listed")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["done", "budget_alocated"], "unknown task 'budget_alocated'; did you mean 'budget_allocated'?"),
        (
            ["done", "budget_allocated", "--commune", "22918"],
            "is done once for the province, not per commune",
        ),
        (["done", "it_officers_listed", "--commune", "99999"], "no new commune '99999'"),
        (["done", "budget_allocated", "--date", "2099-01-01"], "record a task once it is done"),
        (["done", "budget_allocated", "--date", "13/06/2025"], "--date '13/06/2025' is not a date"),
    ],
)
def test_mergectl_tasks_refuses_wrong_records(workspace: Path, capsys, argv: list[str], message: str) -> None:
    code, _, err = tasks(workspace, capsys, *argv)
    assert code == EXIT_INVALID and message in err, err
    assert not store_path(workspace).exists()  # nothing written


def test_mergectl_tasks_on_a_wrong_task_list_says_to_validate(workspace: Path, capsys) -> None:
    (workspace / "province.yml").open("a", encoding="utf-8").write("\ntasks: []\n")
    code, _, err = tasks(workspace, capsys)
    assert code == EXIT_INVALID and "no usable task list" in err and "mergectl validate" in err
