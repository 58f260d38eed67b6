"""HQ sites contribution: `mergectl validate` checks registers/hq-sites.yml with the workspace.

The register is what the districts sent (`mergectl sites import`); a hand edit that breaks
it, or an address there that province.yml contradicts, is reported with the other input
problems instead of surfacing first in an export for the operator.
"""

from __future__ import annotations

from controller.contrib import Contribution
from controller.errors import Diagnostics
from controller.hq_sites.register import load
from controller.model import Mapping
from controller.province import ProvinceConfig
from controller.workspace import Workspace


def validate(
    workspace: Workspace, mapping: Mapping, province: ProvinceConfig, diagnostics: Diagnostics
) -> None:
    _, found = load(workspace, mapping, province)
    diagnostics.extend(found)


CONTRIBUTION = Contribution(name="hq_sites", validate=validate)
