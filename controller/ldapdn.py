"""LDAP distinguished names in the string form of RFC 4514 (e.g. `dc=lamdong,dc=gov,dc=vn`).

No LDAP library is installed with the controller (python-ldap needs the OpenLDAP
client, ldap3 is not packaged for us), and cryptography's X.509 parser knows only
upper-case X.509 attribute names, so this is a small parser of the RFC's grammar:

    distinguishedName = relativeDistinguishedName *( "," relativeDistinguishedName )
    relativeDistinguishedName = attributeTypeAndValue *( "+" attributeTypeAndValue )
    attributeTypeAndValue = attributeType "=" attributeValue
    attributeType = descr / numericoid          ; dc, ou, cn / 0.9.2342.19200300.100.1.25
    attributeValue = string / "#" hexstring

In a string value `, + " \\ < > ;` and NUL must be escaped with a backslash (or as two hex
digits, e.g. `\\2C`), and so must a leading space or `#` and a trailing space. The
directory role writes the DN into slapd's configuration and every entry's DN, so a DN
that only "looks right" (a space after a comma, an unescaped comma in a name) would
fail on the server, mid-run.
"""

from __future__ import annotations

import re

_DESCR = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_NUMERICOID = re.compile(r"(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))+")
_HEXPAIRS = re.compile(r"(?:[0-9A-Fa-f]{2})+")
# What may follow a backslash as itself: RFC 4514 `escaped`, SPACE, SHARP, EQUALS and ESC.
_ESCAPABLE = frozenset('"+,;<> #=\\')
_MUST_ESCAPE = frozenset('"+,;<>\\\x00')


class DnError(ValueError):
    """What is wrong with a DN and where (1-based character position)."""

    def __init__(self, problem: str, position: int) -> None:
        super().__init__(f"{problem} at character {position + 1}")


RelativeName = list[tuple[str, str]]


def parse_dn(text: str) -> list[RelativeName]:
    """The RDNs of `text` (attribute type, decoded value), first RDN first; raises DnError.

    An empty DN is refused: it is valid RFC 4514 (the root DSE) but never a base DN.
    """
    if not text:
        raise DnError("empty DN", 0)
    names: list[RelativeName] = []
    position = 0
    while True:
        name: RelativeName = []
        while True:
            attribute, position = _attribute_type(text, position)
            value, position = _attribute_value(text, position, attribute)
            name.append((attribute, value))
            if position < len(text) and text[position] == "+":
                position += 1
                continue
            break
        names.append(name)
        if position == len(text):
            return names
        position += 1  # a ',': _attribute_value stops only at ',', '+' or the end


def _attribute_type(text: str, position: int) -> tuple[str, int]:
    found = _NUMERICOID.match(text, position) or _DESCR.match(text, position)
    if found is None:
        if position == len(text):
            raise DnError("missing attribute type (e.g. dc=) after the last separator", position)
        if text[position] == " ":
            raise DnError("space before an attribute type (no spaces around ',' '+' '=')", position)
        raise DnError(f"expected an attribute type (e.g. dc, ou, cn), found {text[position]!r}", position)
    end = found.end()
    if end == len(text) or text[end] != "=":
        shown = repr(text[end]) if end < len(text) else "the end"
        raise DnError(f"expected '=' after {found.group()!r}, found {shown}", end)
    return found.group(), end + 1


def _attribute_value(text: str, position: int, attribute: str) -> tuple[str, int]:
    if position < len(text) and text[position] == "#":
        found = _HEXPAIRS.match(text, position + 1)
        end = found.end() if found else position + 1
        if found is None or (end < len(text) and text[end] not in ",+"):
            raise DnError("'#' starts a hex value: pairs of hex digits up to the next ',' or '+'", end)
        return text[position:end], end
    start = position
    value = bytearray()
    last_unescaped_space = False
    while position < len(text) and text[position] not in ",+":
        char = text[position]
        if char == "\\":
            position = _escape(text, position, value)
            last_unescaped_space = False
            continue
        if char in _MUST_ESCAPE:
            raise DnError(f"{char!r} in the value of {attribute} must be escaped as \\{char}", position)
        if char == " " and position == start:
            raise DnError(f"leading space in the value of {attribute} must be escaped as '\\ '", position)
        last_unescaped_space = char == " "
        value += char.encode("utf-8")
        position += 1
    if position == start:
        raise DnError(f"empty value for {attribute}", position)
    if last_unescaped_space:
        raise DnError(f"trailing space in the value of {attribute} must be escaped as '\\ '", position - 1)
    try:
        return value.decode("utf-8"), position
    except UnicodeDecodeError:
        raise DnError(f"the escaped bytes of {attribute} are not UTF-8", start) from None


def _escape(text: str, position: int, value: bytearray) -> int:
    """Append the character a backslash at `position` escapes; the position after the escape."""
    following = text[position + 1 : position + 3]
    if following[:1] and following[0] in _ESCAPABLE:
        value += following[0].encode("utf-8")
        return position + 2
    if len(following) == 2 and _HEXPAIRS.fullmatch(following):
        value.append(int(following, 16))
        return position + 3
    raise DnError("'\\' must be followed by one of , + \" \\ < > ; # = space, or two hex digits", position)
