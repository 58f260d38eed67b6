"""controller.names: the one implementation of the naming rules."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controller.names import ascii_fold, group_name, label, normalize, province_key, strip_type, unit_type

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
names = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " 0123456789-", min_size=1, max_size=40)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Phường Mũi Né", "muine"),
        ("Xã Đắk Mil", "dakmil"),
        ("Đặc khu Phú Quý", "phuquy"),
        ("Thị trấn Liên Hương", "lienhuong"),
        ("Thành phố Phan Thiết", "phanthiet"),
        ("Thị xã La Gi", "lagi"),
        ("Huyện Hàm Thuận Bắc", "hamthuanbac"),
        ("Quận Ba Đình", "badinh"),
        ("Phường 1", "1"),
        ("Xã Ea H'leo", "eahleo"),
    ],
)
def test_label_examples(name: str, expected: str) -> None:
    assert label(name) == expected


def test_type_prefix_is_case_diacritic_and_normal_form_insensitive() -> None:
    for written in ("xã Hòa Bình", "XÃ Hòa Bình", "Xa Hòa Bình", unicodedata.normalize("NFD", "Xã Hòa Bình")):
        assert strip_type(written) == "Hòa Bình"
    assert unit_type("Đặc khu Côn Đảo") == "Đặc khu"
    assert strip_type("Xã") == "Xã"  # a bare type word is a name, not a prefix of nothing
    assert strip_type("Xuân Lộc") == "Xuân Lộc"  # "Xu..." is not "Xã"


def test_ascii_fold_maps_d_with_stroke() -> None:
    assert ascii_fold("Đường đi Đắk Nông") == "duong di dak nong"


def test_label_refuses_empty_and_caps_length() -> None:
    with pytest.raises(ValueError, match="empty DNS label"):
        label("Xã ---")
    assert len(label("Xã " + "a" * 100)) == 63


def test_province_key_matches_every_spelling() -> None:
    spellings = ["Lâm Đồng", "lam dong", "LAM DONG", "Tỉnh Lâm Đồng", "tinh lam dong", "lamdong",
                 unicodedata.normalize("NFD", "Lâm Đồng")]
    assert {province_key(spelling) for spelling in spellings} == {"lamdong"}
    assert province_key("Thành phố Hồ Chí Minh") == province_key("ho chi minh")
    assert province_key("Khánh Hòa") == province_key("Khánh Hoà")  # old and new accent placement


def test_group_name() -> None:
    assert group_name("from", "binhthuan", "phanthiet") == "from_binhthuan_phanthiet"
    assert group_name("d", "Bình Thuận", "Thành phố Phan Thiết") == "d_binh_thuan_thanh_pho_phan_thiet"
    assert group_name("123") == "g_123"


def test_normalize_collapses_whitespace_and_composes() -> None:
    assert normalize("  Phường \t Mũi\u00a0 Né ") == "Phường Mũi Né"
    assert normalize(unicodedata.normalize("NFD", "Mũi Né")) == "Mũi Né"


@given(names)
def test_label_is_ascii_alnum_and_idempotent(name: str) -> None:
    try:
        result = label(name)
    except ValueError:
        return
    assert result.isascii() and result.isalnum() and result == result.lower()
    assert 1 <= len(result) <= 63
    assert label(result) == result


@given(names, st.sampled_from(["NFC", "NFD", "NFKC", "NFKD"]))
def test_naming_is_normal_form_insensitive(name: str, form: str) -> None:
    other = unicodedata.normalize(form, name)
    assert normalize(other) == normalize(name)
    assert province_key(other) == province_key(name)
    try:
        expected = label(name)
    except ValueError:
        with pytest.raises(ValueError):
            label(other)
        return
    assert label(other) == expected


@given(names)
def test_group_name_charset(name: str) -> None:
    try:
        result = group_name("x", name)
    except ValueError:
        return
    assert all(char.isascii() and (char.isalnum() or char == "_") for char in result)
    assert result == result.lower()
