"""The one implementation of the naming rules: labels, domains, keys, host and group names.

Every comparison of Vietnamese names goes through `normalize` first: the same
unit spelled in NFC and in NFD (as some spreadsheets and old systems write it)
must be the same unit. The filter plugins, the allocator and every workstream
use this module rather than re-implementing any of it, so it imports nothing
beyond the standard library: the filter plugins load this very file inside
ansible-playbook (by path from a checkout; in the collection vngov.mergectl,
scripts/build-collection.sh ships it unchanged as plugins/plugin_utils/names.py),
where the controller package and its dependencies may not be installed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the model must not become a runtime import of the filters
    from controller.model import OldDistrict

MAX_LABEL_LENGTH = 63  # RFC 1035 label limit
# The parent of a province's domain when province.yml gives none (lamdong.gov.vn).
GOV_DOMAIN = "gov.vn"
# Host names of the province's servers are labels under the province domain too.
RESERVED_LABELS = frozenset(
    {"www", "mail", "ns1", "ns2", "ldap", "portal", "archive", "core1", "autodiscover"}
)

# Longest first so that "Thị trấn" wins over a hypothetical shorter prefix and
# "Thành phố" is tried before anything starting with "Th".
_TYPE_PREFIXES = (
    "thanh pho",
    "thi tran",
    "dac khu",
    "thi xa",
    "phuong",
    "huyen",
    "quan",
    "tinh",
    "xa",
)

_WHITESPACE = re.compile(r"\s+")
# A zero-width space that a web form put where a space was ("Thanh\u200bPhương"): between a
# letter and a capital it separates two words; anywhere else it is dropped like every other
# invisible character.
_ZWSP_BETWEEN_WORDS = re.compile(r"(?<=\w)\u200b+(?=[^\W\d_])")
_NOT_LABEL = re.compile(r"[^a-z0-9]")
_NOT_GROUP = re.compile(r"[^a-z0-9_]+")


# The naming functions are pure and called for the same few thousand names over and over
# (every row of a province repeats its province and district names): cache them.
def strip_invisible(text: str) -> str:
    """`text` without formatting characters (Unicode category Cf: zero-width spaces and joiners,
    bidi controls, soft hyphens, BOMs). Pasted from web forms and PDFs they are invisible, yet
    they would make "Nguyễn Thanh Phương" and its copy two different names."""
    text = _ZWSP_BETWEEN_WORDS.sub(_space_before_capital, text)
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def _space_before_capital(match: re.Match[str]) -> str:
    following = match.string[match.end() : match.end() + 1]
    return " " if following.isupper() else ""


@lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """NFC, invisible characters removed (`strip_invisible`), whitespace (NBSP too) collapsed to
    single spaces, stripped: the form names are stored and compared in."""
    return _WHITESPACE.sub(" ", strip_invisible(unicodedata.normalize("NFC", name))).strip()


@lru_cache(maxsize=65536)
def ascii_fold(text: str) -> str:
    """Lowercase ASCII-ish text without diacritics; `đ`/`Đ` become `d` (they have no decomposition)."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return stripped.lower()


@lru_cache(maxsize=65536)
def _split_type(name: str) -> tuple[str, str]:
    """(type prefix as written, rest) of a normalised name; the prefix is "" when there is none."""
    name = normalize(name)
    words = name.split(" ")
    folded_words = ascii_fold(name).split(" ")
    for prefix in _TYPE_PREFIXES:
        prefix_words = prefix.split(" ")
        count = len(prefix_words)
        # Only strip when something remains: "Xã" alone is not a prefix of nothing.
        if folded_words[:count] == prefix_words and len(words) > count:
            return " ".join(words[:count]), " ".join(words[count:])
    return "", name


def unit_type(name: str) -> str:
    """The type prefix as written ("Phường", "Xã", "Đặc khu"...), or "" when the name has none."""
    return _split_type(name)[0]


def strip_type(name: str) -> str:
    """The name without its leading type prefix (Xã, Phường, Thị trấn, Đặc khu, Huyện, ...), NFC."""
    return _split_type(name)[1]


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """`ascii_fold` keeping only a-z and 0-9: "H'Hen" -> "hhen", "Huyện Kỳ Anh" -> "huyenkyanh"."""
    return _NOT_LABEL.sub("", ascii_fold(text))


@lru_cache(maxsize=65536)
def label(name: str) -> str:
    """ASCII DNS label of a unit name: "Phường Mũi Né" -> "muine", "Xã Đắk Mil" -> "dakmil"."""
    folded = fold(strip_type(name))
    if not folded:
        raise ValueError(f"name {name!r} gives an empty DNS label")
    return folded[:MAX_LABEL_LENGTH]


def group_name(*parts: str) -> str:
    """An Ansible group name from parts: ascii-folded, `[a-z0-9_]` only, parts joined by `_`."""
    cleaned = [_NOT_GROUP.sub("_", ascii_fold(part)).strip("_") for part in parts]
    joined = "_".join(part for part in cleaned if part)
    joined = re.sub(r"_+", "_", joined)
    if not joined:
        raise ValueError(f"parts {parts!r} give an empty group name")
    if joined[0].isdigit():
        # Ansible warns about group names that are not valid Python identifiers.
        joined = f"g_{joined}"
    return joined


def province_key(name: str) -> str:
    """Key to match province names: "Lâm Đồng", "lam dong", "Tỉnh Lâm Đồng", "LAMDONG" all give "lamdong"."""
    return fold(strip_type(name))


def province_label(name: str) -> str:
    """Province label used in domains and group names, e.g. "Lâm Đồng" -> "lamdong"."""
    return label(name)


# --------------------------------------------------------------------------- commune labels


def with_suffix(base: str, suffix: str) -> str:
    """`base` + `suffix`, `base` shortened so that the label stays within 63 characters."""
    return base[: MAX_LABEL_LENGTH - len(suffix)] + suffix


def choose_label(name: str, district_label: str, taken: set[str]) -> tuple[str, str | None]:
    """(label, note) of a new commune; the note says why it is not the bare label.

    A label already held (by a commune in the state, a quarantined domain, or a reserved
    server name) is never given again. When the bare label is taken, the commune gets the
    bare label plus the label of the old district of its primary old unit ("phuochoi" +
    "tanhphuoc" -> "phuochoitanhphuoc"); when that is taken too, or the district label is
    the bare label itself, the bare label plus the first free number from 2 ("phuochoi2").
    The allocator labels new communes in code order, so the lowest code wins the bare
    label, and labels already in the state never move.
    """
    base = label(name)
    if base not in taken:
        return base, None
    # A district named like the commune adds nothing a reader can use ("sonhasonha"): number it.
    candidate = with_suffix(base, district_label) if district_label and district_label != base else ""
    if candidate and candidate not in taken:
        return candidate, f"bare label {base!r} is taken; suffixed with the old district label"
    number = 2
    while with_suffix(base, str(number)) in taken:
        number += 1
    return with_suffix(base, str(number)), f"bare label {base!r} is taken; numbered"


# --------------------------------------------------------------------------- old districts


def district_key(district: OldDistrict) -> str:
    """How the state and province.yml name an old district without a code: "<old province>/<name>"."""
    return f"{district.province}/{district.name}"


def district_labels(districts: Iterable[OldDistrict]) -> dict[str, str]:
    """Label of every old district (by `district_key`), unique inside its old province.

    Two districts of one old province can fold to the same label (Hà Tĩnh had
    both "Thị xã Kỳ Anh" and "Huyện Kỳ Anh"): those keep their type in the label.
    """
    by_province: dict[str, dict[str, list[OldDistrict]]] = defaultdict(lambda: defaultdict(list))
    for district in districts:
        by_province[district.province][label(district.name)].append(district)
    labels: dict[str, str] = {}
    for groups in by_province.values():
        for base, same in groups.items():
            for district in same:
                labels[district_key(district)] = base if len(same) == 1 else fold(district.name)
    return labels


# --------------------------------------------------------------------------- domains


def province_domain(province: str) -> str:
    """The domain a province has unless province.yml says otherwise: "Lâm Đồng" -> "lamdong.gov.vn"."""
    return f"{province_label(province)}.{GOV_DOMAIN}"


def domain_dn(domain: str) -> str:
    """The LDAP base DN of a domain: "lamdong.gov.vn" -> "dc=lamdong,dc=gov,dc=vn"."""
    return ",".join(f"dc={part}" for part in domain.split("."))


def subdomain(commune_label: str, domain: str) -> str:
    """A commune's name under a province domain: ("muine", "lamdong.gov.vn") -> "muine.lamdong.gov.vn"."""
    return f"{commune_label}.{domain}"


def old_province_domain(old_province_label: str, domain: str) -> str:
    """The domain of an old province: a sibling of the province's own `domain`.

    ("binhthuan", "lamdong.gov.vn") -> "binhthuan.gov.vn". The allocator puts the old
    units' look-up names under it and the DNS filter serves it as a zone: one rule, so
    the names always fall inside the zone.
    """
    parent = domain.split(".", 1)[1] if "." in domain else domain
    return f"{old_province_label}.{parent}"


def old_district_fqdn(district_label: str, old_province_label: str, domain: str) -> str:
    """Look-up name of an old district: "phanthiet.binhthuan.gov.vn" (`domain`: the province's)."""
    return f"{district_label}.{old_province_domain(old_province_label, domain)}"


def old_unit_fqdn(unit_label: str, district_label: str, old_province_label: str, domain: str) -> str:
    """Look-up name of an old unit, under its district's: "muine.phanthiet.binhthuan.gov.vn"."""
    return f"{unit_label}.{old_district_fqdn(district_label, old_province_label, domain)}"


# --------------------------------------------------------------------------- hosts and groups
# Arguments are labels (`label`, `province_label`, `district_labels`), never raw names.


def gateway_host(commune_label: str) -> str:
    return f"{commune_label}-gw"


def client_host(commune_label: str) -> str:
    return f"{commune_label}-client"


def party_client_host(commune_label: str) -> str:
    """The lab's client on the commune's Party VLAN."""
    return f"{commune_label}-party-client"


def label_of_gateway(host: str) -> str:
    """The commune label a gateway host name carries (the inverse of gateway_host)."""
    return host.removesuffix("-gw")


def old_unit_peer_key(code: str) -> str:
    """Key of an old unit's data-line endpoint on the core (its networkd drop-in peer-<key>.conf)."""
    return f"old-{code}"


def old_district_peer_key(old_province_label: str, district_label: str) -> str:
    """Key of an old district's data-line endpoint on the core."""
    return f"district-{old_province_label}-{district_label}"


def old_district_host(old_province_label: str, district_label: str) -> str:
    return f"old-{old_province_label}-{district_label}"


def old_district_group(old_province_label: str, district_label: str) -> str:
    return f"district_{old_province_label}_{district_label}"


def successor_group(old_province_label: str, district_label: str) -> str:
    """The group of the new communes that draw on an old district: "from_binhthuan_phanthiet"."""
    return f"from_{old_province_label}_{district_label}"


def retired_unit_name(district_label: str, old_province_label: str) -> str:
    """The directory's name for a retired old district: "phanthiet-binhthuan"."""
    return f"{district_label}-{old_province_label}"


def vm_name(system: str, commune_label: str) -> str:
    """An Integration Centre VM of a commune: ("idesk", "muine") -> "idesk-muine"."""
    return f"{system}-{commune_label}"
