"""Official agency names as they appear on certificates and in the document-exchange catalogue."""

from __future__ import annotations

from controller.names import strip_type

# Centrally-run cities are "thành phố", every other province is "tỉnh".
CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}


def province_phrase(province: str) -> str:
    name = strip_type(province) or province
    return f"thành phố {name}" if name in CITIES else f"tỉnh {name}"


def peoples_committee(unit_name: str, *within: str) -> str:
    """'Ủy ban nhân dân Phường Mũi Né, Thành phố Phan Thiết, tỉnh Bình Thuận'."""
    return ", ".join([f"Ủy ban nhân dân {unit_name}", *(part for part in within if part)])
