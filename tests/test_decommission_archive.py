"""The archive format of the decommissioning modules: every corruption is found, nothing is missed."""

from __future__ import annotations

import os
import tarfile
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT, load_source
from hypothesis import given, settings
from hypothesis import strategies as st

archive = load_source("decommission_archive", ROOT / "module_utils/decommission_archive.py")
text = load_source("archive_text", ROOT / "roles/archive_server/files/archive_text.py")

NAMES = ["Quyết định số 1234-QĐ-UBND.txt", "Hồ sơ một cửa/Danh sách đất đai.csv", "Nội quy.md"]


def make_source(base: Path) -> Path:
    source = base / "srv" / "documents"
    for index, name in enumerate(NAMES):
        path = source / unicodedata.normalize("NFC", name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"văn bản {index}\n" * (index + 1), encoding="utf-8")
    (source / "liên kết").symlink_to(NAMES[0])
    return source


def take(base: Path, source: Path) -> tuple[Path, list[dict]]:
    out = base / "archive"
    out.mkdir()
    entries = archive.write_tar([str(source)], str(out / archive.TAR))
    archive.write_sums(str(out), [archive.TAR])
    return out, entries


def test_clean_archive_has_no_differences(tmp_path: Path) -> None:
    source = make_source(tmp_path)
    out, entries = take(tmp_path, source)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert archive.safe_extract(str(out / archive.TAR), str(scratch)) == []
    restored = archive.describe_tree(str(scratch), [str(source)])
    assert archive.compare_files(entries, restored) == []
    assert archive.check_sums(str(out)) == []
    assert {e["path"] for e in entries} == {str(source / n) for n in NAMES} | {str(source / "liên kết")}


def test_flipped_byte_is_found_in_sums_and_in_the_file(tmp_path: Path) -> None:
    source = make_source(tmp_path)
    out, entries = take(tmp_path, source)
    tar_path = out / archive.TAR
    with tarfile.open(tar_path) as tar:
        member = next(m for m in tar.getmembers() if m.isfile())
    data = bytearray(tar_path.read_bytes())
    data[member.offset_data] ^= 0x01
    tar_path.write_bytes(bytes(data))
    assert archive.check_sums(str(out)) == [f"archive member checksum differs: {archive.TAR}"]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    archive.safe_extract(str(tar_path), str(scratch))
    differences = archive.compare_files(entries, archive.describe_tree(str(scratch), [str(source)]))
    assert len(differences) == 1 and differences[0].startswith("sha256 differs: ")


def test_missing_file_and_extra_file_are_found(tmp_path: Path) -> None:
    source = make_source(tmp_path)
    out, entries = take(tmp_path, source)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    archive.safe_extract(str(out / archive.TAR), str(scratch))
    restored_root = scratch / str(source).lstrip("/")
    (restored_root / unicodedata.normalize("NFC", NAMES[2])).unlink()
    (restored_root / "thêm.txt").write_text("x", encoding="utf-8")
    differences = archive.compare_files(entries, archive.describe_tree(str(scratch), [str(source)]))
    assert any(d.startswith("missing file: ") and "Nội quy.md" in d for d in differences)
    assert any(d.startswith("file not in manifest: ") and "thêm.txt" in d for d in differences)


def test_missing_and_truncated_members_are_found(tmp_path: Path) -> None:
    source = make_source(tmp_path)
    out, _ = take(tmp_path, source)
    tar_path = out / archive.TAR
    tar_path.write_bytes(tar_path.read_bytes()[:1024])
    assert archive.check_sums(str(out)) == [f"archive member checksum differs: {archive.TAR}"]
    tar_path.unlink()
    assert archive.check_sums(str(out)) == [f"archive member missing: {archive.TAR}"]
    (out / archive.SUMS).unlink()
    assert archive.check_sums(str(out)) == [f"missing {archive.SUMS} in {out}"]


def test_unsafe_members_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tar"
    payload = tmp_path / "p.txt"
    payload.write_text("x", encoding="utf-8")
    with tarfile.open(bad, "w") as tar:
        tar.add(payload, arcname="../escape.txt")
    dest = tmp_path / "dest"
    dest.mkdir()
    assert archive.safe_extract(str(bad), str(dest)) == ["unsafe member refused: ../escape.txt"]
    assert not (tmp_path / "escape.txt").exists()


def test_row_count_differences() -> None:
    assert archive.compare_counts({"public.a": 3}, {"public.a": 3}, "qlvb") == []
    assert archive.compare_counts({"public.a": 3, "public.b": 1}, {"public.a": 2}, "qlvb") == [
        "database qlvb: table public.a rows at dump 3, restored 2",
        "database qlvb: table public.b missing after restore",
    ]


@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=1, max_size=2048), st.integers(min_value=0), st.integers(min_value=0, max_value=7))
def test_any_single_bit_flip_in_a_file_is_detected(
    tmp_path_factory, content: bytes, where: int, bit: int
) -> None:
    base = tmp_path_factory.mktemp("flip")
    source = base / "srv"
    source.mkdir()
    (source / "tài liệu.bin").write_bytes(content)
    out = base / "archive"
    out.mkdir()
    entries = archive.write_tar([str(source)], str(out / archive.TAR))
    scratch = base / "scratch"
    scratch.mkdir()
    archive.safe_extract(str(out / archive.TAR), str(scratch))
    restored_file = scratch / str(source).lstrip("/") / "tài liệu.bin"
    data = bytearray(restored_file.read_bytes())
    data[where % len(data)] ^= 1 << bit
    restored_file.write_bytes(bytes(data))
    differences = archive.compare_files(entries, archive.describe_tree(str(scratch), [str(source)]))
    assert len(differences) == 1


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Quyết định Đắk Lắk", "quyet dinh dak lak"),
        ("sáp nhập xã", "sap nhap xa"),
        ("Hồ sơ đất đai", "ho so dat dai"),
    ],
)
def test_search_folding_is_diacritics_insensitive(raw: str, folded: str) -> None:
    assert text.fold(raw) == folded
    assert text.fold(unicodedata.normalize("NFD", raw)) == folded


def test_html_text_and_title_are_extracted() -> None:
    title, body = text.extract(
        "a.html",
        "<html><head><title>Thông báo</title><style>x{}</style></head>"
        "<body><p>Sáp nhập</p></body></html>".encode(),
    )
    assert title == "Thông báo"
    assert "Sáp nhập" in body and "x{}" not in body


def test_search_index_finds_vietnamese_documents_without_diacritics(tmp_path: Path) -> None:
    search = load_source("archive_search", ROOT / "roles/archive_server/files/archive_search.py")
    published = tmp_path / "published" / "old-x" / "documents"
    published.mkdir(parents=True)
    (published / "Quyết định sáp nhập.txt").write_text("Thành lập xã Hàm Thuận", encoding="utf-8")
    (published / "khác.txt").write_text("không liên quan", encoding="utf-8")
    db = tmp_path / "index.sqlite"
    assert search.build_index(str(tmp_path / "published"), str(db), (".txt",)) == (2, 0)
    found = search.search(str(db), "ham thuan", ("*",))
    assert [r["title"] for r in found] == ["Quyết định sáp nhập"]
    assert search.search(str(db), "Hàm Thuận", ("*",)) == found
    assert search.search(str(db), '" OR *', ("*",)) == []  # FTS syntax in user input is neutralised
    assert os.path.exists(db)
