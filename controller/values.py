"""Typed values of the input files: one parser per kind, each saying what is wrong and how to fix it.

Every parser takes the value as YAML gave it (a str, or an int, date... when YAML
resolved it so) and returns the typed value or raises `BadValue(message, hint)`;
`controller.yamlreader.YamlReader` turns that into `FILE:LINE [key] message (fix: hint)`.
These values end up in host_vars, DNS records, slapd's and nginx's configuration: a
value that is not what its key says must stop at validation, never reach a host.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from netaddr import AddrFormatError, IPAddress, IPNetwork

from controller.errors import UserError
from controller.ldapdn import DnError, parse_dn


class BadValue(ValueError):
    """A value of the wrong kind: the message says what is wrong, the hint how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def _text(value: Any, kind: str, example: str) -> str:
    if not isinstance(value, str):
        raise BadValue(f"expected {kind}, got {value!r}", f"write it as text, e.g. {example!r}")
    return value


def ipv4_network(value: Any) -> IPNetwork:
    """An IPv4 prefix without host bits, e.g. 10.64.0.0/14."""
    text = str(value)
    try:
        if "/" not in text:
            raise AddrFormatError("no prefix length")
        network = IPNetwork(text)
    except (AddrFormatError, ValueError, TypeError):
        raise BadValue(f"invalid CIDR prefix {value!r}", "write it like 10.64.0.0/14") from None
    if network.version != 4:
        raise BadValue(f"{network} is not IPv4")
    if network.network != network.ip:
        raise BadValue(f"{value} has host bits set", f"use {network.cidr}")
    return network


def ipv4_address(value: Any) -> IPAddress:
    """An IPv4 address (`/32` allowed), e.g. 10.240.0.11."""
    text = str(value)
    if text.endswith("/32"):
        text = text[:-3]
    try:
        address = IPAddress(text)
    except (AddrFormatError, ValueError, TypeError):
        raise BadValue(f"invalid IPv4 address {value!r}") from None
    if address.version != 4:
        raise BadValue(f"{value} is not IPv4")
    return address


def ipv6_address(value: Any) -> IPAddress:
    """A global or unique-local IPv6 unicast address a host can be reached at, e.g. fd68::41."""
    text = _text(value, "an IPv6 address", "fd68::41")
    try:
        address = IPAddress(text)
    except (AddrFormatError, ValueError, TypeError):
        alone = text.partition("/")[0]
        if alone != text and _parses(alone):
            raise BadValue(f"{text!r} has a prefix length", f"write the address alone: {alone}") from None
        raise BadValue(f"invalid IPv6 address {text!r}", "write it like fd68::41") from None
    if address.version != 6:
        raise BadValue(f"{text} is an IPv4 address where an IPv6 address is expected", "e.g. fd68::41")
    if address.is_ipv4_mapped() or address.is_ipv4_compat():
        raise BadValue(f"{text} is an IPv4 address written as IPv6", "give the host's own IPv6 address")
    for test, what in (
        (address.is_multicast, "a multicast"),
        (address.is_loopback, "the loopback"),
        (address.is_link_local, "a link-local"),
        (lambda: int(address) == 0, "the unspecified"),
    ):
        if test():
            raise BadValue(f"{text} is {what} address, not one a host can be reached at")
    return address


def _parses(text: str) -> bool:
    try:
        IPAddress(text)
    except (AddrFormatError, ValueError, TypeError):
        return False
    return True


_MAC = re.compile(r"^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$")


def mac_address(value: Any) -> str:
    """A unicast MAC address, as lower-case colon-separated hex (02:4d:00:00:00:01)."""
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads 12:34:56:10:20:30 unquoted as a base-60 number.
        raise BadValue(f"expected a MAC address, got the number {value}", "put the MAC in quotes")
    text = _text(value, "a MAC address", "02:4d:00:00:00:01").lower()
    if not _MAC.match(text):
        raise BadValue(f"invalid MAC address {value!r}", "six hex pairs and ':', e.g. 02:4d:00:00:00:01")
    text = text.replace("-", ":")
    if text == "ff:ff:ff:ff:ff:ff":
        raise BadValue(f"{text} is the broadcast address, not a device's MAC")
    if int(text[:2], 16) & 1:
        raise BadValue(f"{text} is a multicast MAC (its first byte is odd)", "a device's MAC is unicast")
    if text == "00:00:00:00:00:00":
        raise BadValue(f"{text} is not a device's MAC")
    return text


def http_url(value: Any) -> str:
    """An absolute http:// or https:// URL with a host and no credentials."""
    text = _text(value, "a URL", "https://sms.example.vn/api")
    hint = "an http:// or https:// address, e.g. https://sms.example.vn/api"
    if any(char.isspace() or not char.isprintable() for char in text):
        raise BadValue(f"URL {text!r} contains spaces or control characters", hint)
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https"):
        scheme = f"{parts.scheme}:" if parts.scheme else "no scheme"
        raise BadValue(f"URL {text!r} has {scheme}; only http and https are allowed", hint)
    try:
        port = parts.port
    except ValueError:
        raise BadValue(f"URL {text!r} has an invalid port", hint) from None
    del port
    if parts.username is not None or parts.password is not None:
        raise BadValue(f"URL {text!r} contains a user name or password",
                       "keep credentials out of province.yml (it is under version control)")
    if not parts.hostname or not _valid_host(parts.hostname):
        raise BadValue(f"URL {text!r} has no valid host name", hint)
    return text


def _valid_host(host: str) -> bool:
    try:
        IPAddress(host)
        return True
    except (AddrFormatError, ValueError):
        return valid_domain(host, minimum_labels=1)


def ldap_dn(value: Any) -> str:
    """An LDAP DN in RFC 4514 string form, e.g. dc=lamdong,dc=gov,dc=vn (kept as written)."""
    text = _text(value, "an LDAP DN", "dc=lamdong,dc=gov,dc=vn")
    try:
        parse_dn(text)
    except DnError as error:
        raise BadValue(
            f"invalid LDAP DN {text!r}: {error}",
            "attribute=value pairs separated by ',' without spaces, e.g. dc=lamdong,dc=gov,dc=vn; "
            "escape , + \" \\ < > ; in a value with a backslash",
        ) from None
    return text


_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")


def calendar_date(value: Any) -> dt.date:
    """A date: YAML's own (2025-06-05 unquoted) or text YYYY-MM-DD; impossible days say why."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    found = _DATE.match(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
        if not 1 <= month <= 12:
            raise BadValue(f"invalid date {text!r}: there is no month {month}", "write YYYY-MM-DD")
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            month_name = calendar.month_name[month]
            raise BadValue(f"invalid date {text!r}: {month_name} {year} has {days} days")
        return dt.date(year, month, day)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadValue(f"invalid date {value!r}", "write YYYY-MM-DD") from None


_DOMAIN_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")


def valid_domain(value: str, minimum_labels: int = 2) -> bool:
    """Lower-case ASCII host name of `minimum_labels` or more labels, no trailing dot."""
    if not value or len(value) > 253 or value.endswith("."):
        return False
    labels = value.split(".")
    return len(labels) >= minimum_labels and all(_DOMAIN_LABEL.match(part) for part in labels)


# A person's contact as people write it on a form; the mailbox or number is not checked to exist.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")


def valid_email(value: str) -> bool:
    """`name@domain.tld`: one @, no spaces."""
    return bool(_EMAIL.match(value))


def valid_phone(value: str) -> bool:
    """6 to 20 digits, spaces, dots, dashes or parentheses, an optional leading + (0913 456 789, +84 ...)."""
    return bool(_PHONE.match(value))


def option_date(text: str | None, option: str) -> dt.date | None:
    """A command-line date option (`--today`, `--date`): None when not given."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None
