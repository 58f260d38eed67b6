"""Which HQ site keeps which old line: the "reuses old endpoint" claims.

A new commune's site may keep the data line of an old unit or old district instead of
ordering a new one. Explicit claims (`sites.<code>[i].reuses_old_endpoint` in province.yml)
are settled first, for every commune, so that the default can never take a line someone
named; then the default: a commune's first site keeps the line of its primary old unit.
A line is kept by one site at most: a second explicit claim is a diagnostic, a default
whose line is taken keeps nothing (the line is terminated, the site gets a new one).
"""

from __future__ import annotations

from dataclasses import dataclass

from controller.allocate.successions import Successions, first_primary_old
from controller.errors import Diagnostics
from controller.model import Mapping, NewUnit
from controller.names import district_key, gateway_host
from controller.province import ProvinceConfig, SiteSpec


@dataclass(frozen=True)
class Reuse:
    # (commune code, site name) -> the old unit code or old district code (or key) it keeps
    by_site: dict[tuple[str, str], str | None]
    # "unit:<code>" / "district:<key>" -> host name of the gateway that keeps its line
    reused_by: dict[str, str]

    def of_site(self, code: str, site: str) -> str | None:
        return self.by_site.get((code, site))

    def of_unit(self, code: str) -> str | None:
        return self.reused_by.get(f"unit:{code}")

    def of_district(self, key: str) -> str | None:
        return self.reused_by.get(f"district:{key}")


def reuse_claims(
    mapping: Mapping,
    province: ProvinceConfig,
    successions: Successions,
    labels: dict[str, str],
    diagnostics: Diagnostics,
) -> Reuse:
    """Every site's claim settled; a line claimed twice explicitly is added to `diagnostics`.
    `labels`: the label of every new commune, by code."""
    district_ids = {d.code: district_key(d) for d in mapping.old_districts() if d.code}
    district_ids.update({district_key(d): district_key(d) for d in mapping.old_districts()})
    reused_by: dict[str, str] = {}
    by_site: dict[tuple[str, str], str | None] = {}
    for explicit in (True, False):
        for code in sorted(mapping.new_units):
            unit = mapping.new_units[code]
            for position, spec in enumerate(province.sites_of(code)):
                claim = _claim(spec, position, unit, mapping, successions, explicit)
                if claim is None:
                    if explicit or (code, spec.name) not in by_site:
                        by_site.setdefault((code, spec.name), None)
                    continue
                endpoint_key = (
                    f"unit:{claim}"
                    if claim in mapping.old_units
                    else f"district:{district_ids.get(claim, claim)}"
                )
                if endpoint_key in reused_by:
                    if explicit:
                        diagnostics.add(
                            province.path,
                            province.line("sites", code, position, "reuses_old_endpoint"),
                            f"old endpoint {claim} is already reused by {reused_by[endpoint_key]}",
                            key=f"sites.{code}[{position}].reuses_old_endpoint",
                        )
                    by_site[(code, spec.name)] = None
                    continue
                reused_by[endpoint_key] = gateway_host(labels[code])
                by_site[(code, spec.name)] = claim
    return Reuse(by_site, reused_by)


def _claim(
    spec: SiteSpec,
    position: int,
    unit: NewUnit,
    mapping: Mapping,
    successions: Successions,
    explicit: bool,
) -> str | None:
    """The old endpoint a site claims in this pass (explicit claims, or the default rule)."""
    if explicit:
        return None if spec.reuse_default else spec.reuses_old_endpoint
    if position != 0 or not spec.reuse_default:
        return None
    primary_old = first_primary_old(unit, mapping, successions)
    return primary_old.code if primary_old else None
