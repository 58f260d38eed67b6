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


def test_district_labels_keep_the_type_only_when_two_districts_fold_alike() -> None:
    from controller.model import OldDistrict
    from controller.names import district_key, district_labels

    town, rural, other = (OldDistrict("Hà Tĩnh", "Thị xã Kỳ Anh"), OldDistrict("Hà Tĩnh", "Huyện Kỳ Anh"),
                          OldDistrict("Quảng Bình", "Huyện Kỳ Anh"))
    labels = district_labels([town, rural, other])
    assert (labels[district_key(town)], labels[district_key(rural)]) == ("thixakyanh", "huyenkyanh")
    assert labels[district_key(other)] == "kyanh" and district_key(other) == "Quảng Bình/Huyện Kỳ Anh"


def test_default_domain_and_its_directory_base() -> None:
    from controller.names import domain_dn, province_domain

    assert province_domain("Tỉnh Lâm Đồng") == "lamdong.gov.vn"
    assert domain_dn(province_domain("Lâm Đồng")) == "dc=lamdong,dc=gov,dc=vn"


def test_look_up_names_lie_in_the_zone_the_dns_filter_serves() -> None:
    """One rule for the old province's domain: the allocator's names and the filter's zones agree,
    whatever the province's own domain is."""
    import sys
    from pathlib import Path

    from controller.names import old_district_fqdn, old_province_domain, old_unit_fqdn

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "filter_plugins"))
    import dns_records

    for domain in ("lamdong.gov.vn", "lamdong.lab.example", "lamdong"):
        zone = old_province_domain("binhthuan", domain)
        entries = [{"province_label": "binhthuan"}]
        assert dns_records.zone_names(domain, entries)[1:] == [zone]
        assert old_district_fqdn("phanthiet", "binhthuan", domain) == f"phanthiet.{zone}"
        assert old_unit_fqdn("muine", "phanthiet", "binhthuan", domain) == f"muine.phanthiet.{zone}"
    assert old_province_domain("binhthuan", "lamdong.gov.vn") == "binhthuan.gov.vn"


def test_names_imports_nothing_beyond_the_standard_library() -> None:
    """The filter plugins load controller.names inside ansible-playbook."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, controller.names; "
            "print(sorted(m for m in sys.modules if m.startswith('controller') or m in ('netaddr', 'yaml')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    assert out.strip() == "['controller', 'controller.names']"


@pytest.mark.parametrize(
    "written",
    [
        "Nguyễn Thanh\u200bPhương",  # a zero-width space where the space was (pasted from a web form)
        "Nguyễn Thanh \u200bPhương",
        "Ngu\u200byễn Thanh Phương",  # inside a word: dropped, not a word break
        "Nguyễn\u00a0Thanh\u00a0Phương",  # non-breaking spaces
        "\u200eNguyễn Thanh Phương\u200f",  # bidi marks
        "\u202bNguyễn \u2066Thanh\u2069 Phương\u202c",  # bidi embeddings and isolates
        "\ufeffNguyễn Than\u00adh Phương",  # BOM, soft hyphen
        "Nguyễn Thanh\u2060Phương".replace("\u2060", " \u2060"),  # word joiner
        "Nguyễn Tha\u200dnh Phư\u200cơng",  # zero-width joiner and non-joiner
    ],
)
def test_invisible_characters_do_not_make_another_name(written: str) -> None:
    assert normalize(written) == "Nguyễn Thanh Phương"
