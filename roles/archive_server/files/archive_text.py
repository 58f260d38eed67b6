"""Text extraction and Vietnamese folding for the archive's full-text index (stdlib only)."""

from __future__ import annotations

import html.parser
import unicodedata

# đ/Đ have no Unicode decomposition: NFD leaves them whole, so they are mapped explicitly.
_EXPLICIT = str.maketrans({"đ": "d", "Đ": "D"})


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
    """(title, text) of a document; title defaults to the file name without extension."""
    text = raw.decode("utf-8", errors="replace")
    title = name.rsplit(".", 1)[0]
    if name.lower().endswith((".html", ".htm")):
        parser = _TextOnly()
        parser.feed(text)
        text = " ".join(" ".join(parser.parts).split())
        title = " ".join(parser.title.split()) or title
    return unicodedata.normalize("NFC", title), unicodedata.normalize("NFC", text)
