#!/usr/bin/python3
"""Index and search the verified archive of old units, and decide who may read it (nginx auth_request).

    archive_search.py index --root DIR --db FILE [--extensions .txt,.pdf] [--timeout 60] [--max-bytes N]
    archive_search.py serve --db FILE --root DIR --auth-config FILE [--bind 127.0.0.1] [--port 8081]

Search is diacritics-insensitive: text and queries are folded ('sáp nhập' = 'sap nhap').
GET /_auth          (nginx's subrequest; X-Original-URI) 204 + X-Archive-User/-Scope, 401, 403 or 503
GET /search?q=...   an HTML page of results (&format=json: JSON), only what the visitor may read
GET /files/.../     a folder's listing, only what the visitor may read
/search and the listings trust X-Archive-Scope: nginx sets it from /_auth's answer, and the
service listens on loopback only.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import html
import json
import os
import posixpath
import re
import sqlite3
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from archive_auth import ALL, Directory, DirectoryUnavailable, Settings, may_read
from archive_text import EXTRACTORS, ExtractionError, extract, extract_document, fold

SCHEMA = (
    "CREATE VIRTUAL TABLE docs USING fts5(folded_title, folded_body, path UNINDEXED, host UNINDEXED, "
    "title UNINDEXED, body UNINDEXED, tokenize = 'unicode61')"
)


def log(message: str) -> None:
    sys.stderr.write(message + "\n")


def read_text(full: str, name: str, timeout: int, run_as: str | None) -> tuple[str, str]:
    """(title, body) of one file; documents go through their extractor."""
    extension = os.path.splitext(name)[1].lower()
    if extension in EXTRACTORS:
        return os.path.splitext(name)[0], extract_document(full, timeout=timeout, run_as=run_as)
    with open(full, "rb") as handle:
        return extract(name, handle.read())


def build_index(
    root: str,
    db_path: str,
    extensions: tuple[str, ...],
    timeout: int = 60,
    max_bytes: int = 100 << 20,
    run_as: str | None = "nobody",
) -> tuple[int, int]:
    """Rebuild the index into a new file and swap it in, so searches never see half an index.

    A file that cannot be read (too big, broken, an extractor failing) is logged and indexed by
    its name only: one bad document must not keep a district's archive out of the search.
    Returns (documents indexed, documents whose text could not be read).
    """
    temporary = db_path + ".new"
    if os.path.exists(temporary):
        os.remove(temporary)
    con = sqlite3.connect(temporary)
    con.execute(SCHEMA)
    count = failed = 0
    for top, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if not name.lower().endswith(extensions):
                continue
            full = os.path.join(top, name)
            relative = os.path.relpath(full, root)
            if os.path.islink(full):
                # An archived link may point anywhere (/etc/shadow, another district): never read.
                log(f"index: symbolic link not indexed: {relative}")
                continue
            try:
                if os.path.getsize(full) > max_bytes:
                    raise ExtractionError(f"larger than {max_bytes} bytes")
                title, body = read_text(full, name, timeout, run_as)
            except (OSError, ExtractionError) as error:
                log(f"index: text not extracted, indexed by name only: {relative}: {error}")
                title, body = os.path.splitext(name)[0], ""
                failed += 1
            host = relative.split(os.sep, 1)[0]
            con.execute(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                (fold(title + " " + relative), fold(body), relative, host, title, body),
            )
            count += 1
    con.commit()
    con.close()
    os.chmod(temporary, 0o644)
    os.replace(temporary, db_path)
    return count, failed


def fts_query(text: str) -> str:
    """Every folded word must appear (prefix match); quotes keep FTS5 syntax out of user input."""
    words = re.findall(r"\w+", fold(text))
    return " AND ".join(f'"{word}"*' for word in words)


def search(db_path: str, text: str, scope: tuple[str, ...], limit: int = 50) -> list[dict[str, str]]:
    """Results among the old hosts of scope ((ALL,) for every host)."""
    query = fts_query(text)
    if not query or not scope:
        return []
    where, params = "docs MATCH ?", [query]
    if ALL not in scope:
        where += f" AND host IN ({', '.join('?' * len(scope))})"
        params += list(scope)
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            f"SELECT path, title, body FROM docs WHERE {where} ORDER BY rank LIMIT ?", (*params, limit)
        ).fetchall()
    finally:
        con.close()
    return [
        {
            "path": path,
            "title": title,
            "url": "/files/" + urllib.parse.quote(path),
            "snippet": snippet(body, text),
        }
        for path, title, body in rows
    ]


def snippet(body: str, text: str, width: int = 160) -> str:
    folded_body = fold(body)
    words = re.findall(r"\w+", fold(text))
    at = min((folded_body.find(w) for w in words if folded_body.find(w) >= 0), default=0)
    start = max(0, at - width // 3)
    return ("..." if start else "") + " ".join(body[start : start + width].split())


PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>
<body><h1>{title}</h1>{body}</body></html>"""
SEARCH_FORM = """<form action="/search" method="get"><label for="q">Từ khóa</label>
<input id="q" name="q" value="{q}"><button type="submit">Tìm</button></form>{results}"""


def request_path(raw: str) -> str | None:
    """The path nginx serves for a raw request target: query dropped, %-decoded, dot segments and
    repeated slashes resolved (a trailing slash kept); None for control characters or bad UTF-8."""
    path = raw.split("?", 1)[0]
    try:
        path = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if not path.startswith("/") or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
        return None
    normal = posixpath.normpath(path)
    normal = "/" + normal.lstrip("/")  # normpath keeps a leading '//'
    return normal + "/" if path.endswith("/") and normal != "/" else normal


def parse_scope(header: str | None) -> tuple[str, ...]:
    return tuple(header.split()) if header else ()


def basic_credentials(header: str | None) -> tuple[str, str]:
    """(login, password) of an Authorization: Basic header; ('', '') when absent or malformed."""
    if not header or not header.lower().startswith("basic "):
        return "", ""
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    login, _colon, password = decoded.partition(":")
    return login.strip(), password


class Handler(BaseHTTPRequestHandler):
    db_path = ""
    root = ""
    directory: Directory | None = None
    realm = "Kho luu tru"  # ASCII: HTTP header values are Latin-1

    def do_GET(self) -> None:
        path = request_path(self.path)
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        if path is None:
            self.send_error(400)
        elif path == "/_auth":
            self._auth()
        elif path == "/search":
            self._search(urllib.parse.parse_qs(query))
        elif path.startswith("/files/") and path.endswith("/"):
            self._listing(path)
        else:
            self.send_error(404)

    def _auth(self) -> None:
        login, password = basic_credentials(self.headers.get("Authorization"))
        # The raw request target (ASCII on the wire), decoded and normalised as nginx does.
        wanted = request_path(self.headers.get("X-Original-URI", "")) or ""
        if self.directory is None:
            self._empty(503)
            return
        try:
            identity = self.directory.identify(login, password)
        except DirectoryUnavailable as error:
            log(f"auth: directory unavailable: {error}")
            self._empty(503)
            return
        if identity is None:
            self._empty(401, {"WWW-Authenticate": f'Basic realm="{self.realm}", charset="UTF-8"'})
            return
        status = 204 if may_read(identity.scope, wanted) else 403
        self._empty(status, {"X-Archive-User": identity.uid, "X-Archive-Scope": identity.header()})

    def _search(self, params: dict[str, list[str]]) -> None:
        scope = parse_scope(self.headers.get("X-Archive-Scope"))
        if not scope:
            self.send_error(403)
            return
        text = params.get("q", [""])[0]
        try:
            results = search(self.db_path, text, scope) if text else []
        except sqlite3.Error as error:
            self.send_error(503, f"index unavailable: {error}")
            return
        if params.get("format", [""])[0] == "json":
            body = json.dumps({"query": text, "count": len(results), "results": results}, ensure_ascii=False)
            self._reply(body, "application/json; charset=utf-8")
            return
        items = "".join(
            f'<li><a href="{html.escape(r["url"])}">{html.escape(r["title"])}</a> '
            f"<small>{html.escape(r['path'])}</small><p>{html.escape(r['snippet'])}</p></li>"
            for r in results
        )
        listing = f"<p>{len(results)} kết quả</p><ol>{items}</ol>" if text else ""
        form = SEARCH_FORM.format(q=html.escape(text), results=listing)
        self._reply(
            PAGE.format(title="Tra cứu kho lưu trữ các đơn vị cũ", body=form), "text/html; charset=utf-8"
        )

    def _listing(self, path: str) -> None:
        scope = parse_scope(self.headers.get("X-Archive-Scope"))
        if not may_read(scope, path):
            self.send_error(403)
            return
        relative = path[len("/files/") :]
        root = os.path.realpath(self.root)
        host = relative.split("/", 1)[0]
        # Within the requested host's own folder, links resolved: an archived link to another
        # district's folder lists nothing.
        within = os.path.realpath(os.path.join(root, host)) if host else root
        folder = os.path.realpath(os.path.join(root, relative))
        if not (folder == within or folder.startswith(within + os.sep)) or not os.path.isdir(folder):
            self.send_error(404)
            return
        names = sorted(os.listdir(folder))
        if folder == root and ALL not in scope:
            names = [name for name in names if name in scope]
        items = "".join(
            f'<li><a href="{html.escape(urllib.parse.quote(name) + slash)}">'
            f"{html.escape(name + slash)}</a></li>"
            for name in names
            for slash in ["/" if os.path.isdir(os.path.join(folder, name)) else ""]
        )
        self._reply(
            PAGE.format(title=html.escape(path), body=f"<ul>{items}</ul>"), "text/html; charset=utf-8"
        )

    def _empty(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _reply(self, body: str, content_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        # The request line only: headers (credentials) are never logged; nginx keeps the access log.
        if "/_auth" not in (self.requestline or ""):
            log("search: " + format % args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    index = sub.add_parser("index")
    index.add_argument("--root", required=True)
    index.add_argument("--db", required=True)
    index.add_argument("--extensions", default=".txt,.md,.csv,.html,.htm,.pdf,.docx,.odt,.doc")
    index.add_argument("--timeout", type=int, default=60, help="seconds per document extraction")
    index.add_argument(
        "--max-bytes", type=int, default=100 << 20, help="larger files are indexed by name only"
    )
    serve = sub.add_parser("serve")
    serve.add_argument("--db", required=True)
    serve.add_argument("--root", required=True)
    serve.add_argument("--auth-config", required=True)
    serve.add_argument("--bind-password-file", help="the directory password of the service account")
    serve.add_argument("--bind", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    if args.command == "index":
        extensions = tuple(e.strip().lower() for e in args.extensions.split(",") if e.strip())
        count, failed = build_index(args.root, args.db, extensions, args.timeout, args.max_bytes)
        print(
            f"indexed {count} document(s) from {args.root} into {args.db}"
            + (f"; {failed} indexed by name only (see above)" if failed else "")
        )
        return 0
    Handler.db_path, Handler.root = args.db, args.root
    Handler.directory = Directory(Settings.load(args.auth_config, args.bind_password_file))
    ThreadingHTTPServer((args.bind, args.port), Handler).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
