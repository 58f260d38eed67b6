"""Every relative link in the documentation resolves.

README.md, docs/**/*.md and roles/*/README.md are the map a newcomer reads; a link that points
nowhere sends them nowhere. A relative link must name an existing file or folder inside the
repository, and an `#anchor` into a Markdown file (or into the same file) must name one of its
headings, slugged as GitHub does: lowercase, spaces to '-', punctuation dropped except '-' and
'_', letters of any script (Vietnamese ones included) kept as they are, a repeated heading
numbered '-1', '-2'... Links inside code blocks and code spans are not links.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

REPO = Path(__file__).resolve().parent.parent

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
# [text](target) or [text](target "title") / ![alt](target); text may hold one level of brackets.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)")
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)")
HTML_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
MARKDOWN_LINK_TEXT = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)]*\)")


def documents(root: Path) -> list[Path]:
    """The files whose links are checked: README.md, docs/**/*.md, roles/*/README.md."""
    found = [root / "README.md"] if (root / "README.md").is_file() else []
    found += sorted((root / "docs").rglob("*.md")) if (root / "docs").is_dir() else []
    found += sorted((root / "roles").glob("*/README.md")) if (root / "roles").is_dir() else []
    return found


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text (github-slugger): links keep their text, then
    lowercase, drop every character that is not a letter, digit, combining mark, '-', '_' or a
    space, and turn each space into '-'."""
    text = MARKDOWN_LINK_TEXT.sub(r"\1", heading).lower()
    kept = "".join(
        char for char in text if char.isalnum() or char in "-_ " or unicodedata.category(char).startswith("M")
    )
    return kept.replace(" ", "-")


def _outside_fences(text: str) -> Iterable[tuple[int, str]]:
    """(line number, line) of every line outside fenced code blocks."""
    fence = ""
    for number, line in enumerate(text.splitlines(), start=1):
        opening = FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
        elif opening:
            fence = opening.group(1)
        else:
            yield number, line


def anchors(text: str) -> set[str]:
    """Every heading anchor of a Markdown text, repeats numbered as GitHub numbers them."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for _, line in _outside_fences(text):
        heading = HEADING.match(line)
        if heading:
            base = slug(heading.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def links(text: str) -> Iterable[tuple[int, str]]:
    """(line number, target) of every inline, reference-definition and HTML link."""
    for number, raw in _outside_fences(text):
        line = CODE_SPAN.sub(lambda m: " " * len(m.group(0)), raw)
        targets = [m.group(1) for m in INLINE_LINK.finditer(line)]
        targets += [m.group(1) for m in HTML_LINK.finditer(line)]
        definition = REFERENCE_DEFINITION.match(line)
        if definition:
            targets.append(definition.group(1))
        for target in targets:
            yield number, target.strip("<>")


def broken_links(root: Path, files: Iterable[Path]) -> list[str]:
    """`FILE:LINE: message` for every relative link of `files` that does not resolve under `root`."""
    root = root.resolve()
    problems: list[str] = []
    anchor_cache: dict[Path, set[str]] = {}

    def anchors_of(path: Path) -> set[str]:
        if path not in anchor_cache:
            anchor_cache[path] = anchors(path.read_text(encoding="utf-8"))
        return anchor_cache[path]

    for document in files:
        document = document.resolve()
        shown = document.relative_to(root).as_posix()
        for number, target in links(document.read_text(encoding="utf-8")):
            if not target or SCHEME.match(target) or target.startswith("//"):
                continue  # http:, https:, mailto: ... are not ours to check here
            path_part, _, fragment = target.partition("#")
            path_part = unquote(path_part.split("?", 1)[0])
            if path_part.startswith("/"):
                resolved = (root / path_part.lstrip("/")).resolve()
            elif path_part:
                resolved = (document.parent / path_part).resolve()
            else:
                resolved = document
            if not resolved.is_relative_to(root):
                problems.append(f"{shown}:{number}: link '{target}' leaves the repository")
                continue
            if not resolved.exists():
                missing = resolved.relative_to(root).as_posix()
                problems.append(f"{shown}:{number}: link '{target}': no such file {missing}")
                continue
            markdown = resolved.is_file() and resolved.suffix == ".md"
            if fragment and markdown and unquote(fragment) not in anchors_of(resolved):
                where = "this file" if resolved == document else resolved.relative_to(root).as_posix()
                problems.append(f"{shown}:{number}: link '{target}': no heading '#{fragment}' in {where}")
    return problems


def test_every_relative_link_in_the_documentation_resolves() -> None:
    files = documents(REPO)
    assert REPO / "README.md" in files and any(path.parent.name == "docs" for path in files)
    problems = broken_links(REPO, files)
    assert not problems, "broken links:\n" + "\n".join(problems)


def test_a_broken_link_is_reported_with_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "docs" / "acceptance").mkdir(parents=True)
    (tmp_path / "roles" / "dns").mkdir(parents=True)
    (tmp_path / "docs" / "dns.md").write_text(
        "# DNS: tên miền mới\n\n## Safe reloads\n\n## Safe reloads\n\n### Đắk Lắk (2025) `named`\n",
        encoding="utf-8",
    )
    (tmp_path / "docs" / "acceptance" / "2026-01-01-lab.md").write_text("# Lab\n", encoding="utf-8")
    (tmp_path / "roles" / "dns" / "README.md").write_text(
        "# dns\n\nSee [the guide](../../docs/dns.md#safe-reloads-1).\n", encoding="utf-8"
    )
    (tmp_path / "README.md").write_text(
        "\n".join(
            [
                "# Readme",
                "[ok](docs/dns.md) [ok](docs/dns.md#dns-tên-miền-mới) [ok](docs/dns.md#đắk-lắk-2025-named)",
                "[ok](docs/acceptance/) [ok](#readme) [ok](https://example.org/x.md) <mailto:a@b.c>",
                "`[not a link](nowhere.md)`",
                "```sh",
                "[not a link either](nowhere.md)",
                "```",
                "[missing](docs/nowhere.md)",
                "[bad anchor](docs/dns.md#no-such-heading)",
                "[bad local anchor](#nope) and [outside](../../etc/passwd)",
                '<a href="docs/gone.md">html</a>',
                "",
                "[ref]: docs/also-gone.md",
            ]
        ),
        encoding="utf-8",
    )
    problems = broken_links(tmp_path, documents(tmp_path))
    assert problems == [
        "README.md:8: link 'docs/nowhere.md': no such file docs/nowhere.md",
        "README.md:9: link 'docs/dns.md#no-such-heading': no heading '#no-such-heading' in docs/dns.md",
        "README.md:10: link '#nope': no heading '#nope' in this file",
        "README.md:10: link '../../etc/passwd' leaves the repository",
        "README.md:11: link 'docs/gone.md': no such file docs/gone.md",
        "README.md:13: link 'docs/also-gone.md': no such file docs/also-gone.md",
    ]


def test_slugs_follow_github() -> None:
    assert slug("Quick start: two commands on a fresh Debian 12 machine") == (
        "quick-start-two-commands-on-a-fresh-debian-12-machine"
    )
    assert slug("`scripts/demo.sh [DIR]` — the main job") == "scriptsdemosh-dir--the-main-job"
    assert slug("Mail, accounts and the central directory") == "mail-accounts-and-the-central-directory"
    assert slug("Đắk Lắk: 15 huyện") == "đắk-lắk-15-huyện"
    assert slug("BGP per site (FRR)") == "bgp-per-site-frr"
    assert slug("snake_case and [a link](x.md)") == "snake_case-and-a-link"
