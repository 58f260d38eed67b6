"""The archive's access rules: who may read which old host, paths as nginx serves them, and the
/_auth answers nginx acts on (a stand-in directory; molecule -s decommission binds to slapd)."""

from __future__ import annotations

import base64
import io
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, load_source

FILES = ROOT / "roles/archive_server/files"


auth = load_source("archive_auth", FILES / "archive_auth.py")
search = load_source("archive_search", FILES / "archive_search.py")

BASE = "dc=lamdong,dc=gov,dc=vn"
SETTINGS = auth.Settings(
    uri="ldap://ldap1",
    starttls=True,
    ca_file="",
    base_dn=BASE,
    bind_dn=f"cn=archive,ou=services,{BASE}",
    bind_password="x",
    archivist_groups=(f"cn=archivists,ou=services,{BASE}",),
    officer_group=f"cn=admins,ou=groups,ou={{commune}},ou=communes,{BASE}",
    successors={
        "old-binhthuan-hamthuanbac": ("hamthuan", "hamthuanbac"),
        "old-binhthuan-hamtan": ("lagi", "tanhai"),
    },
)


def test_archivists_read_every_host() -> None:
    assert auth.scope_for([f"CN=Archivists, ou=services,{BASE}"], SETTINGS) == ("*",)


def test_an_it_officer_reads_the_hosts_their_commune_succeeds() -> None:
    groups = [
        f"cn=admins,ou=groups,ou=hamthuan,ou=communes,{BASE}",
        f"cn=staff,ou=groups,ou=lagi,ou=communes,{BASE}",
    ]
    assert auth.scope_for(groups, SETTINGS) == ("old-binhthuan-hamthuanbac",)


@pytest.mark.parametrize(
    "groups",
    [
        [],
        [f"cn=staff,ou=groups,ou=hamthuan,ou=communes,{BASE}"],  # staff, not the IT officer
        [
            f"cn=admins,ou=groups,ou=muine,ou=communes,{BASE}"
        ],  # IT officer of a commune with no predecessor here
        ["cn=admins,ou=groups,ou=hamthuan,ou=communes,dc=other,dc=gov,dc=vn"],  # another directory tree
    ],
)
def test_everyone_else_reads_nothing(groups: list[str]) -> None:
    assert auth.scope_for(groups, SETTINGS) == ()


@pytest.mark.parametrize(
    ("scope", "path", "allowed"),
    [
        (("*",), "/files/old-binhthuan-hamtan/a.pdf", True),
        (("old-binhthuan-hamthuanbac",), "/files/old-binhthuan-hamthuanbac/documents/a.pdf", True),
        (("old-binhthuan-hamthuanbac",), "/files/old-binhthuan-hamtan/a.pdf", False),
        (("old-binhthuan-hamthuanbac",), "/files/", True),  # the listing shows only the scope
        (("old-binhthuan-hamthuanbac",), "/search", True),  # results filtered to the scope
        (("old-binhthuan-hamthuanbac",), "/files/old-binhthuan-hamthuanbac", True),
        (("old-binhthuan-hamthuanbac",), "/files/old-binhthuan-hamthuanbacx/a", False),
        (("*",), "/other", False),
        ((), "/search", False),
        ((), "/files/", False),
    ],
)
def test_may_read(scope: tuple[str, ...], path: str, allowed: bool) -> None:
    assert auth.may_read(scope, path) is allowed


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        ("/files/h/V%C4%83n%20b%E1%BA%A3n.pdf?x=1", "/files/h/Văn bản.pdf"),
        ("/files/h/x/../../other/a.pdf", "/files/other/a.pdf"),
        ("/files/h/%2e%2e/other/a.pdf", "/files/other/a.pdf"),
        ("/files//other/./a.pdf", "/files/other/a.pdf"),
        ("//files/h/", "/files/h/"),
        ("/files/h/", "/files/h/"),
        ("/search?q=a%2Fb", "/search"),
        ("/files/h/a%0Ab", None),  # a control character could split a header
        ("/files/h/%FF", None),  # not UTF-8
        ("files/h", None),
    ],
)
def test_request_path_is_what_nginx_serves(raw: str, path: str | None) -> None:
    assert search.request_path(raw) == path


class FakeDirectory:
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str]] = []

    def identify(self, login: str, password: str) -> Any:
        self.asked.append((login, password))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def ask(directory: Any, uri: str, login: str | None = None, password: str = "") -> tuple[int, dict[str, str]]:
    """Run the handler on one /_auth request as nginx sends it; (status, headers)."""
    lines = ["GET /_auth HTTP/1.0", f"X-Original-URI: {uri}"]
    if login is not None:
        token = base64.b64encode(f"{login}:{password}".encode()).decode()
        lines.append(f"Authorization: Basic {token}")
    raw = ("\r\n".join(lines) + "\r\n\r\n").encode()

    class Handler(search.Handler):
        def __init__(self) -> None:
            self.rfile = io.BytesIO(raw)
            self.wfile = io.BytesIO()
            self.client_address = ("127.0.0.1", 0)
            self.server = None
            self.request_version = "HTTP/1.0"

    Handler.directory = directory
    handler = Handler()
    handler.handle_one_request()
    head = handler.wfile.getvalue().decode("latin-1").split("\r\n\r\n")[0].split("\r\n")
    status = int(head[0].split()[1])
    headers = dict(line.split(": ", 1) for line in head[1:])
    return status, headers


MEMBER = auth.Identity(
    uid="hungnv",
    dn=f"uid=hungnv,ou=people,ou=hamthuan,ou=communes,{BASE}",
    scope=("old-binhthuan-hamthuanbac",),
)


def test_anonymous_gets_a_basic_challenge_and_the_directory_is_not_asked() -> None:
    directory = FakeDirectory(MEMBER)
    directory.identify = lambda login, password: None if not login else MEMBER  # type: ignore[method-assign]
    status, headers = ask(directory, "/files/")
    assert status == 401
    assert headers["WWW-Authenticate"].startswith("Basic realm=")


def test_a_member_is_let_in_with_user_and_scope_for_nginx() -> None:
    status, headers = ask(FakeDirectory(MEMBER), "/files/old-binhthuan-hamthuanbac/a.pdf", "hungnv", "pw")
    assert status == 204
    assert headers["X-Archive-User"] == "hungnv"
    assert headers["X-Archive-Scope"] == "old-binhthuan-hamthuanbac"


def test_a_member_is_refused_another_host_even_through_dot_segments() -> None:
    status, headers = ask(
        FakeDirectory(MEMBER), "/files/old-binhthuan-hamthuanbac/../old-binhthuan-hamtan/a", "hungnv", "pw"
    )
    assert status == 403
    assert headers["X-Archive-User"] == "hungnv"  # the access log names who was refused


def test_outside_the_groups_is_403() -> None:
    outsider = auth.Identity(uid="khachtt", dn="uid=khachtt", scope=())
    assert ask(FakeDirectory(outsider), "/search?q=a", "khachtt", "pw")[0] == 403


def test_wrong_password_is_401() -> None:
    assert ask(FakeDirectory(None), "/search", "hungnv", "wrong")[0] == 401


def test_directory_down_is_503_never_open() -> None:
    assert (
        ask(
            FakeDirectory(auth.DirectoryUnavailable("ldap://ldap1: LDAPSocketOpenError")), "/search", "a", "b"
        )[0]
        == 503
    )


def test_a_password_with_a_colon_reaches_the_directory_whole() -> None:
    directory = FakeDirectory(MEMBER)
    ask(directory, "/search", "hungnv", "a:b:c")
    assert directory.asked == [("hungnv", "a:b:c")]


def test_the_cache_remembers_successes_only(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter([None, MEMBER])
    directory = auth.Directory(SETTINGS)
    calls: list[str] = []

    def fake_ask(login: str, password: str) -> Any:
        calls.append(password)
        return next(answers)

    monkeypatch.setattr(directory, "_ask", fake_ask)
    assert directory.identify("hungnv", "pw") is None
    assert directory.identify("hungnv", "pw") is MEMBER
    assert directory.identify("hungnv", "pw") is MEMBER
    assert calls == ["pw", "pw"]
    assert directory.identify("hungnv", "") is None  # no password: refused without asking


def test_no_service_password_is_unavailable() -> None:
    settings = auth.Settings(**{**SETTINGS.__dict__, "bind_password": ""})
    with pytest.raises(auth.DirectoryUnavailable):
        auth.Directory(settings).identify("hungnv", "pw")


def test_search_results_are_limited_to_the_scope(tmp_path: Path) -> None:
    for host, word in [("old-binhthuan-hamthuanbac", "kênh mương"), ("old-binhthuan-hamtan", "kênh đào")]:
        folder = tmp_path / "published" / host / "documents"
        folder.mkdir(parents=True)
        (folder / "a.txt").write_text(f"Biên bản {word}", encoding="utf-8")
    db = tmp_path / "index.sqlite"
    assert search.build_index(str(tmp_path / "published"), str(db), (".txt",)) == (2, 0)
    hosts = {r["path"].split("/")[0] for r in search.search(str(db), "kenh", ("old-binhthuan-hamthuanbac",))}
    assert hosts == {"old-binhthuan-hamthuanbac"}
    assert len(search.search(str(db), "kênh", ("*",))) == 2
    assert search.search(str(db), "kenh", ()) == []
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM docs").fetchone() == (2,)


def test_archived_links_are_neither_indexed_nor_listed(tmp_path: Path) -> None:
    published = tmp_path / "published"
    mine = published / "old-binhthuan-hamthuanbac" / "documents"
    other = published / "old-binhthuan-hamtan" / "documents"
    for folder in (mine, other):
        folder.mkdir(parents=True)
    (other / "mật.txt").write_text("bí mật Tân Hải", encoding="utf-8")
    (mine / "link.txt").symlink_to(other / "mật.txt")
    (mine / "folder").symlink_to(other)
    db = tmp_path / "index.sqlite"
    assert search.build_index(str(published), str(db), (".txt",)) == (1, 0)
    assert search.search(str(db), "tan hai", ("old-binhthuan-hamthuanbac",)) == []

    class Handler(search.Handler):
        def __init__(self) -> None:
            self.errors: list[int] = []
            self.headers = {"X-Archive-Scope": "old-binhthuan-hamthuanbac"}

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            self.errors.append(code)

        def _reply(self, body: str, content_type: str) -> None:
            self.errors.append(200)

    Handler.root = str(published)
    handler = Handler()
    handler._listing("/files/old-binhthuan-hamthuanbac/documents/folder/")
    handler._listing("/files/old-binhthuan-hamthuanbac/documents/")
    assert handler.errors == [404, 200]
