"""Runs the product's playbooks through ansible-runner, with the repository's Ansible settings.

Every run gets its own folder `DIR/reports/runs/<UTC timestamp>-<playbook>/` holding
ansible-runner's artefacts (events, stdout), the ansible.cfg it ran with and `summary.json`
(ok/changed/failed per host), so a run can be audited after the fact; its tasks are recorded
as they finish in DIR/state/runs.sqlite (controller/runs/).

Where the playbooks come from (`ansible_content`), first found:
1. `MERGECTL_ANSIBLE_DIR`: a checkout of the repository (ansible.cfg, playbooks/, roles/), or an
   installed collection vngov.mergectl (the folder `.../ansible_collections/vngov/mergectl`);
2. the checkout around the controller (an editable install, or PYTHONPATH on a checkout);
3. the collection vngov.mergectl where Ansible looks for collections (ANSIBLE_COLLECTIONS_PATH,
   ~/.ansible/collections, /usr/share/ansible/collections, site-packages): what a
   `pip install`/`pipx install` of mergectl uses, the collection installed beside it.
From a checkout its ansible.cfg applies; from the collection, the same settings
(`COLLECTION_CONFIG`), and the playbooks run by their FQCN. Either way the workspace's own
DIR/ansible.cfg is laid over them and the result written into the run folder
(controller/ansible_config.py).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from controller.ansible_config import merged_config_text
from controller.errors import UserError
from controller.runs.progress import Printer, ProgressPrinter
from controller.runs.recorder import RunRecorder
from controller.runs.store import open_store
from controller.yamlio import atomic_write

COLLECTION = ("vngov", "mergectl")
ANSIBLE_DIR_VARIABLE = "MERGECTL_ANSIBLE_DIR"
# The repository's ansible.cfg but for its paths into the checkout, for runs from the installed
# collection (tests/test_run_content.py keeps the two equal): the strategy by its FQCN, the facts
# cached per user (the checkout caches them in its .cache/).
COLLECTION_CONFIG: dict[str, dict[str, str]] = {
    "defaults": {
        "strategy": "vngov.mergectl.mergectl_linear",
        "forks": "20",
        "gathering": "smart",
        "fact_caching": "jsonfile",
        "fact_caching_timeout": "3600",
        "callbacks_enabled": "ansible.posix.profile_tasks",
        "interpreter_python": "auto_silent",
        "retry_files_enabled": "false",
        "stdout_callback": "default",
        "result_format": "yaml",
        "inventory_ignore_patterns": (
            r"^mapping\.yml$, ^province\.yml$, ^state$, ^staff$, ^reports$, ^lab$, ^exports$, \.csv$, "
            r"\.json$, \.lock$"
        ),
        "nocows": "true",
    },
    "ssh_connection": {
        "pipelining": "true",
        "ssh_args": "-o ControlMaster=auto -o ControlPersist=60s -o StrictHostKeyChecking=accept-new",
    },
}

NAMED_PLAYBOOKS = (
    "site",
    "commune",
    "dataline_core",
    "dataline_terminate",
    "dns",
    "mail",
    "portal",
    "integration_centre",
    "decommission",
    "poweroff",
)
# The lab's inventory overlay (docs/inventory-contract.md, "Lab overlay"): `mergectl lab up`
# writes it, `apply --lab` adds it and never leaves its group.
LAB_GROUP = "lab"
VAULT_PASSWORD_FILE = ".vault-pass"

def repo_root() -> Path:
    """The checkout holding ansible.cfg, playbooks/ and roles/ (mergectl is installed editable)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "ansible.cfg").is_file():
        raise UserError(
            f"cannot find ansible.cfg beside the controller ({root}); install mergectl with "
            "'pip install -e' from the repository"
        )
    return root


@dataclass(frozen=True)
class AnsibleContent:
    """Where the playbooks and roles come from: a checkout, or the installed collection."""

    folder: Path  # holds playbooks/ (and ansible.cfg and roles/ for a checkout)
    collection: bool = False

    def playbook_argument(self, playbook: Path) -> str:
        """What ansible-playbook is given: a collection's own playbook by its FQCN, so that its
        roles, modules and plugins resolve within the collection."""
        if self.collection and playbook.parent == self.folder / "playbooks":
            return ".".join([*COLLECTION, playbook.stem])
        return str(playbook)


def _is_checkout(folder: Path) -> bool:
    return (folder / "ansible.cfg").is_file() and (folder / "playbooks").is_dir()


def _is_collection(folder: Path) -> bool:
    return folder.parts[-3:] == ("ansible_collections", *COLLECTION) and (folder / "playbooks").is_dir()


def collection_search_paths() -> list[Path]:
    """Where Ansible looks for collections: its configured paths, then the Python path."""
    from ansible import constants

    return [Path(p).expanduser() for p in [*constants.COLLECTIONS_PATHS, *sys.path] if p]


def ansible_content(environ: Mapping[str, str] | None = None) -> AnsibleContent:
    environ = os.environ if environ is None else environ
    configured = environ.get(ANSIBLE_DIR_VARIABLE, "").strip()
    if configured:
        folder = Path(configured).expanduser().resolve()
        if _is_checkout(folder):
            return AnsibleContent(folder)
        if _is_collection(folder):
            return AnsibleContent(folder, collection=True)
        raise UserError(
            f"{ANSIBLE_DIR_VARIABLE}={configured}: neither a checkout of mergectl (ansible.cfg, playbooks/) "
            "nor an installed collection (.../ansible_collections/vngov/mergectl)"
        )
    around = Path(__file__).resolve().parent.parent
    if _is_checkout(around):
        return AnsibleContent(around)
    for base in collection_search_paths():
        folder = base / "ansible_collections" / COLLECTION[0] / COLLECTION[1]
        if _is_collection(folder):
            return AnsibleContent(folder.resolve(), collection=True)
    raise UserError(
        "cannot find the playbooks: install the collection vngov.mergectl (ansible-galaxy collection install "
        f"vngov-mergectl-VERSION.tar.gz, built by scripts/build-collection.sh), set {ANSIBLE_DIR_VARIABLE} "
        "to a checkout of the repository or to the installed collection, or run mergectl from a checkout"
    )


def resolve_playbook(name: str, root: Path | None = None) -> Path:
    root = root or ansible_content().folder
    if name in NAMED_PLAYBOOKS:
        path = root / "playbooks" / f"{name}.yml"
        if not path.is_file():
            raise UserError(f"playbook '{name}' does not exist yet ({path}); its workstream has not landed")
        return path
    path = Path(name).expanduser().resolve()
    if not path.is_file():
        raise UserError(f"playbook {name}: no such file (named playbooks: {', '.join(NAMED_PLAYBOOKS)})")
    return path


def lab_overlay_path(workspace: Path) -> Path:
    return workspace / "lab" / "hosts.yml"


def lab_limit(limit: str | None) -> str:
    """A lab run never leaves the lab: any limit is intersected with the `lab` group.
    Ansible reads a pattern with a comma as a plain comma list and does not split its parts on
    ':', so "a,b:&lab" would mean a OR the literal host "b:&lab" (no intersection at all):
    the parts are joined with ':' instead, where "&lab" applies to the whole union."""
    if not limit:
        return LAB_GROUP
    parts = [part.strip() for part in limit.split(",") if part.strip()]
    return ":".join([*parts, f"&{LAB_GROUP}"])


def _path_with_our_bin() -> str:
    bin_dir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    return path if bin_dir in path.split(os.pathsep) else f"{bin_dir}{os.pathsep}{path}"


def ansible_env(root: Path) -> dict[str, str]:
    """A checkout's runs: its ansible.cfg and roles."""
    return {
        "ANSIBLE_CONFIG": str(root / "ansible.cfg"),
        "ANSIBLE_ROLES_PATH": str(root / "roles"),
        "ANSIBLE_FORCE_COLOR": "false",
        "PATH": _path_with_our_bin(),
    }


def collection_config_text(collection: Path) -> str:
    """ansible.cfg for a run from the installed collection (written into the run folder)."""
    roots = [str(collection.parents[2]), "~/.ansible/collections", "/usr/share/ansible/collections"]
    sections = {
        "defaults": {
            **COLLECTION_CONFIG["defaults"],
            "collections_path": os.pathsep.join(roots),
            "fact_caching_connection": str(Path.home() / ".cache" / "mergectl" / "facts"),
        },
        "ssh_connection": COLLECTION_CONFIG["ssh_connection"],
    }
    lines = ["# Written by mergectl apply: the repository's ansible.cfg, for a run from vngov.mergectl."]
    for section, values in sections.items():
        lines += ["", f"[{section}]", *(f"{key} = {value}" for key, value in values.items())]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class RunRequest:
    workspace: Path
    playbook: Path
    limit: str | None = None
    lab: bool = False
    check: bool = False
    diff: bool = False
    extravars: Mapping[str, Any] = field(default_factory=dict)
    vault_ids: tuple[str, ...] = ()  # `--vault-id` values: [LABEL@]FILE or password client script
    # Passed to ansible-playbook as the engineer typed them (`apply -e`): key=value, JSON or @FILE.
    extra_vars: tuple[str, ...] = ()
    tags: str | None = None
    skip_tags: str | None = None
    forks: int | None = None
    verbosity: int = 0

    @property
    def playbook_name(self) -> str:
        """How the store names the playbook: a named one by its name, any other by its path."""
        if self.playbook.stem in NAMED_PLAYBOOKS and self.playbook.parent.name == "playbooks":
            return self.playbook.stem
        return str(self.playbook)


@dataclass(frozen=True)
class RunResult:
    rc: int
    status: str
    run_dir: Path
    summary: dict[str, Any]

    @property
    def failed_hosts(self) -> list[str]:
        return list(self.summary["failed_hosts"])

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.failed_hosts and self.status == "successful"


def summarise(
    stats: Mapping[str, Mapping[str, int]] | None,
    *,
    playbook: str,
    rc: int,
    status: str,
    started: str,
    finished: str,
) -> dict[str, Any]:
    """ansible-runner's stats (counter -> host -> n) turned into host -> counters."""
    stats = stats or {}
    columns = {
        "ok": "ok",
        "changed": "changed",
        "failures": "failed",
        "dark": "unreachable",
        "skipped": "skipped",
        "rescued": "rescued",
        "ignored": "ignored",
    }
    hosts: dict[str, dict[str, int]] = {}
    for counter, name in columns.items():
        for host, count in (stats.get(counter) or {}).items():
            hosts.setdefault(host, dict.fromkeys(columns.values(), 0))[name] = int(count)
    for host in stats.get("processed") or {}:
        hosts.setdefault(host, dict.fromkeys(columns.values(), 0))
    failed = sorted(h for h, c in hosts.items() if c["failed"] or c["unreachable"])
    return {
        "playbook": playbook,
        "status": status,
        "rc": rc,
        "started": started,
        "finished": finished,
        "hosts": dict(sorted(hosts.items())),
        "failed_hosts": failed,
        "totals": {name: sum(c[name] for c in hosts.values()) for name in columns.values()},
    }


def format_summary(summary: Mapping[str, Any]) -> list[str]:
    lines = [f"{'host':<28} {'ok':>5} {'changed':>8} {'failed':>7} {'unreach':>8} {'skipped':>8}"]
    for host, counts in summary["hosts"].items():
        lines.append(
            f"{host:<28} {counts['ok']:>5} {counts['changed']:>8} {counts['failed']:>7} "
            f"{counts['unreachable']:>8} {counts['skipped']:>8}"
        )
    return lines


def inventory_sources(workspace: Path, *, lab: bool) -> list[str]:
    if not (workspace / "hosts.yml").is_file():
        raise UserError(
            f"{workspace}: no hosts.yml; render the inventory first with 'mergectl inventory {workspace}'"
        )
    if not lab:
        return [str(workspace)]
    overlay = lab_overlay_path(workspace)
    if not overlay.is_file():
        raise UserError(f"{overlay} is missing; start the lab first with 'mergectl lab up {workspace}'")
    return [str(workspace), str(overlay)]


def product_config(content: AnsibleContent) -> tuple[str, Path]:
    """The product's ansible.cfg and the folder its relative paths start from."""
    if content.collection:
        return collection_config_text(content.folder), content.folder
    return (content.folder / "ansible.cfg").read_text(encoding="utf-8"), content.folder


def matching_hosts(workspace: Path, pattern: str | None, *, lab: bool) -> list[str]:
    """The inventory's hosts a limit selects, as ansible-playbook would select them (with the run's
    ansible.cfg: its inventory plugins and ignore patterns decide what the workspace holds)."""
    import subprocess
    import tempfile

    workspace = workspace.resolve()
    inventories = inventory_sources(workspace, lab=lab)
    limit = lab_limit(pattern) if lab else pattern or "all"
    content = ansible_content()
    with tempfile.TemporaryDirectory(prefix="mergectl-hosts-") as folder:
        config = Path(folder) / "ansible.cfg"
        config.write_text(merged_config_text(*product_config(content), workspace), encoding="utf-8")
        environment = {**os.environ, **ansible_env(content.folder), "ANSIBLE_CONFIG": str(config)}
        command = [str(Path(sys.executable).parent / "ansible"), "all", "--list-hosts", "--limit", limit]
        for inventory in inventories:
            command += ["-i", inventory]
        done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if done.returncode != 0:
        if "no hosts to target" in done.stderr:
            return []
        raise UserError(f"cannot list the hosts of {limit!r}: {done.stderr.strip() or done.stdout.strip()}")
    listed = done.stdout.split("hosts (", 1)[-1].splitlines()[1:]
    return [line.strip() for line in listed if line.strip()]


def run_dir_for(workspace: Path, playbook: Path, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    base = workspace / "reports" / "runs" / f"{stamp}-{playbook.stem}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def run_playbook(
    request: RunRequest, *, out: Printer = print, runner: Callable[..., Any] | None = None
) -> RunResult:
    """Runs one playbook; `runner` is `ansible_runner.run` unless a test passes a fake."""
    workspace = request.workspace.resolve()
    inventories = inventory_sources(workspace, lab=request.lab)
    limit = lab_limit(request.limit) if request.lab else request.limit
    content = ansible_content()
    product_text, product_folder = product_config(content)
    config_text = merged_config_text(product_text, product_folder, workspace)
    run_dir = run_dir_for(workspace, request.playbook)
    run_dir.mkdir(parents=True)
    config = run_dir / "ansible.cfg"
    atomic_write(config, config_text)
    if content.collection:
        project_dir = run_dir
        envvars = {"ANSIBLE_FORCE_COLOR": "false", "PATH": _path_with_our_bin()}
    else:
        project_dir = content.folder
        envvars = ansible_env(content.folder)
    envvars["ANSIBLE_CONFIG"] = str(config)
    # No mergectl_workspace or mergectl_bin: the playbooks never call the controller (an execution
    # environment under AWX has neither); what they report is collected from run_dir afterwards.
    extravars = dict(request.extravars)
    flags = [flag for flag, wanted in (("--check", request.check), ("--diff", request.diff)) if wanted]
    vault_password = workspace / VAULT_PASSWORD_FILE
    if request.vault_ids:
        # The province keeps its password elsewhere (a file outside the repository, a password
        # client script): pass what it gave, and not DIR/.vault-pass.
        flags += [part for vault_id in request.vault_ids for part in ("--vault-id", vault_id)]
    elif vault_password.is_file():
        # The workspace's vault password (written by the workstreams that keep secrets in Vault).
        flags += ["--vault-password-file", str(vault_password)]
    flags += [part for value in request.extra_vars for part in ("-e", value)]
    if runner is None:
        import ansible_runner  # imported here: slow to import, and only `apply` needs it

        runner = ansible_runner.run
    started = datetime.now(UTC).isoformat(timespec="seconds")
    shown = " ".join(flag for flag in flags if flag in ("--check", "--diff"))
    out(f"running {request.playbook.name} (limit: {limit or 'all'}{', ' + shown if shown else ''})")
    store = open_store(workspace)
    recorder = RunRecorder(
        store,
        playbook=request.playbook_name,
        limit=limit,
        tags=request.tags,
        check=request.check,
        lab=request.lab,
        run_dir=str(run_dir),
    )
    printer = ProgressPrinter(out, diff=request.diff, verbose=request.verbosity > 0)
    with closing(store):  # closed however the run ends, a summary that fails included
        try:
            result = runner(
                private_data_dir=str(run_dir),
                project_dir=str(project_dir),
                playbook=content.playbook_argument(request.playbook),
                inventory=inventories,
                extravars=extravars,
                limit=limit,
                cmdline=" ".join(shlex.quote(flag) for flag in flags) or None,
                envvars=envvars,
                tags=request.tags,
                skip_tags=request.skip_tags,
                forks=request.forks,
                verbosity=request.verbosity or None,
                quiet=True,
                event_handler=lambda event: recorder(event) and printer(event),
            )
        except BaseException:
            recorder.finish("interrupted", None)
            raise
        finished = datetime.now(UTC).isoformat(timespec="seconds")
        summary = summarise(
            result.stats,
            playbook=str(request.playbook),
            rc=int(result.rc or 0),
            status=str(result.status),
            started=started,
            finished=finished,
        )
        summary.update(
            {"workspace": str(workspace), "lab": request.lab, "limit": limit, "check": request.check}
        )
        outcome = RunResult(int(result.rc or 0), str(result.status), run_dir, summary)
        # ansible-runner turns a Ctrl-C into a cancelled run rather than an exception.
        recorded = "interrupted" if outcome.status == "canceled" else "ok" if outcome.ok else "failed"
        recorder.finish(recorded, outcome.rc)
    atomic_write(run_dir / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return outcome


def print_result(result: RunResult, out: Printer = print) -> None:
    for line in format_summary(result.summary):
        out(line)
    out(f"run folder: {result.run_dir}")
    out(f"summary: {result.run_dir / 'summary.json'}")
    if not result.ok:
        failed = ", ".join(result.failed_hosts) or f"ansible exited {result.rc} ({result.status})"
        out(f"FAILED: {failed}")
