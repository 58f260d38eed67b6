"""Which words of a staff member's full name are the given name: Kinh order or a Central Highlands rule.

Kinh names are family, middle(s), given. Names of the Central Highlands peoples are not, and a
wrong reading becomes a permanent username (`Y Ngông Niê Kdăm` read as Kinh gave `kdamynn`),
so a name is read the Kinh way only when nothing in it says otherwise. The rule and its sources
are in docs/mail-accounts.md ("Names of the Central Highlands"):

1. A name shows a Central Highlands sign when a word carries an apostrophe (`H'Hen`, `K'Ré`,
   `N'Tơr`), cannot be a Vietnamese syllable (`Kdăm`, `Mlô`, `Ksor`, `Blang`, `Êban`, `Mah`,
   letters such as č ŭ ƀ), is a clan name that happens to be spelled like one (`Niê`, `Nay`,
   `Siu`, `Ayun`, `Rơ Chăm`...), or when the name begins with a gender marker (no Kinh family
   name is `Y`, `H`, `A` or `Ka`).
2. Without a sign, and without a lone `Y` inside the name, the Kinh reading stands. A name of
   one word is its own given name.
3. With a sign, the one gender marker before the given name places it: `Y`, `H` or `H'` (Ê Đê,
   M'nông, Jrai: `Y` men, `H'` women; Ba Na, Xơ Đăng: `Y` women), `Ka` (Cơ Ho women) and `A`
   (Ba Na, Xơ Đăng men, first word only) with the word after them; `H'Hen`, `K'Ré` (Cơ Ho,
   M'nông men) on their own. The given name keeps its marker, as it is said and written
   ("Y Ngông", "H'Hen").
4. With a sign and no marker, a Jrai name that begins with its clan (`Ksor Phước`, `Nay Phin`,
   `Rơ Chăm Tih`) has the given name last (Jrai write the clan first).
5. Anything else (no marker, two markers, a marker with nothing after it, a lone `Y` inside an
   otherwise Kinh-looking name such as `Nguyen Y Nhi` written without diacritics) is refused
   with FILE:LINE: the staff list gives `given_name` or `username`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from controller.names import fold, normalize

# How the given name was placed (the dry-run table's "how" column).
KINH = "kinh order"
ONE_WORD = "one word"
MARKER = "highlands marker"
CLAN_FIRST = "jrai clan first"
GIVEN_NAME = "given_name"

# The apostrophe as typed, as word processors curl it, and as it is copied from PDFs.
_APOSTROPHES = "'\u2019\u02bc\u2018`\u00b4"
_FUSED_MARKER = re.compile(rf"^[HhKk][{_APOSTROPHES}]\s*\w")
# Markers that stand as a word before the given name; `A` only opens a name (Ba Na and Xơ Đăng
# have no family name), elsewhere it is the Hmong middle `A` ("Giàng A Páo") or an initial.
_MARKERS_ANYWHERE = frozenset({"y", "h", "ka"})
_MARKERS_FIRST = frozenset({"a"})
# Clan names spelled like a Vietnamese syllable (the others fail the syllable test anyway);
# compared without tones but with vowel quality, plus the plain spelling of lists typed without
# diacritics where that spelling is no Kinh name either.
_CLANS = frozenset({"niê", "nie", "nay", "siu", "ayun", "alê"})
_CLAN_PAIRS = frozenset({
    ("rơ", "chăm"), ("rơ", "châm"), ("rơ", "chom"), ("rơ", "com"), ("rơ", "mah"), ("rơ", "ô"),
    ("rơ", "lan"), ("rơ", "mô"), ("ra", "lan"), ("buôn", "yă"), ("buôn", "krông"),
})
# Jrai clans (the first word(s) of a Jrai name, rule 4), written as they are on staff lists.
_JRAI_CLANS = frozenset({
    "ksor", "ksơr", "nay", "kpă", "kpa", "siu", "rchom", "rcom", "rchăm", "rmah", "rahlan", "rlan",
    "puih", "kpuih", "alê", "ale", "rô", "ro", "ayun",
})

_TONES = frozenset({"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"})
_INITIAL = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|k(?=[ieêy])|[bcdđghlmnrstvx])?"
_SYLLABLE = re.compile(rf"^{_INITIAL}[aăâeêioôơuưy]{{1,3}}(?:ch|nh|ng|[cmnpt])?$")


class NameNotReadable(ValueError):
    """The name shows a Central Highlands sign but no rule places its given name."""


@dataclass(frozen=True)
class Reading:
    given: tuple[str, ...]  # the given name's words, as written
    others: tuple[str, ...]  # the family / clan / middle words, in the order written
    rule: str  # KINH | ONE_WORD | MARKER | CLAN_FIRST | GIVEN_NAME


def toneless(word: str) -> str:
    """Lowercase, tone marks off, vowel quality kept: "Chăm" -> "chăm", "Điểu" -> "điêu"."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in _TONES))


def kinh_syllable(word: str) -> bool:
    """Whether every hyphen-separated part of `word` can be one Vietnamese syllable."""
    parts = [part for part in toneless(word).split("-") if part]
    return bool(parts) and all(_SYLLABLE.match(part) for part in parts)


def read_name(words: list[str], given_name: str | None = None) -> Reading:
    """The reading of a name's words (`name_words` of the full name). `given_name`, when the list
    gives it, names the word(s) of the given name. ValueError when `given_name` is not in the
    name; NameNotReadable when rule 5 applies."""
    if given_name:
        return _explicit(words, given_name)
    if len(words) == 1:
        return Reading(tuple(words), (), ONE_WORD)  # its own given name, whoever wrote it
    keys = [_key(word) for word in words]
    signs = _signs(words, keys)
    markers = _markers(words)
    if not signs:
        if markers:
            raise NameNotReadable(
                f"word {markers[0][0] + 1} is a lone 'Y' inside the name: a Central Highlands marker "
                "or a Kinh middle name written without diacritics"
            )
        return Reading(tuple(words[-1:]), tuple(words[:-1]), KINH)
    if len(markers) == 1:
        start, end = markers[0]
        return Reading(tuple(words[start:end]), tuple(words[:start] + words[end:]), MARKER)
    if len(markers) > 1:
        where = ", ".join(str(start + 1) for start, _ in markers)
        raise NameNotReadable(f"the name has several gender markers (words {where})")
    if _jrai_clan_first(words):
        return Reading(tuple(words[-1:]), tuple(words[:-1]), CLAN_FIRST)
    raise NameNotReadable(f"{signs[0]}, and no Y, H', A, Ka or K' marker shows which word is the given name")


def _explicit(words: list[str], given_name: str) -> Reading:
    given_words = normalize(given_name).split(" ")
    target = [fold(word) for word in given_words if fold(word)]
    if not target:
        raise ValueError("the given name has no letters once folded to ASCII")
    folded = [fold(word) for word in words]
    # The last occurrence: a given name repeated earlier as a family name ("Y ... Y") is the later one.
    for start in range(len(folded) - len(target), -1, -1):
        if folded[start : start + len(target)] == target:
            end = start + len(target)
            return Reading(tuple(words[start:end]), tuple(words[:start] + words[end:]), GIVEN_NAME)
    raise ValueError("the given name is not a part of the full name")


def _key(word: str) -> str:
    """A word as the syllable and clan rules compare it: toneless, punctuation off."""
    return "".join(char for char in toneless(word) if char.isalnum() or char == "-")


def _bare(word: str) -> str:
    """A word as the marker rule compares it: lowercase, punctuation off, every diacritic kept,
    so that the Kinh "Ý" (as in "Nguyễn Ý Nhi") is never the marker "Y"."""
    return "".join(char for char in unicodedata.normalize("NFC", word.lower()) if char.isalnum())


def _signs(words: list[str], keys: list[str]) -> list[str]:
    """Why the name is not read the Kinh way (rule 1), in words that quote no part of it."""
    signs = []
    for position, (word, key) in enumerate(zip(words, keys, strict=True)):
        where = f"word {position + 1}"
        if any(char in word for char in _APOSTROPHES):
            signs.append(f"{where} carries an apostrophe")
        elif _bare(word) == "h":
            signs.append(f"{where} is the marker H")
        elif key in _CLANS or (position + 1 < len(keys) and (key, keys[position + 1]) in _CLAN_PAIRS):
            signs.append(f"{where} is a Central Highlands clan name")
        elif len(key) > 1 and any(char.isalpha() for char in key) and not kinh_syllable(key):
            signs.append(f"{where} is not a Vietnamese (Kinh) syllable")
    if len(words) > 1 and _bare(words[0]) in _MARKERS_ANYWHERE | _MARKERS_FIRST:
        signs.append("the name begins with a gender marker")
    return signs


def _markers(words: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each gender marker with the given name it introduces (rule 3)."""
    found = []
    for position, word in enumerate(words):
        bare = _bare(word)
        last = position == len(words) - 1
        if _FUSED_MARKER.match(word) and len(bare) > 1:
            found.append((position, position + 1))
        elif not last and (bare in _MARKERS_ANYWHERE or (position == 0 and bare in _MARKERS_FIRST)):
            found.append((position, position + 2))
    return found


def _jrai_clan_first(words: list[str]) -> bool:
    keys = [_key(word) for word in words]
    return keys[0] in _JRAI_CLANS or (len(keys) > 2 and (keys[0], keys[1]) in _CLAN_PAIRS)
