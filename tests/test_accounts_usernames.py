"""The username rule on real Vietnamese names: given name + initials, đ -> d, homonyms, overrides."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from controller.accounts.name_order import NameNotReadable
from controller.accounts.usernames import base_username, valid_username, with_suffix

KINH = [
    ("Nguyễn Thanh Phương", "phuongnt"),
    ("Trần Thị Đào", "daott"),
    ("Nguyễn Quang Vinh", "vinhnq"),
    ("Lê Văn Thành", "thanhlv"),
    ("Đặng Đình Đức", "ducdd"),
    ("Phạm Minh Chính", "chinhpm"),
    ("Võ Văn Thưởng", "thuongvv"),
    ("Hồ Chí Minh", "minhhc"),
    ("Bùi Thị Xuân", "xuanbt"),
    ("Ngô Bảo Châu", "chaunb"),
    ("Dương Văn Minh", "minhdv"),
    ("Lý Thường Kiệt", "kietlt"),
    ("Tôn Nữ Thị Hà", "hatnt"),  # four words
    ("Nguyễn Phước Vĩnh Lộc", "locnpv"),  # four words
    ("Công Tằng Tôn Nữ Thị Phương", "phuongcttnt"),  # six words
    ("Âu Dương Lân", "lanad"),
    ("Đỗ Đức Dục", "ducdd"),
    ("Ưng Hoàng Phúc", "phucuh"),
    ("Mai", "mai"),  # a single word is its own given name
]


@pytest.mark.parametrize(("name", "expected"), KINH)
def test_kinh_names(name: str, expected: str) -> None:
    assert base_username(name) == expected
    assert valid_username(expected)


@pytest.mark.parametrize(("name", "expected"), KINH)
def test_nfd_and_spacing_give_the_same_username(name: str, expected: str) -> None:
    messy = "  " + unicodedata.normalize("NFD", name).replace(" ", "   ") + " "
    assert base_username(messy) == expected


def test_uppercase_d_with_stroke_maps_to_d() -> None:
    assert base_username("ĐOÀN ĐÌNH ĐÔNG") == "dongdd"


@pytest.mark.parametrize(
    ("name", "given_name", "expected"),
    [
        ("Y Ngông Niê Kdăm", "Y Ngông", "yngongnk"),  # Ê Đê: given name first, then the clan name
        ("H'Hen Niê", "H'Hen", "hhenn"),
        ("Y Moan Ênuôl", "Y Moan", "ymoane"),
        ("Điểu K'Ré", "K'Ré", "kred"),
        ("Nguyễn Thị Minh Khai", "Minh Khai", "minhkhaint"),  # a two-word given name
    ],
)
def test_given_name_override_for_non_kinh_order(name: str, given_name: str, expected: str) -> None:
    assert base_username(name, given_name) == expected


def test_given_name_must_be_part_of_the_name() -> None:
    with pytest.raises(ValueError, match="not a part"):
        base_username("Y Ngông Niê Kdăm", "Thành")


@pytest.mark.parametrize("name", ["", "   ", "'- .", "123"])
def test_names_that_strip_to_nothing_or_digits_are_refused(name: str) -> None:
    with pytest.raises(ValueError):
        base_username(name)


def test_homonyms_are_numbered_from_the_second() -> None:
    taken: set[str] = set()
    issued = []
    for _ in range(3):
        username = with_suffix("vinhnq", taken)
        taken.add(username)
        issued.append(username)
    assert issued == ["vinhnq", "vinhnq2", "vinhnq3"]


def test_a_freed_number_is_not_reissued_because_taken_keeps_it() -> None:
    assert with_suffix("vinhnq", {"vinhnq", "vinhnq2", "vinhnq3"}) == "vinhnq4"


VIETNAMESE_WORD = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐ",
    min_size=1,
    max_size=8,
)


@given(st.lists(VIETNAMESE_WORD, min_size=1, max_size=6))
def test_any_name_gives_a_valid_ascii_username_or_is_refused_as_unreadable(words: list[str]) -> None:
    try:
        username = base_username(" ".join(words))
    except NameNotReadable:
        return  # not read as a name at all: the staff list is asked for given_name
    assert re.fullmatch(r"[a-z][a-z0-9]{0,31}", username)
