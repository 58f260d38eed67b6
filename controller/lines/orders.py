"""The line orders of a workspace: a new line per HQ site, the old lines to end, their statuses.

New lines come from the allocation as `mergectl inventory` saved it (refused while province.yml
asks for sites the saved allocation does not hold yet: the operator must get the link and
loopback the roles will configure), their addresses and contacts from province.yml and the HQ
sites register. The old lines to end are the rendered inventory's lines no site keeps (the rule
of `mergectl export lines-to-return`); one may be ended once its district is decommissioned,
i.e. the decommissioning journal (state/decommission.yml) has the district host's revoke step
done. Every line's status is the line status register's.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from controller import decommission
from controller.allocate import allocate_workspace, validated_inputs
from controller.errors import UserError
from controller.exports import lines_to_return
from controller.hq_sites import register as hq_register
from controller.hq_sites.register import HqSite
from controller.lines import register as lines_register
from controller.lines.register import NEW_LINE_STATUSES, LineStatus, rank
from controller.lines.words import END_AFTER_DECOMMISSIONING, END_NOW, NOT_ORDERED
from controller.model import Mapping
from controller.names import district_key
from controller.province import ProvinceConfig
from controller.workspace import Workspace

if TYPE_CHECKING:
    from controller.survey.holders import Holders

# The plan's dates (province.yml `deadlines`): the districts send the addresses by the first,
# the operator has the lines in place by the second.
ADDRESS_DEADLINE = "data_lines_requested"
INSTALL_DEADLINE = "data_lines_installed"
INSTALLED = rank("installed")


@dataclass(frozen=True)
class NewLine:
    key: str  # <commune code>/<site>
    commune_code: str
    commune: str
    label: str
    site: str
    role: str
    hq_of: str
    postal_address: str  # "" while nobody has sent it
    contact: HqSite | None
    reuses_old_endpoint: str | None  # the old unit or district whose line the site keeps
    old_endpoint_name: str
    old_line_id: str  # the operator's id of that line, when province.yml or the survey has it
    link_prefix: str
    loopback: str
    status: LineStatus | None

    @property
    def rank(self) -> int:
        return rank(self.status.status if self.status else None)

    @property
    def status_name(self) -> str:
        return self.status.status if self.status else NOT_ORDERED


@dataclass(frozen=True)
class OldLine:
    key: str  # the old unit's or district's code
    kind: str  # commune | district
    name: str
    district: str
    province: str
    line_id: str
    link_prefix: str
    loopback: str
    district_host: str
    district_decommissioned: bool
    status: LineStatus | None

    @property
    def state(self) -> str:
        if self.status is not None:
            return self.status.status
        return END_NOW if self.district_decommissioned else END_AFTER_DECOMMISSIONING


@dataclass(frozen=True)
class SummaryRow:
    item: str  # a key of words.SUMMARY_ITEMS
    count: int
    of: int
    due: dt.date | None = None
    overdue: int = 0


@dataclass
class LineOrders:
    province: str
    today: dt.date
    address_due: dt.date | None
    install_due: dt.date | None
    new_lines: list[NewLine]
    old_lines: list[OldLine]
    labels: dict[str, str] = field(default_factory=dict)  # commune label -> code
    kept: dict[str, str] = field(default_factory=dict)  # old code -> the new line that keeps its line
    orphans: list[LineStatus] = field(default_factory=list)  # recorded lines no longer planned

    def overdue(self, line: NewLine) -> list[tuple[str, dt.date]]:
        """(word, deadline) of each date the line has missed: its address, its installation."""
        found = []
        if not line.postal_address and self.address_due and self.today > self.address_due:
            found.append(("no_address_by", self.address_due))
        if line.rank < INSTALLED and self.install_due and self.today > self.install_due:
            found.append(("not_installed_by", self.install_due))
        return found

    def summary(self) -> list[SummaryRow]:
        """Per status, against the plan's dates: the export's summary and the weekly report's rows."""
        sites = len(self.new_lines)
        addressed = sum(1 for line in self.new_lines if line.postal_address)
        installed = sum(1 for line in self.new_lines if line.rank >= INSTALLED)
        rows = [SummaryRow("addresses", addressed, sites, self.address_due,
                           sites - addressed if _past(self.address_due, self.today) else 0)]
        for status in (NOT_ORDERED, *NEW_LINE_STATUSES):
            rows.append(SummaryRow(status, sum(1 for line in self.new_lines if line.status_name == status),
                                   sites))
        rows.append(SummaryRow("installed_or_tested", installed, sites, self.install_due,
                               sites - installed if _past(self.install_due, self.today) else 0))
        for state in (END_AFTER_DECOMMISSIONING, END_NOW, lines_register.ENDED):
            rows.append(SummaryRow(state, sum(1 for line in self.old_lines if line.state == state),
                                   len(self.old_lines)))
        return rows

    def keys(self) -> list[str]:
        return [line.key for line in self.new_lines] + [line.key for line in self.old_lines]


def _past(deadline: dt.date | None, today: dt.date) -> bool:
    return deadline is not None and today > deadline


def build(workspace: Workspace, today: dt.date | None = None) -> LineOrders:
    """The line orders as of `today` (overdue marks); InvalidInput or UserError when the workspace
    cannot say (invalid input, allocation not saved, inventory not rendered)."""
    inputs = validated_inputs(workspace)
    mapping, province = inputs.mapping, inputs.province
    _, allocations, changed = allocate_workspace(workspace, inputs, write=False)
    if changed:
        raise UserError(f"{workspace.dir}: state/allocations.yml does not hold the lines of every HQ site "
                        f"province.yml plans: run `mergectl inventory {workspace.dir}` first")
    register, _ = hq_register.load(workspace, mapping, province)  # checked with the inputs
    statuses = lines_register.load(workspace)
    line_id = _LineIds(workspace, province)
    revoked = {row.host for row in decommission.status(workspace.dir)
               if (row.steps.get("revoke") or {}).get("status") == "done"}
    orders = LineOrders(province.name, today or dt.date.today(), province.deadlines.get(ADDRESS_DEADLINE),
                        province.deadlines.get(INSTALL_DEADLINE), [], [])
    for commune in allocations.communes:
        orders.labels[commune.label] = commune.code
        specs = {spec.name: spec for spec in province.sites_of(commune.code)}
        for site in commune.sites:
            key = f"{commune.code}/{site.name}"
            reuse = site.reuses_old_endpoint
            if reuse:
                orders.kept[reuse] = key
            orders.new_lines.append(NewLine(
                key=key,
                commune_code=commune.code,
                commune=commune.name,
                label=commune.label,
                site=site.name,
                role=site.role,
                hq_of=site.hq_of,
                postal_address=hq_register.address_of(province, register, commune.code, specs[site.name]),
                contact=register.get((commune.code, site.name)),
                reuses_old_endpoint=reuse,
                old_endpoint_name=_old_name(mapping, reuse) if reuse else "",
                old_line_id=line_id(reuse) if reuse else "",
                link_prefix=str(site.endpoint.link_prefix),
                loopback=str(site.endpoint.loopback),
                status=statuses.get(key),
            ))
    for old in lines_to_return.lines(workspace.dir):
        row = old.row
        orders.old_lines.append(OldLine(
            key=row["code"], kind=row["kind"], name=row["name"], district=row["district"],
            province=row["province"], line_id=line_id(row["code"]),
            link_prefix=row["link_prefix"], loopback=row["loopback"], district_host=old.district_host,
            district_decommissioned=old.district_host in revoked, status=statuses.get(row["code"]),
        ))
    planned = set(orders.keys())
    orders.orphans = [status for key, status in sorted(statuses.items()) if key not in planned]
    return orders


def _old_name(mapping: Mapping, code: str) -> str:
    if code in mapping.old_units:
        return mapping.old_units[code].name
    for district in mapping.old_districts():
        if code in (district.code, district_key(district)):
            return district.name
    return ""


class _LineIds:
    """The operator's id of an old unit's or district's line: province.yml's legacy_endpoints,
    else the data-lines survey (`mergectl survey import --kind data_lines`; the import checked the
    two agree), active lines first when the survey lists several."""

    def __init__(self, workspace: Workspace, province: ProvinceConfig) -> None:
        self.province = province
        self.surveyed: dict[str, list[str]] = {}
        self.holders: Holders | None = None
        if (workspace.registers_dir / "survey" / "data_lines.yml").exists():
            from controller.survey.registers import load_survey

            survey = load_survey(workspace)
            self.holders = survey.context.holders
            records = sorted(survey.records("data_lines"),
                             key=lambda record: record.get("status") != "active")
            for record in records:
                self.surveyed.setdefault(str(record.get("old_code")), []).append(str(record.get("line_id")))

    def __call__(self, code: str) -> str:
        legacy = self.province.legacy_endpoints.get(code)
        if legacy and legacy.line_id:
            return legacy.line_id
        holder = self.holders.old(code) if self.holders else None
        return ", ".join(self.surveyed.get(holder.code if holder else code, []))


@dataclass(frozen=True)
class Resolved:
    key: str = ""  # the line's key, or "" when `problem` says why there is none
    problem: str = ""
    hint: str | None = None


def resolve(orders: LineOrders, written: str) -> Resolved:
    """The line a KEY of the command line names: `<commune code or label>/<site>` for a new line,
    the old unit's or district's code for a line to end."""
    new_keys = {line.key for line in orders.new_lines}
    old_keys = {line.key for line in orders.old_lines}
    if "/" in written:
        commune, site = written.split("/", 1)
        key = f"{orders.labels.get(commune, commune)}/{site}"
        if key in new_keys:
            return Resolved(key)
    if written in old_keys:
        return Resolved(written)
    if written in orders.kept:
        return Resolved(problem=f"no line to end: site {orders.kept[written]} keeps this old line",
                        hint=f"its status is that of line {orders.kept[written]}")
    spellings = sorted(new_keys | old_keys | {f"{line.label}/{line.site}" for line in orders.new_lines})
    close = difflib.get_close_matches(written, spellings, n=1, cutoff=0.6)
    guess = f"; did you mean {close[0]!r}?" if close else ""
    return Resolved(problem=f"no such line in the line orders{guess}",
                    hint="<commune code or label>/<site> for a new line (22918/hq, muine/party), "
                         "the old unit's or district's code for a line to end (mergectl lines list)")
