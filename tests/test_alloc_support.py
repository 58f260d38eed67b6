"""Builders shared by the allocation, render, plan and province tests (no tests here)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from controller.mapping_io import mapping_to_yaml
from controller.model import Mapping, NewUnit, OldDistrict, OldUnit, Succession
from controller.province import ProvinceConfig, load_province, province_template

TODAY = dt.date(2025, 6, 10)


def small_mapping(communes: int = 4, olds_per_commune: int = 2, province: str = "Lâm Đồng") -> Mapping:
    """`communes` new units "Xã Thử Nghiệm N" (codes 90000+), each from its own old units in 2 districts."""
    mapping = Mapping(province=province)
    districts = [
        OldDistrict("Bình Thuận", "Huyện Tuy Phong", "594"),
        OldDistrict("Bình Thuận", "Huyện Bắc Bình", "596"),
    ]
    for number in range(communes):
        code = str(90000 + number * 10)
        unit = NewUnit(code, f"Xã Thử Nghiệm {_word(number)}", province)
        for part in range(olds_per_commune):
            old_code = str(20000 + number * 10 + part)
            mapping.old_units[old_code] = OldUnit(
                old_code, f"Xã Cũ {_word(number)} {part}", districts[number % 2]
            )
            unit.formed_from.append(Succession(old_code, True))
        mapping.new_units[code] = unit
    return mapping


def _word(number: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    word = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        word = letters[rest] + word
    return word


def write_workspace(directory: Path, mapping: Mapping, province_text: str | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "mapping.yml").write_text(mapping_to_yaml(mapping), encoding="utf-8")
    (directory / "province.yml").write_text(province_text or province_template(mapping), encoding="utf-8")
    return directory


def province_for(mapping: Mapping, tmp_path: Path, text: str | None = None) -> ProvinceConfig:
    path = tmp_path / "province.yml"
    path.write_text(text or province_template(mapping), encoding="utf-8")
    config, diagnostics = load_province(path, mapping)
    assert config is not None, [str(item) for item in diagnostics]
    return config
