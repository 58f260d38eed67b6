"""The report's data (schema 2, contracts section B) from a recorded ansible-runner run, a
check.json, recorded tasks and the decommissioning journal: per task planned/applied/verified/
failed against its date, per commune its workstreams and failures, what was retired."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import edit_text
from test_run_store import recorded_events

from controller.cli import main
from controller.report import build_report, to_json_data
from controller.report.tasks import Progress, account_roles, counts
from controller.report.texts import item_text
from controller.report_render import render
from controller.runs.recorder import RunRecorder
from controller.runs.store import open_store
from controller.tasks.plan2495 import DEFAULT_TASKS
from controller.workspace import Workspace

FIXTURE = Path(__file__).parent / "fixtures" / "import" / "small.csv"
TODAY = dt.date(2025, 6, 12)
LABELS = {"22918": "muine", "22924": "phuthuy", "23269": "tanthuan", "23272": "tanthanh", "23350": "phuquy"}
RENDERED = {
    "communes": {code: {"label": label} for code, label in LABELS.items()},
    "old_districts": {
        "Bình Thuận|Thành phố Phan Thiết": {"host": "old-binhthuan-phanthiet"},
        "Bình Thuận|Huyện Hàm Thuận Bắc": {"host": "old-binhthuan-hamthuanbac"},
    },
    "hosts": [f"{label}-gw" for label in LABELS.values()],
}
CHECK = {
    "version": 1,
    "checked_at": "2025-06-12T08:12:03+07:00",
    "limit": None,
    "lab": False,
    "results": [
        {
            "check": "network.loopback",
            "workstream": "network",
            "commune": "22918",
            "host": "muine-gw",
            "target": "muine-gw loopback 10.251.0.1",
            "status": "PASS",
            "detail": "answers",
        },
        {
            "check": "network.loopback",
            "workstream": "network",
            "commune": "23269",
            "host": "tanthuan-gw",
            "target": "tanthuan-gw loopback 10.251.0.3",
            "status": "FAIL",
            "detail": "no answer in 3 s",
        },
        {
            "check": "mail.banner",
            "workstream": "mail",
            "commune": "22918",
            "host": "mail1",
            "target": "mail.lamdong.gov.vn:25",
            "status": "PASS",
            "detail": "220 banner",
        },
        {
            "check": "dns.serial",
            "workstream": "dns",
            "commune": None,
            "host": "ns1",
            "target": "lamdong.gov.vn @ns1",
            "status": "PASS",
            "detail": "serial 2025061201 at both",
        },
        {
            "check": "portals.https",
            "workstream": "portals",
            "commune": "22924",
            "host": "portal1",
            "target": "https://phuthuy.lamdong.gov.vn",
            "status": "SKIP",
            "detail": "no address yet",
        },
    ],
}
JOURNAL = """hosts:
  old-binhthuan-phanthiet:
    steps:
      inventory: {status: done}
      backup: {status: done}
      verify: {status: done}
      lockdown: {status: done}
      revoke:
        status: done
        details:
          directory: {branch: ou=phanthiet-binhthuan, accounts: 12}
          quarantined: [{kind: line, value: BTN-0042}]
  old-binhthuan-hamthuanbac:
    steps:
      inventory: {status: done}
      backup: {status: failed}
"""


def replay(
    workspace: Path,
    hosts: dict[str, str],
    role: str = "bind_primary",
    *,
    check: bool = False,
    lab: bool = False,
    playbook: str = "site",
) -> None:
    """The recorded run (tests/fixtures/runs) as if it had run on these hosts with this role."""
    store = open_store(workspace)
    record = RunRecorder(store, playbook=playbook, limit=None, tags=None, check=check, lab=lab, run_dir="r")
    for event in recorded_events():
        text = json.dumps(event).replace('"bind_primary"', json.dumps(role))
        for old, new in hosts.items():
            text = text.replace(json.dumps(old), json.dumps(new))
        record(json.loads(text))
    record.finish("failed", 2)
    store.close()


# Mũi Né has its IT officer's and its staff's mailboxes; Phú Thủy only its IT officer's; the
# others none (a disabled account counts for nothing).
ACCOUNTS = """version: 2
accounts:
""" + "".join(
    f"""- {{key: k{n}, kind: commune, unit: '{unit}', uid: u{n}, role: {role}, status: {status},
   person: p{n}, issued: '2025-06-10', disabled: null, successor: null}}
"""
    for n, (unit, role, status) in enumerate(
        [
            ("22918", "it_officer", "active"),
            ("22918", "staff", "active"),
            ("22924", "it_officer", "active"),
            ("23269", "staff", "disabled"),
        ]
    )
)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    out = tmp_path / "ws"
    assert main(["import", "--csv", str(FIXTURE), "-o", str(out)]) == 0
    edit_text(
        out / "mapping.yml",
        "    name: Phường Mũi Né\n",
        "    name: Phường Mũi Né\n    latitude: 10.93\n    longitude: 108.28\n",
    )
    edit_text(
        out / "province.yml",
        "quarantine: {generations: 2, until: null}",
        "quarantine: {generations: 2, until: 2025-09-30}",
    )
    (out / "state" / "rendered.yml").write_text(json.dumps(RENDERED), encoding="utf-8")
    return out


@pytest.fixture
def recorded(workspace: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    replay(workspace, {"ns-good": "ns1", "ns-broken": "ns2"})  # run 1: DNS, ns2 fails
    replay(workspace, {"ns-good": "muine-gw", "ns-broken": "phuthuy-gw"}, "data_line")  # run 2: network
    # Check mode changes nothing: its failures are no failures of the hosts.
    replay(workspace, {"ns-good": "tanthanh-gw", "ns-broken": "muine-gw"}, "data_line", check=True)
    (workspace / "state" / "check.json").write_text(json.dumps(CHECK), encoding="utf-8")
    (workspace / "state" / "decommission.yml").write_text(JOURNAL, encoding="utf-8")
    (workspace / "state" / "accounts.yml").write_text(ACCOUNTS, encoding="utf-8")
    for argv in (
        ["done", "it_officers_listed", "--commune", "22918", "--date", "2025-06-10"],
        ["done", "it_officers_listed", "--commune", "22924", "--date", "2025-06-11"],
        ["done", "budget_allocated", "--date", "2025-06-11"],
    ):
        assert main(["tasks", str(workspace), "--today", "2025-06-12", *argv]) == 0
    capsys.readouterr()
    return workspace


def data_of(workspace: Path, today: dt.date = TODAY) -> dict[str, Any]:
    report, diagnostics = build_report(Workspace(workspace), today)
    assert report is not None and not diagnostics
    return to_json_data(report)


def test_the_data_has_exactly_the_contracts_keys(recorded: Path) -> None:
    data = data_of(recorded)
    assert list(data) == [
        "schema",
        "province",
        "today",
        "next_report",
        "generated_at",
        "tasks",
        "communes",
        "workstreams",
        "retired",
        "check",
        "last_runs",
        "sources",
        "survey",
        "exports",
    ]
    assert data["schema"] == 2 and data["province"] == {"code": "lamdong", "name": "Lâm Đồng"}
    assert (data["today"], data["next_report"]) == ("2025-06-12", "2025-06-12")
    assert dt.datetime.fromisoformat(data["generated_at"]).tzinfo is not None
    assert set(data["tasks"][0]) == {
        "id",
        "title",
        "agency",
        "workstream",
        "due",
        "due_rule",
        "adjusted_due",
        "days_left",
        "planned",
        "applied",
        "verified",
        "failed",
        "done_on",
        "state",
    }
    assert set(data["communes"][0]) == {"code", "name", "lat", "lon", "workstreams", "status", "failures"}
    failure = next(c for c in data["communes"] if c["failures"])["failures"][0]
    assert set(failure) == {"host", "task", "message", "run", "time", "source"}
    assert set(data["retired"]) == {"hosts", "portals_archived", "accounts_revoked"}
    assert set(data["retired"]["hosts"][0]) == {"host", "steps", "archived", "quarantine_until"}
    assert set(data["check"]) == {"checked_at", "pass", "fail", "skip"}
    assert set(data["last_runs"][0]) == {"id", "playbook", "started", "status", "hosts", "failed_hosts"}
    assert {"number", "name", "items", "deadline", "note"} == set(data["workstreams"][0])
    json.dumps(data)  # all of it JSON


def test_per_commune_states_and_failures(recorded: Path) -> None:
    communes = {row["code"]: row for row in data_of(recorded)["communes"]}
    muine = communes["22918"]
    assert (muine["name"], muine["lat"], muine["lon"]) == ("Phường Mũi Né", 10.93, 108.28)
    assert communes["22924"]["lat"] is None  # no coordinates in mapping.yml: null, not 0
    # network: run 2 applied it on muine-gw and the check passed; phuthuy-gw failed in run 2;
    # tanthuan's gateway never ran but the check found it silent; tanthanh's is only planned.
    assert {code: row["workstreams"]["network"] for code, row in communes.items()} == {
        "22918": "verified",
        "22924": "failed",
        "23269": "failed",
        "23272": "planned",
        "23350": "planned",
    }
    # DNS runs on the province's name servers: ns2 failed its last run, so every commune's DNS
    # is failed, whatever the (province-wide) check passed.
    assert {row["workstreams"]["dns"] for row in communes.values()} == {"failed"}
    assert (
        muine["workstreams"]["mail"] == "verified" and communes["22924"]["workstreams"]["mail"] == "planned"
    )
    assert communes["22924"]["workstreams"]["portals"] == "planned"  # a SKIP verifies nothing
    assert muine["status"] == "failed"
    run_failures = [f for f in communes["22924"]["failures"] if f["source"] == "run"]
    assert {(f["host"], f["task"], f["run"]) for f in run_failures} == {
        ("ns2", "bind_primary : Check the zone loads", 1),
        ("phuthuy-gw", "data_line : Check the zone loads", 2),
    }
    assert run_failures[0]["message"] == "failed_when condition met (rc 0)"
    (check_failure,) = [f for f in communes["23269"]["failures"] if f["source"] == "check"]
    assert check_failure == {
        "host": "tanthuan-gw",
        "task": "network.loopback",
        "message": "tanthuan-gw loopback 10.251.0.3: no answer in 3 s",
        "run": None,
        "time": "2025-06-12T08:12:03+07:00",
        "source": "check",
    }


def test_per_task_counts_dates_and_states(recorded: Path) -> None:
    tasks = {row["id"]: row for row in data_of(recorded)["tasks"]}
    lines = tasks["data_lines_installed"]
    assert lines["title"]["vi"].startswith("Thiết lập điểm mạng truyền số liệu chuyên dùng")
    assert lines["agency"]["en"].endswith("VNPT") and lines["workstream"] == "network"
    assert (lines["due"], lines["days_left"], lines["due_rule"], lines["adjusted_due"]) == (
        "2025-06-15",
        3,
        None,
        None,
    )
    assert (lines["planned"], lines["applied"], lines["verified"], lines["failed"]) == (5, 1, 1, 2)
    assert lines["state"] == "at_risk"
    dns = tasks["domains_declared"]
    assert (dns["planned"], dns["applied"], dns["verified"], dns["failed"], dns["state"]) == (
        5,
        0,
        0,
        5,
        "overdue",
    )
    # Mail counts from each commune's IT officer: 22918 (10 June) is verified, 22924 (11 June)
    # is the next one due, on 16 June.
    mail = tasks["mail_set_up"]
    assert mail["due_rule"] == {"after": "it_officers_listed", "days": 5, "per_commune": True}
    assert (mail["due"], mail["days_left"], mail["state"]) == ("2025-06-16", 4, "at_risk")
    assert (mail["planned"], mail["applied"], mail["verified"]) == (5, 1, 1)
    # The mail server serves every commune, but a commune's mailboxes are only there once its
    # accounts are: Mũi Né has its staff's, the others none yet.
    staff = tasks["staff_mail_accounts"]
    assert (staff["planned"], staff["applied"], staff["verified"], staff["failed"]) == (5, 1, 1, 0)
    late = {row["id"]: row for row in data_of(recorded, dt.date(2025, 6, 17))["tasks"]}["mail_set_up"]
    assert (late["due"], late["days_left"], late["state"]) == ("2025-06-16", -1, "overdue")
    officers = tasks["it_officers_listed"]
    assert (officers["planned"], officers["applied"], officers["verified"], officers["failed"]) == (
        5,
        2,
        None,
        None,
    )
    budget = tasks["budget_allocated"]
    assert (budget["done_on"], budget["state"], budget["planned"]) == ("2025-06-11", "done", None)
    assert tasks["budget_estimates"]["state"] == "overdue"  # 10 June, nothing recorded
    assert tasks["sector_guidance"]["state"] == "unknown"  # a task by hand, not due yet
    tthc = tasks["tthc_set_up"]
    assert tthc["adjusted_due"] == "2025-07-01"
    adjusted = {row["id"]: row for row in data_of(recorded, dt.date(2025, 6, 20))["tasks"]}["tthc_set_up"]
    # Past 15 June but within the plan's adjusted date: at risk, 11 days to 1 July.
    assert (adjusted["state"], adjusted["days_left"]) == ("at_risk", 11)
    revoked = tasks["admin_accounts_revoked"]
    assert (revoked["planned"], revoked["applied"], revoked["failed"]) == (2, 0, 0)


def test_runs_check_retired_and_sources(recorded: Path) -> None:
    data = data_of(recorded)
    assert [
        (run["id"], run["playbook"], run["hosts"], run["failed_hosts"], run["status"])
        for run in data["last_runs"]
    ] == [(2, "site", 2, 1, "failed"), (1, "site", 2, 1, "failed")]
    assert data["check"] == {"checked_at": "2025-06-12T08:12:03+07:00", "pass": 3, "fail": 1, "skip": 1}
    assert data["retired"] == {
        "hosts": [
            {
                "host": "old-binhthuan-hamthuanbac",
                "steps": {"inventory": "done", "backup": "failed"},
                "archived": False,
                "quarantine_until": None,
            },
            {
                "host": "old-binhthuan-phanthiet",
                "steps": {
                    "inventory": "done",
                    "backup": "done",
                    "verify": "done",
                    "lockdown": "done",
                    "revoke": "done",
                },
                "archived": True,
                "quarantine_until": "2025-09-30",
            },
        ],
        "portals_archived": 1,
        "accounts_revoked": 12,
    }
    assert data["sources"]["state/runs.sqlite"] == "present"
    assert data["sources"]["state/check.json"] == "present"
    report = build_report(Workspace(recorded), TODAY)[0]
    assert report is not None
    assert "| Data-line endpoints at both HQs" in render(to_json_data(report), "md", "en")


def test_unknown_stays_unknown_never_zero(workspace: Path) -> None:
    data = data_of(workspace)
    assert {row["status"] for row in data["communes"]} == {"unknown"}
    assert {state for row in data["communes"] for state in row["workstreams"].values()} == {"unknown"}
    for row in data["tasks"]:
        if row["workstream"] is not None:
            assert (row["applied"], row["verified"], row["failed"]) == (None, None, None), row["id"]
    assert data["check"] is None and data["last_runs"] == []
    assert data["sources"]["state/runs.sqlite"] == "absent"
    assert data["sources"]["state/check.json"] == "absent"
    assert data["retired"] == {"hosts": [], "portals_archived": None, "accounts_revoked": None}
    assert not (workspace / "state" / "runs.sqlite").exists()  # the report creates no store


def test_lab_runs_count_only_where_no_real_run_was_recorded(workspace: Path) -> None:
    replay(workspace, {"ns-good": "muine-gw", "ns-broken": "phuthuy-gw"}, "data_line", lab=True)
    data = data_of(workspace)
    assert data["sources"]["state/runs.sqlite"] == "present (lab runs only)"
    network = {row["code"]: row["workstreams"]["network"] for row in data["communes"]}
    assert (network["22918"], network["22924"]) == ("applied", "failed")
    replay(workspace, {"ns-good": "ns1", "ns-broken": "ns2"})
    data = data_of(workspace)
    assert data["sources"]["state/runs.sqlite"] == "present"
    assert {row["workstreams"]["network"] for row in data["communes"]} == {"planned"}


def test_an_unreadable_check_is_named_and_ignored(workspace: Path) -> None:
    (workspace / "state" / "check.json").write_text('{"version": 7, "results": []}', encoding="utf-8")
    data = data_of(workspace)
    assert data["sources"]["state/check.json"].startswith("unreadable (not a check.json of version 1")
    assert data["check"] is None


def test_an_interrupted_run_leaves_its_hosts_planned(workspace: Path) -> None:
    store = open_store(workspace)
    record = RunRecorder(store, playbook="site", limit=None, tags=None, check=False, lab=False, run_dir="r")
    text_of = {"ns-good": "muine-gw", "ns-broken": "phuthuy-gw"}
    for event in recorded_events():
        if event["event"] == "playbook_on_stats":
            break
        text = json.dumps(event).replace('"bind_primary"', '"data_line"')
        for old, new in text_of.items():
            text = text.replace(json.dumps(old), json.dumps(new))
        record(json.loads(text))
    record.finish("interrupted", None)
    store.close()
    network = {row["code"]: row["workstreams"]["network"] for row in data_of(workspace)["communes"]}
    # phuthuy-gw failed before the stop; muine-gw had more to do when the run stopped.
    assert (network["22918"], network["22924"]) == ("planned", "failed")


def test_a_store_with_task_records_only_tells_nothing_of_the_hosts(workspace: Path) -> None:
    assert main(["tasks", str(workspace), "done", "budget_allocated", "--date", "2025-06-11"]) == 0
    data = data_of(workspace)
    assert data["sources"]["state/runs.sqlite"] == "present"
    assert {row["status"] for row in data["communes"]} == {"unknown"}
    assert next(row for row in data["tasks"] if row["id"] == "budget_allocated")["state"] == "done"


def test_mail_tasks_need_the_communes_accounts_not_only_the_server() -> None:
    tasks = {task.id: task for task in DEFAULT_TASKS}
    # The central mail server applied and verified: every commune's mail workstream says so.
    communes = {code: {"mail": "verified"} for code in ("22918", "22924", "23269")}
    progress = Progress(communes, {}, {}, account_roles(yaml.safe_load(ACCOUNTS)))
    staff = counts(tasks["staff_mail_accounts"], progress)
    officers = counts(tasks["mail_set_up"], progress)
    assert (staff.planned, staff.applied, staff.verified) == (3, 1, 1)  # Mũi Né only
    assert (officers.planned, officers.applied, officers.verified) == (3, 2, 2)  # and Phú Thủy
    # Without state/accounts.yml no commune has a mailbox yet.
    assert counts(tasks["staff_mail_accounts"], Progress(communes, {}, {}, None)).applied == 0


def test_every_count_of_the_report_is_named_in_vietnamese(recorded: Path) -> None:
    items = [item for workstream in data_of(recorded)["workstreams"] for item in workstream["items"]]
    assert len(items) >= 25  # every workstream's counts, the lines' and the survey's included
    untranslated = [item["what"]["en"] for item in items if item["what"]["vi"] == item["what"]["en"]]
    assert untranslated == []
    assert all(item["stage"]["vi"] != item["stage"]["en"] for item in items)
    assert item_text("new data lines installed (plan 2495: by 2025-06-15)")["vi"] == (
        "Đường truyền mới đã lắp đặt (KH 2495: trước 15/06/2025)"
    )
