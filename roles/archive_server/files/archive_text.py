"""Text extraction and Vietnamese folding for the archive's full-text index (stdlib only).

Plain text and HTML are read here; office documents and PDF go through Debian's extractors
(poppler-utils' pdftotext, docx2txt, odt2txt, catdoc), each run bounded in time, memory and
output, as an unprivileged user when the indexer runs as root: the files come from old hosts
and a crafted document must not hang, exhaust or own the archive host.
"""

from __future__ import annotations

import html.parser
import os
import pwd
import resource
import signal
import subprocess
import unicodedata

# đ/Đ have no Unicode decomposition: NFD leaves them whole, so they are mapped explicitly.
_EXPLICIT = str.maketrans({"đ": "d", "Đ": "D"})

# Extension -> command (the path is appended); every one writes UTF-8 text to stdout.
EXTRACTORS: dict[str, list[str]] = {
    ".pdf": ["pdftotext", "-q", "-enc", "UTF-8", "-eol", "unix"],  # path, then "-" (stdout)
    ".docx": ["docx2txt"],  # path, then "-"
    ".odt": ["odt2txt", "--encoding=UTF-8"],
    ".doc": ["catdoc", "-d", "utf-8", "-w"],
}
# Tools that take the output file after the input ("-" = stdout).
_STDOUT_ARGUMENT = {".pdf", ".docx"}


class ExtractionError(Exception):
    """A document whose text could not be extracted (the index keeps its name, the log says why)."""


def fold(text: str) -> str:
    """Lower-case, diacritics removed: 'Quyết định Đắk Lắk' -> 'quyet dinh dak lak'."""
    decomposed = unicodedata.normalize("NFD", text.translate(_EXPLICIT))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class _TextOnly(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if not self._skip:
            self.parts.append(data)


def extract(name: str, raw: bytes) -> tuple[str, str]:
    """(title, text) of a plain-text or HTML document; title defaults to the file name without extension."""
    text = raw.decode("utf-8", errors="replace")
    title = name.rsplit(".", 1)[0]
    if name.lower().endswith((".html", ".htm")):
        parser = _TextOnly()
        parser.feed(text)
        text = " ".join(" ".join(parser.parts).split())
        title = " ".join(parser.title.split()) or title
    return unicodedata.normalize("NFC", title), unicodedata.normalize("NFC", text)


def _limits(seconds: int, memory_bytes: int, run_as: str | None):
    """preexec_fn: CPU and address-space limits, then drop root for run_as (None: stay)."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        if run_as and os.geteuid() == 0:
            user = pwd.getpwnam(run_as)
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)

    return apply


def extract_document(
    path: str,
    timeout: int = 60,
    max_chars: int = 2_000_000,
    memory_bytes: int = 1 << 30,
    run_as: str | None = "nobody",
) -> str:
    """Text of a PDF, DOCX, ODT or DOC file through its Debian extractor (ExtractionError if none).

    As root, the extractor runs as run_as: the archive's published files are world-readable."""
    extension = os.path.splitext(path)[1].lower()
    if extension not in EXTRACTORS:
        raise ExtractionError(f"no extractor for {extension or 'files without extension'}")
    argv = EXTRACTORS[extension] + [path] + (["-"] if extension in _STDOUT_ARGUMENT else [])
    try:
        # A session of its own: on timeout the whole group goes (docx2txt runs unzip, for one).
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=_limits(timeout, memory_bytes, run_as),
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/nonexistent"},
        )
    except FileNotFoundError as error:
        raise ExtractionError(f"{argv[0]} is not installed") from error
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ExtractionError(f"{argv[0]} took longer than {timeout} s") from None
    if process.returncode != 0:
        reason = stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise ExtractionError(
            f"{argv[0]} exited {process.returncode}: {reason[-1] if reason else 'no message'}"
        )
    text = stdout.decode("utf-8", errors="replace")[:max_chars]
    return unicodedata.normalize("NFC", " ".join(text.split()))
