"""The survey's kinds: what each register records, its columns, its key and how each value is read.

A value is read the same way from a department's CSV and from the stored register (a hand
edit is checked like a new sheet): each column has one parser, given the cell's text and
the old and new units of mapping.yml, that returns the stored value or raises `BadValue`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from controller.province.edoc import EDOC_OLD_FORMAT, valid_edoc_code
from controller.province.model import VC_ROOMS
from controller.values import BadValue, calendar_date, http_url, ipv4_address, ipv4_network, valid_domain

if TYPE_CHECKING:
    from controller.survey.holders import Holders

Value = str | int
Parse = Callable[[str, "Holders"], Value]
# (column, message, hint) of a rule across a row's columns
Problem = tuple[str, str, str | None]

ENDPOINT_STATUSES = ("working", "broken", "missing")
LINE_STATUSES = ("active", "inactive")
# Columns a prefilled template carries next to the old unit's code, so the person filling it
# sees which unit a row is; read back only to catch a row whose code was mistyped.
INFO_COLUMNS = ("old_name", "old_district")


def text(value: str, holders: Holders) -> Value:
    return value


def url(value: str, holders: Holders) -> Value:
    return http_url(value)


def date(value: str, holders: Holders) -> Value:
    return calendar_date(value).isoformat()


def count(value: str, holders: Holders) -> Value:
    if not value.isdigit():
        raise BadValue(f"{value!r} is not a whole number", "write digits only, e.g. 40")
    if int(value) > 1_000_000:
        raise BadValue(f"{value} is more than 1,000,000")
    return int(value)


def domain(value: str, holders: Holders) -> Value:
    name = value.lower().removesuffix(".")
    if not valid_domain(name):
        raise BadValue(f"invalid domain name {value!r}",
                       "ASCII labels separated by dots, e.g. muine.binhthuan.gov.vn")
    return name


def ipv4(value: str, holders: Holders) -> Value:
    return str(ipv4_address(value))


def link_prefix(value: str, holders: Holders) -> Value:
    network = ipv4_network(value)
    if network.prefixlen not in (30, 31):
        raise BadValue(f"{network} must be a /30 or /31 data-line link")
    return str(network)


def edoc_code(value: str, holders: Holders) -> Value:
    code = value.upper()
    if EDOC_OLD_FORMAT.match(code):
        return code
    problem = valid_edoc_code(code)
    if problem:
        raise BadValue(problem, "e.g. H36.20.05, or the old format 000.00.00.H36")
    return code


def old_unit(value: str, holders: Holders) -> Value:
    holder = holders.old(value)
    if holder is None:
        raise BadValue(f"no old unit or district with code {value} in mapping.yml",
                       "an old commune's code, an old district's code, or \"<old province>/<district>\"")
    return holder.code


def new_unit(value: str, holders: Holders) -> Value:
    if value not in holders.mapping.new_units:
        raise BadValue(f"no new unit with code {value} in mapping.yml", "the new commune's code (mã ĐVHC)")
    return value


def one_of(*choices: str) -> Parse:
    def parse(value: str, holders: Holders) -> Value:
        if value.lower() not in choices:
            raise BadValue(f"unknown value {value!r}", f"one of {', '.join(choices)}")
        return value.lower()

    return parse


@dataclass(frozen=True)
class Column:
    name: str
    parse: Parse
    required: bool = False


def _no_rules(values: dict[str, Value]) -> list[Problem]:
    return []


@dataclass(frozen=True)
class Kind:
    name: str
    what: str  # names the sheet in messages: "the portals survey"
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # a later record with the same key replaces the earlier one
    unit_column: str  # the old unit a row belongs to (prefilled in templates when `prefilled`)
    prefilled: bool = True
    rules: Callable[[dict[str, Value]], list[Problem]] = _no_rules
    # (column, message) of a value no two records share besides the key; the message may name
    # {value}, {other} (where the first record is) and {other_key} (its key)
    unique: tuple[tuple[str, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if not column.required) + INFO_COLUMNS

    @property
    def template_columns(self) -> tuple[str, ...]:
        """The unit and what names it first, so a sheet reads as a list of units to fill in."""
        rest = tuple(name for name in self.column_names if name != self.unit_column)
        return (self.unit_column, *INFO_COLUMNS, *rest)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def key_of(self, values: dict[str, Value]) -> tuple[Value, ...]:
        return tuple(values.get(name, "") for name in self.key)


def _edoc_rules(values: dict[str, Value]) -> list[Problem]:
    if ("old_code" in values) == ("holder" in values):
        given = "both" if "old_code" in values else "neither"
        return [("old_code", f"{given} old_code and holder given; a code has one holder",
                 "old_code for an old commune or district, holder for another agency (a department)")]
    return []


def _equipment_rules(values: dict[str, Value]) -> list[Problem]:
    problems: list[Problem] = []
    handed_to = "to_commune_code" in values
    if handed_to and "to_room" not in values:
        problems.append(("to_room", "required when to_commune_code is given", "gov or party"))
    for column in ("to_room", "handover_date"):
        if column in values and not handed_to:
            problems.append((column, "needs to_commune_code: the commune the item goes to", None))
    if "handover_date" in values and "handover_record" not in values:
        problems.append(("handover_record", "required when handover_date is given",
                         "the number of the handover minutes (biên bản bàn giao)"))
    if "handover_record" in values and "handover_date" not in values:
        problems.append(("handover_date", "required when handover_record is given", "YYYY-MM-DD"))
    return problems


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "portals", "the portals survey",
            (
                Column("old_code", old_unit, required=True),
                Column("url", url, required=True),
                Column("host", text),
                Column("cms", text),
                Column("last_updated", date),
                Column("contact", text),
                Column("note", text),
            ),
            key=("old_code", "url"), unit_column="old_code",
        ),
        Kind(
            "vc_endpoints", "the video-conference endpoints survey",
            (
                Column("old_code", old_unit, required=True),
                Column("room", one_of(*VC_ROOMS), required=True),
                Column("account", text, required=True),
                Column("address", ipv4),
                Column("equipment_serial", text),
                Column("provider", text),
                Column("status", one_of(*ENDPOINT_STATUSES)),
                Column("note", text),
            ),
            key=("old_code", "account"), unit_column="old_code",
            unique=(("address", "{value} is also the address of the endpoint at {other}"),),
        ),
        Kind(
            "data_lines", "the data lines survey",
            (
                Column("old_code", old_unit, required=True),
                Column("line_id", text, required=True),
                Column("provider", text),
                Column("bandwidth_mbps", count),
                Column("postal_address", text),
                Column("link_prefix", link_prefix),
                Column("status", one_of(*LINE_STATUSES)),
                Column("note", text),
            ),
            key=("line_id",), unit_column="old_code",
        ),
        Kind(
            "mail_domains", "the mail domains survey",
            (
                Column("old_code", old_unit, required=True),
                Column("domain", domain, required=True),
                Column("mail_host", text),
                Column("mailboxes", count),
                Column("note", text),
            ),
            key=("domain",), unit_column="old_code",
        ),
        Kind(
            "edoc_codes", "the e-ID codes survey",
            (
                Column("edoc_code", edoc_code, required=True),
                Column("old_code", old_unit),
                Column("holder", text),
                Column("note", text),
            ),
            key=("edoc_code",), unit_column="old_code", rules=_edoc_rules,
            unique=(("old_code", "{value} already has e-ID code {other_key} at {other}"),),
        ),
        Kind(
            "equipment", "the video-conference equipment register",
            (
                Column("serial", text, required=True),
                Column("item", text, required=True),
                Column("from_old_code", old_unit, required=True),
                Column("to_commune_code", new_unit),
                Column("to_room", one_of(*VC_ROOMS)),
                Column("handover_date", date),
                Column("handover_record", text),
                Column("note", text),
            ),
            # Items are many per unit and the sheet lists them as they are counted: no prefilled rows.
            key=("serial",), unit_column="from_old_code", prefilled=False, rules=_equipment_rules,
        ),
    )
}
