"""Survey records against what the workspace already says: province.yml's e-ID codes and old
lines, and the codes planned for new communes. A disagreement is an error on the survey's
line that names the other file and line; neither side is silently preferred."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from controller.errors import Diagnostics
from controller.names import normalize
from controller.survey.context import Context
from controller.survey.kinds import Kind
from controller.survey.records import SurveyRecord


def check_against_workspace(kind: Kind, records: list[SurveyRecord], context: Context,
                            diagnostics: Diagnostics) -> None:
    if kind.name == "edoc_codes":
        _check_edoc(records, context, diagnostics)
    elif kind.name == "data_lines":
        _check_lines(records, context, diagnostics)


def _province_entries(context: Context, section: tuple[str, ...]) -> Iterable[tuple[str, str, str]]:
    """(holder code, key as written, where) of each entry of a province.yml section naming old holders."""
    node: Any = context.province.raw
    for part in section:
        node = node.get(part) if isinstance(node, dict) else None
    for written in node if isinstance(node, dict) else ():
        holder = context.holders.old(str(written))
        if holder is not None:
            line = context.province.line(*section, str(written))
            yield holder.code, str(written), f"{context.province.path}:{line} ({'.'.join(section)})"


def _check_edoc(records: list[SurveyRecord], context: Context, diagnostics: Diagnostics) -> None:
    known: dict[str, tuple[str, str]] = {}  # holder -> (code, where) of province.yml
    for holder, written, where in _province_entries(context, ("edoc", "old_codes")):
        code = context.province.edoc.old_codes.get(written)
        if code:
            known[holder] = (code, where)
    owner_of = {code: (holder, where) for holder, (code, where) in known.items()}
    for record in records:
        code, holder = record.get("edoc_code"), record.get("old_code")
        if holder in known and known[holder][0] != code:
            given, where = known[holder]
            record.place.add(diagnostics, "edoc_code",
                             f"{holder} has e-ID code {code} here but {given} in {where}",
                             "correct the wrong one; a unit has one code")
        elif code in owner_of and owner_of[code][0] != holder:
            owner, where = owner_of[code]
            record.place.add(diagnostics, "edoc_code", f"{code} is the e-ID code of {owner} in {where}",
                             "correct the wrong one; a code has one holder")
        planned = context.planned.get(code)
        if planned is not None:
            record.place.add(
                diagnostics, "edoc_code",
                f"{code} is in use, yet it is the code planned for new commune {planned.commune} "
                f"({planned.path}:{planned.line})",
                f"if the code really is in use, empty edoc_code of commune {planned.commune} in "
                "state/allocations.yml, import this sheet again, then run `mergectl inventory`: it plans "
                "the next free code",
            )


def _check_lines(records: list[SurveyRecord], context: Context, diagnostics: Diagnostics) -> None:
    legacy: dict[str, tuple[str, str]] = {}  # holder -> (line_id, where) of province.yml
    for holder, written, where in _province_entries(context, ("legacy_endpoints",)):
        endpoint = context.province.legacy_endpoints.get(normalize(written))
        if endpoint is not None and endpoint.line_id:
            legacy[holder] = (endpoint.line_id, where)
    owner_of = {line_id: (holder, where) for holder, (line_id, where) in legacy.items()}
    by_holder: dict[str, list[SurveyRecord]] = {}
    for record in records:
        by_holder.setdefault(record.get("old_code"), []).append(record)
        owner = owner_of.get(record.get("line_id"))
        if owner is not None and owner[0] != record.get("old_code"):
            record.place.add(diagnostics, "line_id",
                             f"line {record.get('line_id')} is the line of {owner[0]} in {owner[1]}",
                             "correct the wrong one")
    for holder, (line_id, where) in legacy.items():
        surveyed = by_holder.get(holder, [])
        if surveyed and all(record.get("line_id") != line_id for record in surveyed):
            lines = ", ".join(record.get("line_id") for record in surveyed)
            surveyed[0].place.add(diagnostics, "line_id",
                                  f"{holder} has line(s) {lines} here but {line_id} in {where}",
                                  "correct the wrong one")
