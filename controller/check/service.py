"""One acceptance check of a workspace: read the inventory, probe, keep the results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from controller.check.probes import tls_context
from controller.check.reach import Reach
from controller.check.results import CheckResult
from controller.check.runner import Progress, run_targets
from controller.check.targets import ProvinceFacts, build_targets, province_facts, role_default, select
from controller.errors import UserError
from controller.inventory_view import InventoryView, load_inventory


@dataclass(frozen=True)
class Checked:
    facts: ProvinceFacts
    results: list[CheckResult]

    @property
    def commune_labels(self) -> dict[str, str]:
        return {commune.code: commune.label for commune in self.facts.communes}


def read_facts(view: InventoryView) -> ProvinceFacts:
    from controller.run import ansible_content

    selector = role_default(ansible_content().folder, "mail", "mail_dkim_selector")
    return province_facts(view, str(selector or ""))


def check_inventory(
    view: InventoryView,
    *,
    limit: str | None = None,
    reach: Reach | None = None,
    ca_file: Path | None = None,
    progress: Progress | None = None,
    facts: ProvinceFacts | None = None,
) -> Checked:
    """The checks of an inventory; `facts` when the caller has read them already."""
    facts = facts or read_facts(view)
    targets = select(build_targets(facts), view, facts, limit)
    context = tls_context(str(ca_file) if ca_file else None)
    return Checked(facts, run_targets(targets, reach or Reach(), context, progress))


def check_workspace(
    workspace: Path,
    *,
    limit: str | None = None,
    reach: Reach | None = None,
    ca_file: Path | None = None,
    progress: Progress | None = None,
) -> Checked:
    from controller.run import lab_overlay_path

    if not workspace.is_dir():
        raise UserError(f"{workspace}: no such workspace")
    if lab_overlay_path(workspace).is_file():
        # The plan's addresses then live in containers on this machine, not on its network:
        # probing them from here would send them to whatever the real network has there.
        raise UserError(
            f"{workspace} has a lab ({lab_overlay_path(workspace)}): check it with 'mergectl lab check "
            f"{workspace}', which reaches the lab's containers; 'mergectl lab down {workspace}' first "
            "to check real hosts"
        )
    if ca_file is not None and not ca_file.is_file():
        raise UserError(f"--ca {ca_file}: no such file (the internal CA's certificate, PEM)")
    view = load_inventory(workspace)
    return check_inventory(view, limit=limit, reach=reach, ca_file=ca_file, progress=progress)
