"""Whose HQ a site is, in the words of the lists people read (Vietnamese first, English)."""

from __future__ import annotations

from controller.names import normalize
from controller.province.model import BOTH_COMMITTEES, PARTY_COMMITTEE, PEOPLE_COMMITTEE

LANGUAGES = ("vi", "en")

HQ_WORDS: dict[str, dict[str, str]] = {
    "vi": {
        PEOPLE_COMMITTEE: "Trụ sở Ủy ban nhân dân",
        PARTY_COMMITTEE: "Trụ sở Đảng ủy",
        BOTH_COMMITTEES: "Trụ sở chung Đảng ủy và Ủy ban nhân dân",
    },
    "en": {
        PEOPLE_COMMITTEE: "People's Committee HQ",
        PARTY_COMMITTEE: "Party committee HQ",
        BOTH_COMMITTEES: "Party committee and People's Committee HQ (one building)",
    },
}

# A value nobody has sent yet: shown as such, never left blank or guessed.
MISSING = {"vi": "(chưa có)", "en": "(missing)"}


def hq_words(hq_of: str, lang: str = "vi") -> str:
    return HQ_WORDS[lang][hq_of]


def names_hq(text: str, hq_of: str) -> bool:
    """Whether `text` is how some language names that HQ (case and spacing aside); a shared
    building is either committee's HQ too (a sheet written before it was found to be shared)."""
    wanted = normalize(text).casefold()
    kinds = (PEOPLE_COMMITTEE, PARTY_COMMITTEE, BOTH_COMMITTEES) if hq_of == BOTH_COMMITTEES else (hq_of,)
    return any(wanted == words[kind].casefold() for words in HQ_WORDS.values() for kind in kinds)
