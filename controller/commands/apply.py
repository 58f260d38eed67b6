"""`mergectl apply DIR`: run a playbook of the product against the workspace (or its lab)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

from controller.errors import EXIT_FAILED, EXIT_OK, Refused, UserError
from controller.run import (
    NAMED_PLAYBOOKS,
    RunRequest,
    matching_hosts,
    print_result,
    resolve_playbook,
    run_playbook,
)

MAX_FORKS = 200  # beyond ~50 a single control node degrades (ansible.cfg); 200 is a typo's bound


def extra_vars_value(value: str) -> str:
    """-e as ansible-playbook takes it; @FILE made absolute (Ansible runs from elsewhere) and checked."""
    if not value.strip():
        raise argparse.ArgumentTypeError("empty -e value")
    if value.startswith("@"):
        path = Path(value[1:]).expanduser()
        if not path.is_file():
            raise argparse.ArgumentTypeError(f"{value}: no such file")
        return f"@{path.resolve()}"
    return value


def forks_value(value: str) -> int:
    try:
        forks = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if not 1 <= forks <= MAX_FORKS:
        raise argparse.ArgumentTypeError(f"{forks}: between 1 and {MAX_FORKS}")
    return forks


def tags_value(value: str) -> str:
    tags = [tag.strip() for tag in value.split(",")]
    if not all(tags):
        raise argparse.ArgumentTypeError(f"{value!r}: an empty tag")
    return ",".join(tags)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "apply",
        help="run a playbook (site, commune, dns, ...) against the workspace's hosts or its lab",
        description="Run one of the product's playbooks through ansible-runner with the repository's "
        "ansible.cfg, and DIR/ansible.cfg laid over it. Each run is recorded in "
        "DIR/reports/runs/<timestamp>-<playbook>/ with a summary.json (ok/changed/failed per host) and, "
        "task by task as it goes, in DIR/state/runs.sqlite (`mergectl runs`); then what the run "
        "reported (decommissioning journals, released lines and addresses) is collected into the "
        "workspace, as `mergectl collect` does, except after --check. Exit 5 when any host failed "
        "or was unreachable.",
        epilog="example: mergectl apply inventories/lamdong --lab --playbook site (docs/runs.md)",
    )
    parser.add_argument(
        "workspace", type=Path, metavar="DIR", help="workspace rendered by 'mergectl inventory'"
    )
    parser.add_argument(
        "--playbook",
        default="site",
        metavar="NAME|PATH",
        help=f"one of {', '.join(NAMED_PLAYBOOKS)} or a playbook file (default: site)",
    )
    parser.add_argument("--limit", metavar="PATTERN", help="Ansible host pattern")
    parser.add_argument(
        "--lab",
        action="store_true",
        help="run against the lab's containers (adds DIR/lab/hosts.yml, limits to group 'lab')",
    )
    parser.add_argument("--check", action="store_true", help="dry run: report what would change")
    parser.add_argument("--diff", action="store_true", help="show the changes to files and templates")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="re-run only the hosts that failed, were unreachable or did not finish in the last run "
        "of this playbook (with --limit: those among the limit)",
    )
    parser.add_argument("--yes", action="store_true", help="run on every host of the province without asking")
    parser.add_argument(
        "-e",
        "--extra-vars",
        action="append",
        default=[],
        type=extra_vars_value,
        metavar="VARS",
        help="as ansible-playbook's -e, repeatable: key=value, JSON/YAML, or @FILE",
    )
    parser.add_argument("--tags", type=tags_value, metavar="TAGS", help="only tasks with these tags")
    parser.add_argument("--skip-tags", type=tags_value, metavar="TAGS", help="no tasks with these tags")
    parser.add_argument(
        "--forks",
        type=forks_value,
        metavar="N",
        help=f"parallel hosts, 1..{MAX_FORKS} (default: ansible.cfg's)",
    )
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="ansible-playbook's -v (repeat: -vv, -vvv)"
    )
    parser.add_argument(
        "--vault-id",
        action="append",
        default=[],
        metavar="[LABEL@]SOURCE",
        help="vault password source, repeatable: a file, or an executable password script (a name ending "
        "in -client is asked for LABEL with --vault-id); replaces DIR/.vault-pass. "
        "ANSIBLE_VAULT_IDENTITY_LIST is honoured too",
    )
    parser.set_defaults(handler=run)


def resume_limit(request: RunRequest, out: Callable[[str], None]) -> str | None:
    """The limit that re-runs what the last run of the playbook left undone; None: nothing to do."""
    from controller.runs.history import last_run, resume_plan
    from controller.runs.store import open_store

    store = open_store(request.workspace, create=False)
    try:
        # A dry run is no progress to resume from, and the lab's hosts are not the province's.
        previous = last_run(store, request.playbook_name, lab=request.lab, check=request.check)
        if previous is None:
            where = (" in the lab" if request.lab else "") + (" with --check" if request.check else "")
            raise UserError(
                f"--resume: no previous run of {request.playbook_name}{where} in {request.workspace}"
            )
        plan = resume_plan(store, previous)
    finally:
        store.close()
    described = f"run {previous.id} of {previous.playbook} (started {previous.started}, {previous.status})"
    if plan.whole_run:
        # Stopped before Ansible knew each host's outcome: everything it aimed at, again.
        hosts = matching_hosts(request.workspace, plan.limit, lab=request.lab) if request.limit else None
        reason = "it stopped before every host finished, again on"
    else:
        hosts = list(plan.hosts)
        reason = "on its failed or unreachable hosts"
    if hosts is not None and request.limit:
        wanted = set(matching_hosts(request.workspace, request.limit, lab=request.lab))
        hosts = [host for host in hosts if host in wanted]
    if hosts == []:
        within = f" within --limit {request.limit}" if request.limit else ""
        out(f"nothing to resume{within}: {described} left no host undone")
        return None
    out(f"resuming {described} {reason}: {', '.join(hosts) if hosts else plan.limit or 'all hosts'}")
    return ",".join(hosts) if hosts else plan.limit or "all"


def confirm_all_hosts(request: RunRequest, assume_yes: bool) -> None:
    """A run on every real host of the province is asked for, or refused when nobody can answer."""
    if request.lab or request.check or request.limit or assume_yes:
        return
    from controller.workspace import Workspace

    try:
        province = Workspace(request.workspace).load_mapping().province
    except Exception:  # a workspace whose mapping does not load still names itself
        province = request.workspace.resolve().name
    hosts = matching_hosts(request.workspace, None, lab=False)
    question = f"run {request.playbook_name} on all {len(hosts)} hosts of {province}?"
    if not sys.stdin.isatty():
        raise Refused(
            [f"{question} (no --limit, and no terminal to ask)"], "confirm with --yes, or use --limit"
        )
    answer = input(f"{question} [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise Refused([f"{question}: not confirmed"], "answer y, or use --limit")


def run(args: argparse.Namespace) -> int:
    from controller.ansible_config import workspace_settings
    from controller.errors import InvalidInput
    from controller.secrets import check_secrets

    playbook = resolve_playbook(args.playbook)
    # Every secret the run will need, checked before the first play rather than in the middle.
    missing = check_secrets(args.workspace, args.vault_id, need_tsig=playbook.stem in ("site", "dns"))
    if missing:
        raise InvalidInput(missing)
    workspace_settings(args.workspace)  # a refused key in DIR/ansible.cfg stops here, before any run
    request = RunRequest(
        workspace=args.workspace,
        playbook=playbook,
        limit=args.limit,
        lab=args.lab,
        check=args.check,
        diff=args.diff,
        vault_ids=tuple(args.vault_id),
        extra_vars=tuple(args.extra_vars),
        tags=args.tags,
        skip_tags=args.skip_tags,
        forks=args.forks,
        verbosity=args.verbose,
    )
    if args.resume:
        limit = resume_limit(request, print)
        if limit is None:
            return EXIT_OK
        request = dataclasses.replace(request, limit=None if limit == "all" else limit)
    confirm_all_hosts(request, args.yes)
    result = run_playbook(request)
    print_result(result)
    if not args.check:
        from controller.collect import collect

        # Also after a failed run: what the hosts recorded before the failure is true all the same.
        outcome = collect(args.workspace, [result.run_dir], require_any=False)
        if not outcome.empty:
            for line in outcome.lines():
                print(line)
    return EXIT_OK if result.ok else EXIT_FAILED
