#!/usr/bin/python3
"""Index and search the verified archive of old units (stdlib only: sqlite3 FTS5, http.server).

    archive_search.py index --root DIR --db FILE [--extensions .txt,.html]
    archive_search.py serve --db FILE [--bind 127.0.0.1] [--port 8081]

Search is diacritics-insensitive: text and queries are folded ('sáp nhập' = 'sap nhap').
GET /search?q=...         an HTML page of results
GET /search?q=...&format=json   the same as JSON
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sqlite3
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from archive_text import extract, fold

SCHEMA = (
    "CREATE VIRTUAL TABLE docs USING fts5(folded_title, folded_body, path UNINDEXED, title UNINDEXED, "
    "body UNINDEXED, tokenize = 'unicode61')"
)


def build_index(root: str, db_path: str, extensions: tuple[str, ...]) -> int:
    """Rebuild the index into a new file and swap it in, so searches never see half an index."""
    temporary = db_path + ".new"
    if os.path.exists(temporary):
        os.remove(temporary)
    con = sqlite3.connect(temporary)
    con.execute(SCHEMA)
    count = 0
    for top, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if not name.lower().endswith(extensions):
                continue
            full = os.path.join(top, name)
            with open(full, "rb") as handle:
                title, body = extract(name, handle.read())
            relative = os.path.relpath(full, root)
            con.execute("INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                        (fold(title + " " + relative), fold(body), relative, title, body))
            count += 1
    con.commit()
    con.close()
    os.chmod(temporary, 0o644)
    os.replace(temporary, db_path)
    return count


def fts_query(text: str) -> str:
    """Every folded word must appear (prefix match); quotes keep FTS5 syntax out of user input."""
    words = re.findall(r"\w+", fold(text))
    return " AND ".join(f'"{word}"*' for word in words)


def search(db_path: str, text: str, limit: int = 50) -> list[dict[str, str]]:
    query = fts_query(text)
    if not query:
        return []
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT path, title, body FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?", (query, limit)
        ).fetchall()
    finally:
        con.close()
    results = []
    for path, title, body in rows:
        results.append({"path": path, "title": title, "url": "/files/" + urllib.parse.quote(path),
                        "snippet": snippet(body, text)})
    return results


def snippet(body: str, text: str, width: int = 160) -> str:
    folded_body = fold(body)
    words = re.findall(r"\w+", fold(text))
    at = min((folded_body.find(w) for w in words if folded_body.find(w) >= 0), default=0)
    start = max(0, at - width // 3)
    return ("..." if start else "") + " ".join(body[start:start + width].split())


PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tra cứu lưu trữ</title></head>
<body><h1>Tra cứu kho lưu trữ các đơn vị cũ</h1>
<form action="/search" method="get"><label for="q">Từ khóa</label>
<input id="q" name="q" value="{q}"><button type="submit">Tìm</button></form>{results}</body></html>"""


class Handler(BaseHTTPRequestHandler):
    db_path = ""

    def do_GET(self) -> None:
        parsed = urllib.parse.urlsplit(self.path)
        if parsed.path != "/search":
            self.send_error(404)
            return
        params = urllib.parse.parse_qs(parsed.query)
        text = params.get("q", [""])[0]
        try:
            results = search(self.db_path, text) if text else []
        except sqlite3.Error as error:
            self.send_error(503, f"index unavailable: {error}")
            return
        if params.get("format", [""])[0] == "json":
            body = json.dumps({"query": text, "count": len(results), "results": results}, ensure_ascii=False)
            self._reply(body, "application/json; charset=utf-8")
            return
        items = "".join(
            f'<li><a href="{html.escape(r["url"])}">{html.escape(r["title"])}</a> '
            f'<small>{html.escape(r["path"])}</small><p>{html.escape(r["snippet"])}</p></li>'
            for r in results)
        listing = f"<p>{len(results)} kết quả</p><ol>{items}</ol>" if text else ""
        self._reply(PAGE.format(q=html.escape(text), results=listing), "text/html; charset=utf-8")

    def _reply(self, body: str, content_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        sys.stderr.write("search: " + format % args + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    index = sub.add_parser("index")
    index.add_argument("--root", required=True)
    index.add_argument("--db", required=True)
    index.add_argument("--extensions", default=".txt,.md,.csv,.html,.htm")
    serve = sub.add_parser("serve")
    serve.add_argument("--db", required=True)
    serve.add_argument("--bind", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8081)
    args = parser.parse_args(argv)
    if args.command == "index":
        extensions = tuple(e.strip().lower() for e in args.extensions.split(",") if e.strip())
        count = build_index(args.root, args.db, extensions)
        print(f"indexed {count} document(s) from {args.root} into {args.db}")
        return 0
    Handler.db_path = args.db
    ThreadingHTTPServer((args.bind, args.port), Handler).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
