"""The username rule: given name + initials of the family and middle names, lowercase ASCII.

Kinh names are written family, middle(s), given: "Nguyễn Thanh Phương" -> `phuongnt`,
"Trần Thị Đào" -> `daott` (`đ` has no Unicode decomposition; `controller.names.ascii_fold`
maps it), "Tôn Nữ Thị Hà" -> `hatnt`. Names that do not follow that order (Ê Đê, M'nông,
Jrai... in Đắk Lắk put the given name first: "Y Ngông Niê Kdăm") cannot be guessed: the
staff list says which word is the given name (`given_name` column) or gives the username
outright (`username` column). Homonyms in one commune get 2, 3, ... from the second on.
"""

from __future__ import annotations

import re

from controller.names import fold, normalize

USERNAME = re.compile(r"^[a-z][a-z0-9]{1,31}$")
MAX_LENGTH = 32  # comfortably under every mail system's local-part limit and LDAP uid habits


def fold_word(word: str) -> str:
    """One name word in ASCII: "Đào" -> "dao", "H'Hen" -> "hhen" (apostrophes and hyphens dropped)."""
    return fold(word)


def name_words(full_name: str) -> list[str]:
    """The words of a name that still carry a letter once folded (stray punctuation is not a word)."""
    return [word for word in normalize(full_name).split(" ") if fold_word(word)]


def base_username(full_name: str, given_name: str | None = None) -> str:
    """The username before any homonym suffix.

    `given_name`, when set, names the word(s) that are the given name (for names not in Kinh
    order); the initials are then those of the other words, in the order they are written.
    Raises ValueError when the name folds to nothing or the given name is not in the name.
    """
    words = name_words(full_name)
    if not words:
        raise ValueError("the name has no letters once folded to ASCII")
    if given_name:
        given_words = name_words(given_name)
        if not given_words:
            raise ValueError("the given name has no letters once folded to ASCII")
        position = _find(words, given_words)
        if position is None:
            raise ValueError("the given name is not a part of the full name")
        others = words[:position] + words[position + len(given_words) :]
    else:
        given_words, others = words[-1:], words[:-1]
    username = "".join(fold_word(word) for word in given_words) + "".join(
        fold_word(word)[0] for word in others
    )
    if not username[0].isalpha():
        raise ValueError("the username would not start with a letter")
    return username[:MAX_LENGTH]


def _find(words: list[str], needle: list[str]) -> int | None:
    folded = [fold_word(word) for word in words]
    target = [fold_word(word) for word in needle]
    # The last occurrence: a given name repeated earlier as a family name ("Y ... Y") is the later one.
    for start in range(len(folded) - len(target), -1, -1):
        if folded[start : start + len(target)] == target:
            return start
    return None


def with_suffix(base: str, taken: set[str]) -> str:
    """`base` when free, else `base2`, `base3`, ...: the first one not in `taken` (never reused)."""
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = str(number)
        candidate = base[: MAX_LENGTH - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        number += 1


def valid_username(value: str) -> bool:
    return bool(USERNAME.match(value))
