"""Who may read what in the archive: an LDAP simple bind against the central directory, then groups.

nginx asks (auth_request) with the visitor's Basic credentials and the path. The answer is an
Identity: the uid for the access log and the scope, every old host ("*") for the archivists'
groups, or the old hosts whose successors include a commune the visitor is IT officer of.

- The service account (read-only, ou=services) finds the visitor's entry by uid or mail and their
  groups: the directory's ACLs let a person read only their own entry. The visitor's password is
  checked by binding as them (a disabled account fails its bind: the directory's ACLs).
- TLS is required: ldaps://, or ldap:// with StartTLS; the server's certificate is verified.
- Results are cached briefly by a hash of (login, password); refusals are not cached.
- Any directory failure is DirectoryUnavailable: the caller answers 503, never open.
Passwords never reach a log or an exception message.
"""

from __future__ import annotations

import hashlib
import json
import re
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any

ALL = "*"


class DirectoryUnavailable(Exception):
    """The directory could not answer (down, TLS refused, service account refused): fail closed."""


@dataclass(frozen=True)
class Identity:
    uid: str
    dn: str
    scope: tuple[str, ...]  # (ALL,) or old host folder names; empty: not allowed anywhere

    @property
    def member(self) -> bool:
        return bool(self.scope)

    def header(self) -> str:
        return " ".join(self.scope)


@dataclass(frozen=True)
class Settings:
    uri: str
    starttls: bool
    ca_file: str
    base_dn: str
    bind_dn: str
    bind_password: str
    archivist_groups: tuple[str, ...]
    officer_group: str  # with {commune} where the commune label stands
    successors: dict[str, tuple[str, ...]]  # old host folder -> successor commune labels
    cache_seconds: int = 60
    timeout: int = 5

    @classmethod
    def load(cls, config_path: str, password_path: str | None) -> Settings:
        with open(config_path, encoding="utf-8") as handle:
            raw = json.load(handle)
        password = ""
        if password_path:
            with open(password_path, encoding="utf-8") as handle:
                password = handle.read().strip()
        return cls(
            uri=raw["uri"],
            starttls=bool(raw["starttls"]),
            ca_file=raw["ca_file"],
            base_dn=raw["base_dn"],
            bind_dn=raw["bind_dn"],
            bind_password=password,
            archivist_groups=tuple(raw["archivist_groups"]),
            officer_group=raw["officer_group"],
            successors={host: tuple(labels) for host, labels in raw["successors"].items()},
            cache_seconds=int(raw.get("cache_seconds", 60)),
            timeout=int(raw.get("timeout", 5)),
        )


def normalize_dn(dn: str) -> str:
    """Comparable form of a DN: lower case, no spaces around the separators."""
    return ",".join("=".join(part.strip() for part in rdn.split("=", 1)) for rdn in dn.split(",")).lower()


def officer_pattern(template: str) -> re.Pattern[str]:
    """'cn=admins,ou=groups,ou={commune},ou=communes,BASE' -> a regex capturing the commune label."""
    before, _marker, after = normalize_dn(template).partition("{commune}")
    return re.compile("^" + re.escape(before) + "([^,=]+)" + re.escape(after) + "$")


def scope_for(groups: list[str], settings: Settings) -> tuple[str, ...]:
    """The old hosts a person in these groups may read."""
    mine = {normalize_dn(group) for group in groups}
    if mine & {normalize_dn(group) for group in settings.archivist_groups}:
        return (ALL,)
    pattern = officer_pattern(settings.officer_group)
    communes = {match.group(1) for match in map(pattern.match, mine) if match}
    return tuple(sorted(host for host, labels in settings.successors.items() if communes & set(labels)))


def may_read(scope: tuple[str, ...], path: str) -> bool:
    """Whether a scope covers a request path (/search, /files/, /files/<host>/...)."""
    if not scope:
        return False
    if path == "/search" or path == "/files/":
        return True
    if not path.startswith("/files/"):
        return False
    host = path[len("/files/") :].split("/", 1)[0]
    return bool(host) and host not in (".", "..") and (ALL in scope or host in scope)


class Directory:
    """Checks credentials against the directory, with a short cache of successful checks."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._cache: dict[str, tuple[float, Identity]] = {}
        self._lock = threading.Lock()

    def identify(self, login: str, password: str) -> Identity | None:
        """The visitor's Identity, or None when the login or password is wrong (or the account disabled)."""
        if not login or not password:
            return None
        key = hashlib.sha256(f"{login}\0{password}".encode()).hexdigest()
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(key)
            if cached and cached[0] > now:
                return cached[1]
        identity = self._ask(login, password)
        if identity is not None:
            with self._lock:
                self._cache = {k: v for k, v in self._cache.items() if v[0] > now}
                self._cache[key] = (now + self.settings.cache_seconds, identity)
        return identity

    def _connection(self, user: str, password: str) -> Any:
        import ldap3  # Debian's python3-ldap3 on the archive host; the rules above need none

        settings = self.settings
        tls = ldap3.Tls(
            ca_certs_file=settings.ca_file or None,
            validate=ssl.CERT_REQUIRED,
            version=ssl.PROTOCOL_TLS_CLIENT,
        )
        server = ldap3.Server(
            settings.uri,
            use_ssl=settings.uri.startswith("ldaps://"),
            tls=tls,
            connect_timeout=settings.timeout,
        )
        return ldap3.Connection(
            server,
            user=user,
            password=password,
            authentication=ldap3.SIMPLE,
            receive_timeout=settings.timeout,
            raise_exceptions=False,
            auto_bind=ldap3.AUTO_BIND_NONE,
        )

    def _bind(self, user: str, password: str) -> Any | None:
        """A connection bound as user, None for invalidCredentials (49); every other failure raises."""
        import ldap3

        try:
            connection = self._connection(user, password)
        except ldap3.core.exceptions.LDAPException as error:  # e.g. an unreadable CA file
            raise DirectoryUnavailable(f"{self.settings.uri}: {error}") from None
        try:
            connection.open()
            if (
                self.settings.starttls
                and not self.settings.uri.startswith("ldaps://")
                and not connection.start_tls()
            ):
                raise DirectoryUnavailable(f"{self.settings.uri}: StartTLS refused")
            if connection.bind():
                return connection
            code = connection.result.get("result")
            if code == 49:
                connection.unbind()
                return None
            raise DirectoryUnavailable(
                f"{self.settings.uri}: bind answered {code} {connection.result.get('description')}"
            )
        except ldap3.core.exceptions.LDAPException as error:
            connection.unbind()
            raise DirectoryUnavailable(f"{self.settings.uri}: {type(error).__name__}") from None
        except DirectoryUnavailable:
            connection.unbind()
            raise

    @staticmethod
    def _search(connection: Any, base: str, query: str, attributes: list[str]) -> list[Any]:
        """Entries found (none for noSuchObject); any other failure raises DirectoryUnavailable."""
        import ldap3

        try:
            found = connection.search(base, query, attributes=attributes)
        except ldap3.core.exceptions.LDAPException as error:
            raise DirectoryUnavailable(f"search under {base}: {type(error).__name__}") from None
        code = connection.result.get("result")
        if not found and code not in (0, 32):
            raise DirectoryUnavailable(
                f"search under {base} answered {code} {connection.result.get('description')}"
            )
        return list(connection.entries)

    def _ask(self, login: str, password: str) -> Identity | None:
        settings = self.settings
        if not settings.bind_password:
            raise DirectoryUnavailable("the archive's directory account has no password configured")
        from ldap3.utils.conv import escape_filter_chars

        service = self._bind(settings.bind_dn, settings.bind_password)
        if service is None:
            raise DirectoryUnavailable(f"the directory refused the archive's account {settings.bind_dn}")
        try:
            wanted = escape_filter_chars(login)
            people = self._search(
                service,
                settings.base_dn,
                f"(&(objectClass=inetOrgPerson)(|(uid={wanted})(mail={wanted})))",
                ["uid"],
            )
            if len(people) != 1:
                return None  # unknown, or a uid shared by several communes: log in with the mail address
            dn, uid = people[0].entry_dn, str(people[0].uid.value)
            person = self._bind(dn, password)
            if person is None:
                return None
            person.unbind()
            groups = self._search(
                service,
                settings.base_dn,
                f"(&(objectClass=groupOfNames)(member={escape_filter_chars(dn)}))",
                ["1.1"],
            )
        finally:
            service.unbind()
        return Identity(uid=uid, dn=dn, scope=scope_for([entry.entry_dn for entry in groups], settings))
