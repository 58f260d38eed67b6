"""`mergectl runs DIR`: the runs recorded in DIR/state/runs.sqlite, or one run in detail."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from controller.errors import EXIT_OK, UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "runs",
        help="the recorded runs of `apply`, or one run per workstream and host with its failures",
        description="What `mergectl apply` recorded in DIR/state/runs.sqlite, task by task as the runs went: "
        "every run (status running, ok, failed or interrupted), or with --last/--run one run's results "
        "per workstream and host and its failures with host and task (docs/runs.md).",
        epilog="example: mergectl runs inventories/lamdong --last site",
    )
    parser.add_argument("workspace", type=Path, metavar="DIR", help="the province's workspace")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--last", metavar="PLAYBOOK", help="the last run of this playbook (site, commune, ...)"
    )
    which.add_argument("--run", type=int, metavar="ID", help="the run with this number")
    parser.add_argument("--json", action="store_true", help="JSON on stdout instead of tables")
    parser.set_defaults(handler=run)


def run_details(workspace: Path, *, last: str | None, run_id: int | None) -> dict[str, Any]:
    from controller.runs.history import failures, get_run, host_outcomes, last_run, workstream_hosts
    from controller.runs.store import open_store

    store = open_store(workspace, create=False)
    try:
        if last is not None:
            recorded = last_run(store, last)
            missing = f"no run of {last} recorded in {workspace}"
        else:
            recorded = get_run(store, int(run_id or 0))
            missing = f"no run {run_id} recorded in {workspace}"
        if recorded is None:
            raise UserError(missing)
        return {
            "run": recorded.as_dict(),
            "hosts": host_outcomes(store, recorded),
            "workstreams": workstream_hosts(store, recorded),
            "failures": failures(store, recorded),
        }
    finally:
        store.close()


def all_runs(workspace: Path) -> list[dict[str, Any]]:
    from controller.runs.history import host_outcomes, list_runs
    from controller.runs.store import open_store, store_path

    if not store_path(workspace).is_file():
        return []
    store = open_store(workspace, create=False)
    try:
        runs = []
        for recorded in list_runs(store):
            outcomes = list(host_outcomes(store, recorded).values())
            counts = {outcome: outcomes.count(outcome) for outcome in sorted(set(outcomes))}
            runs.append({**recorded.as_dict(), "hosts": counts})
        return runs
    finally:
        store.close()


def print_runs(runs: list[dict[str, Any]], workspace: Path) -> None:
    if not runs:
        print(f"no runs recorded in {workspace}")
        return
    print(f"{'run':>4}  {'playbook':<20} {'started':<25} {'status':<11} {'rc':>3}  {'limit':<20} hosts")
    for entry in runs:
        hosts = ", ".join(f"{count} {outcome}" for outcome, count in entry["hosts"].items()) or "-"
        rc = "" if entry["rc"] is None else entry["rc"]
        mode = " (check)" if entry["check"] else ""
        print(
            f"{entry['id']:>4}  {Path(entry['playbook']).name:<20} {entry['started']:<25} "
            f"{entry['status'] + mode:<11} {rc:>3}  {entry['limit'] or 'all':<20} {hosts}"
        )


def print_details(details: dict[str, Any]) -> None:
    recorded = details["run"]
    finished = recorded["finished"] or "never"
    print(
        f"run {recorded['id']}: {recorded['playbook']}, limit {recorded['limit'] or 'all'}, "
        f"started {recorded['started']}, finished {finished}: {recorded['status']}"
    )
    for workstream, hosts in details["workstreams"].items():
        failed = sorted(host for host, counts in hosts.items() if counts["failed"] or counts["unreachable"])
        print(f"\n{workstream}: {len(hosts) - len(failed)}/{len(hosts)} hosts without a failure")
        print(f"  {'host':<28} {'ok':>5} {'changed':>8} {'failed':>7} {'unreach':>8} {'skipped':>8}")
        for host, counts in hosts.items():
            print(
                f"  {host:<28} {counts['ok']:>5} {counts['changed']:>8} {counts['failed']:>7} "
                f"{counts['unreachable']:>8} {counts['skipped']:>8}"
            )
    print("\nhosts: " + ", ".join(f"{host} {outcome}" for host, outcome in details["hosts"].items()))
    if details["failures"]:
        print("\nfailures:")
        for failure in details["failures"]:
            print(f"  {failure['host']} [{failure['workstream']}] {failure['task']}: {failure['message']}")


def run(args: argparse.Namespace) -> int:
    if not args.workspace.is_dir():
        raise UserError(f"{args.workspace}: no such workspace")
    if args.last is None and args.run is None:
        runs = all_runs(args.workspace)
        if args.json:
            print(json.dumps({"runs": runs}, indent=2, ensure_ascii=False))
        else:
            print_runs(runs, args.workspace)
        return EXIT_OK
    details = run_details(args.workspace, last=args.last, run_id=args.run)
    if args.json:
        print(json.dumps(details, indent=2, ensure_ascii=False))
    else:
        print_details(details)
    return EXIT_OK
