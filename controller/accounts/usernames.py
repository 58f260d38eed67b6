"""The username rule: given name + initials of the family and middle names, lowercase ASCII.

Kinh names are written family, middle(s), given: "Nguyễn Thanh Phương" -> `phuongnt`,
"Trần Thị Đào" -> `daott` (`đ` has no Unicode decomposition; `controller.names.ascii_fold`
maps it), "Tôn Nữ Thị Hà" -> `hatnt`. Which words are the given name in names of the Central
Highlands peoples is `name_order`'s rule ("Y Ngông Niê Kdăm" -> `yngongnk`); a name it cannot
place is refused and the staff list gives `given_name` or `username`. Homonyms in one commune
get 2, 3, ... from the second on.

A username is a valid mail local part and LDAP uid (`a-z0-9`, starts with a letter, 2-32
characters) and never a role or system mailbox (`RESERVED`).
"""

from __future__ import annotations

import re

from unidecode import unidecode

from controller.accounts.name_order import Reading, read_name
from controller.names import ascii_fold, normalize

USERNAME = re.compile(r"^[a-z][a-z0-9]{1,31}$")
MAX_LENGTH = 32  # comfortably under every mail system's local-part limit and LDAP uid habits
_NOT_ALNUM = re.compile(r"[^a-z0-9]")

# Never issued, derived or asked for. RFC 2142 role mailboxes; RFC 5321 postmaster; the
# addresses bounces and automated mail come from; accounts of the servers' own software
# (root, the mail and directory daemons, the mail role's master user `mailadmin`, `vmail`).
# Debian's `mail`, `man` and `bin` are not here: commune mail domains are virtual (no local
# delivery to system users), and Kinh names fold to them ("Lê Mai" -> `mail`).
RESERVED = frozenset({
    # RFC 2142
    "info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster",
    "hostmaster", "usenet", "news", "webmaster", "www", "uucp", "ftp",
    # mail system, bounces, automated senders
    "mailerdaemon", "noreply", "donotreply", "nobody", "bounce", "bounces", "dmarc", "dmarcreports",
    "listmaster", "majordomo", "mailadmin", "vmail",
    # administrators and system accounts
    "root", "admin", "administrator", "admins", "sysadmin", "system", "daemon", "operator",
    "ldap", "openldap", "slapd", "postfix", "dovecot", "dovenull", "opendkim", "sshd", "ssl",
})


def fold_word(word: str) -> str:
    """One name word in ASCII, every letter kept: "Đào" -> "dao", "H'Hen" -> "hhen", "Łucja" ->
    "lucja", "Æsa" -> "aesa" (Unidecode for letters without a decomposition; apostrophes and
    hyphens dropped)."""
    return _NOT_ALNUM.sub("", unidecode(ascii_fold(word)).lower())


def name_words(full_name: str) -> list[str]:
    """The words of a name that still carry a letter once folded (stray punctuation is not a word)."""
    return [word for word in normalize(full_name).split(" ") if fold_word(word)]


def reading(full_name: str, given_name: str | None = None) -> Reading:
    """Which words are the given name (`name_order.read_name`); ValueError (NameNotReadable
    among them) when the name cannot be read."""
    words = name_words(full_name)
    if not words:
        raise ValueError("the name has no letters once folded to ASCII")
    return read_name(words, given_name)


def compose(read: Reading) -> str:
    """The given name folded, then the initials of the other words as written."""
    username = "".join(fold_word(word) for word in read.given) + "".join(
        fold_word(word)[0] for word in read.others
    )
    return username[:MAX_LENGTH]


def base_username(full_name: str, given_name: str | None = None) -> str:
    """The username before any homonym suffix. ValueError when the name cannot be read or gives
    no username that starts with a letter (`problem` says whether it may be issued)."""
    username = compose(reading(full_name, given_name))
    if not username[:1].isalpha():
        raise ValueError("the username would not start with a letter")
    return username


def problem(username: str) -> str | None:
    """Why `username` cannot be issued, or None."""
    if len(username) < 2:
        return "is shorter than 2 characters"
    if not USERNAME.match(username):
        return "is not 2-32 of a-z, 0-9 starting with a letter"
    if username in RESERVED:
        return "is a reserved role or system mailbox (RFC 2142, postmaster, root...)"
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
    return problem(value) is None
