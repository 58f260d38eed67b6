"""filter_plugins/mergectl.py: the same naming rule as the controller, plus reverse-DNS helpers."""

from __future__ import annotations

from pathlib import Path

from conftest import load_source

from controller import names

PLUGIN = Path(__file__).resolve().parent.parent / "filter_plugins" / "mergectl.py"


def _plugin():
    return load_source("mergectl_filters", PLUGIN).FilterModule().filters()


def test_commune_label_is_controller_names_label() -> None:
    filters = _plugin()
    for name in ("Phường Mũi Né", "Xã Đắk Mil", "Đặc khu Phú Quý", "Thị trấn Liên Hương"):
        assert filters["commune_label"](name) == names.label(name)
    assert filters["commune_label"]("Xã Đắk Mil") == "dakmil"
    assert "names.label" in PLUGIN.read_text(encoding="utf-8")  # imported, not copied


def test_reverse_dns_helpers() -> None:
    filters = _plugin()
    assert filters["ptr_name"]("10.64.2.5") == "5.2.64.10.in-addr.arpa"
    assert filters["ptr_name"]("10.64.2.5/23") == "5.2.64.10.in-addr.arpa"
    assert filters["reverse_zones"]("10.64.2.0/23") == ["2.64.10.in-addr.arpa", "3.64.10.in-addr.arpa"]
    assert filters["reverse_zones"]("10.252.0.16/28") == ["0.252.10.in-addr.arpa"]
    assert filters["reverse_zones"]("10.64.0.0/14")[0] == "64.10.in-addr.arpa"


def test_old_portal_sites_are_named_as_the_portal_serves_them() -> None:
    """The decommission role mirrors into a folder named by this, and the portal serves the
    folder of the same name: a written FQDN's capitals or final dot must not part them."""
    filters = _plugin()
    assert filters["lookup_name"]("PhuHai.PhanThiet.BinhThuan.gov.vn.") == "phuhai.phanthiet.binhthuan.gov.vn"
    assert filters["lookup_name"](None) == ""
    units = [
        {"code": "22924", "name": "Phường Phú Hài", "lookup_fqdn": "PhuHai.phanthiet.binhthuan.gov.vn."},
        {"code": "22927", "name": "Phường Hàm Tiến", "lookup_fqdn": "hamtien.phanthiet.binhthuan.gov.vn"},
        {"code": "23005", "name": "Xã Phú Quý", "lookup_fqdn": "phuquy.binhthuan.gov.vn"},
        {"code": "22930", "name": "Xã không tên miền"},
    ]
    assert filters["old_portal_sites"](units, ["22924", "22927", "22930"]) == [
        {"fqdn": "phuhai.phanthiet.binhthuan.gov.vn", "name": "Phường Phú Hài"},
        {"fqdn": "hamtien.phanthiet.binhthuan.gov.vn", "name": "Phường Hàm Tiến"},
    ]
    assert filters["old_portal_sites"](units, []) == []
