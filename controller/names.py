"""The one implementation of the naming rules (labels, group names, province matching).

Every comparison of Vietnamese names goes through `normalize` first: the same
unit spelled in NFC and in NFD (as some spreadsheets and old systems write it)
must be the same unit. The filter plugin and the accounts workstream import
this module rather than re-implementing any of it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_LABEL_LENGTH = 63  # RFC 1035 label limit

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
_NOT_LABEL = re.compile(r"[^a-z0-9]")
_NOT_GROUP = re.compile(r"[^a-z0-9_]+")


# The naming functions are pure and called for the same few thousand names over and over
# (every row of a province repeats its province and district names): cache them.
@lru_cache(maxsize=65536)
def normalize(name: str) -> str:
    """NFC, whitespace collapsed to single spaces, stripped: the form names are stored and compared in."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", name)).strip()


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


def label(name: str) -> str:
    """ASCII DNS label of a unit name: "Phường Mũi Né" -> "muine", "Xã Đắk Mil" -> "dakmil"."""
    folded = _NOT_LABEL.sub("", ascii_fold(strip_type(name)))
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
    return _NOT_LABEL.sub("", ascii_fold(strip_type(name)))


def province_label(name: str) -> str:
    """Province label used in domains and group names, e.g. "Lâm Đồng" -> "lamdong"."""
    return label(name)
