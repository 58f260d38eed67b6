"""Text of the seeded PDF, DOCX and ODT through Debian's extractors, found with and without
diacritics; a broken document is logged and indexed by name only. Needs poppler-utils, docx2txt
and odt2txt (the archive host's packages); each test says which tool it misses otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, load_source

text = load_source("archive_text", ROOT / "roles/archive_server/files/archive_text.py")
search = load_source("archive_search", ROOT / "roles/archive_server/files/archive_search.py")
seed = load_source("seed_district", ROOT / "roles/old_district_seed/files/seed_district.py")


def needs(*tools: str) -> pytest.MarkDecorator:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    return pytest.mark.skipif(bool(missing), reason=f"apt-get install the archive's extractors: {missing}")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("published")
    documents = root / "old-binhthuan-hamthuanbac" / "documents"
    seed.seed_office_documents(str(documents))
    (documents / "hỏng.pdf").write_bytes(b"%PDF-1.4 not really")
    (documents / "Nội quy.txt").write_text("Giờ làm việc từ 7 giờ.", encoding="utf-8")
    return root


@needs("pdftotext")
def test_pdf_text_keeps_vietnamese(published: Path) -> None:
    pdf = next(published.rglob("*nghiệm thu*.pdf"))
    assert "kênh mương nội đồng" in text.extract_document(str(pdf), run_as=None)


@needs("docx2txt", "odt2txt")
def test_docx_and_odt_text(published: Path) -> None:
    assert "nghĩa trang liệt sĩ" in text.extract_document(str(next(published.rglob("*.docx"))), run_as=None)
    assert "xâm nhập mặn" in text.extract_document(str(next(published.rglob("*.odt"))), run_as=None)


def test_a_file_without_extractor_is_an_extraction_error(tmp_path: Path) -> None:
    with pytest.raises(text.ExtractionError, match="no extractor"):
        text.extract_document(str(tmp_path / "a.xyz"))


def test_a_missing_tool_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(text.EXTRACTORS, ".pdf", ["mergectl-no-such-extractor"])
    with pytest.raises(text.ExtractionError, match="mergectl-no-such-extractor is not installed"):
        text.extract_document(str(tmp_path / "a.pdf"))


@needs("sh", "sleep")
def test_an_extractor_that_hangs_is_stopped_with_its_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # sh waits for a child that holds the output pipe: the whole group must be killed.
    monkeypatch.setitem(text.EXTRACTORS, ".odt", ["sh", "-c", "sleep 30; true", "sh"])
    document = tmp_path / "a.odt"
    document.write_bytes(b"")
    document.chmod(0o644)
    with pytest.raises(text.ExtractionError, match="longer than 1 s"):
        text.extract_document(str(document), timeout=1, run_as=None)


@needs("pdftotext", "docx2txt", "odt2txt")
@pytest.mark.parametrize(
    ("query", "suffix"),
    [
        ("kênh mương", ".pdf"),
        ("kenh muong", ".pdf"),
        ("liệt sĩ", ".docx"),
        ("LIET SI", ".docx"),
        ("xâm nhập mặn", ".odt"),
        ("xam nhap man", ".odt"),
    ],
)
def test_words_only_inside_a_document_are_found(
    published: Path, tmp_path: Path, query: str, suffix: str
) -> None:
    db = tmp_path / "index.sqlite"
    count, failed = search.build_index(
        str(published), str(db), (".txt", ".pdf", ".docx", ".odt"), run_as=None
    )
    assert (count, failed) == (5, 1)  # the broken PDF is indexed by its name only
    results = search.search(str(db), query, ("*",))
    assert [Path(r["path"]).suffix for r in results] == [suffix]


@needs("pdftotext")
def test_a_broken_document_is_logged_not_fatal(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    search.build_index(str(published), str(tmp_path / "i.sqlite"), (".pdf",), run_as=None)
    assert "text not extracted, indexed by name only: old-binhthuan-hamthuanbac/documents/hỏng.pdf" in (
        capsys.readouterr().err
    )
    assert [r["path"] for r in search.search(str(tmp_path / "i.sqlite"), "hong", ("*",))] == [
        "old-binhthuan-hamthuanbac/documents/hỏng.pdf"
    ]


def test_a_document_over_the_size_limit_is_indexed_by_name(published: Path, tmp_path: Path) -> None:
    count, failed = search.build_index(str(published), str(tmp_path / "i.sqlite"), (".txt",), max_bytes=4)
    assert (count, failed) == (1, 1)
