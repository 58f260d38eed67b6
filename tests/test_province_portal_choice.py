"""province.yml `communes.<code>.portal`: the commune keeps one of its old portals or gets a new one.

Validation names the file, line and the valid old unit codes; the plan shows the choice (and says when
the default applies); the inventory carries it to the portal role as `commune_portal.inherits_from`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from test_alloc_support import small_mapping, write_workspace

from controller.cli import main
from controller.model import Succession
from controller.province import load_province, province_template

# small_mapping: Xã Thử Nghiệm A (90000) is formed from 20000 and 20001, B (90010) from 20010 and 20011.
CHOICES = """
communes:
  "90000":
    portal: {keep: "20001"}
  "90010":
    portal: new
"""


def _template(mapping, communes: str) -> str:
    """The template with its empty `communes: {}` replaced by `communes` (a `communes:` block)."""
    text = province_template(mapping)
    assert "\ncommunes: {}\n" in text
    return text.replace("\ncommunes: {}\n", "\n" + communes.strip("\n") + "\n", 1)


def _load(tmp_path: Path, extra: str):
    mapping = small_mapping(3)
    path = tmp_path / "province.yml"
    path.write_text(_template(mapping, extra), encoding="utf-8")
    return load_province(path, mapping)


def _line(tmp_path: Path, needle: str) -> int:
    text = (tmp_path / "province.yml").read_text(encoding="utf-8")
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


def test_keep_and_new_are_read_and_the_rest_defaults_to_new(tmp_path: Path) -> None:
    config, diagnostics = _load(tmp_path, CHOICES)
    assert config is not None, [str(item) for item in diagnostics]
    assert config.portal_of("90000").keep == "20001" and config.portal_of("90000").chosen
    assert config.portal_of("90010").keep is None and config.portal_of("90010").chosen
    assert config.portal_of("90020").keep is None and not config.portal_of("90020").chosen


@pytest.mark.parametrize(
    ("extra", "needle", "expected"),
    [
        (
            'communes:\n  "90000":\n    portal: {keep: "20010"}\n',
            'keep: "20010"',
            "[communes.90000.portal.keep] '20010' is not one of the old units Xã Thử Nghiệm A (90000) "
            "is formed from (fix: one of 20000 (Xã Cũ A 0), 20001 (Xã Cũ A 1), or `portal: new`)",
        ),
        (
            'communes:\n  "90000":\n    portal: old\n',
            "portal: old",
            "[communes.90000.portal] expected `new` or {keep: <old unit code>}, got 'old' "
            "(fix: `portal: new`, or keep one of Xã Thử Nghiệm A's old portals: "
            "20000 (Xã Cũ A 0), 20001 (Xã Cũ A 1))",
        ),
        (
            'communes:\n  "99999":\n    portal: new\n',
            '"99999"',
            "[communes.99999] no new unit with code 99999 in mapping.yml",
        ),
        (
            'communes:\n  "90000":\n    portal: {keep: "20000", kept: "20001"}\n',
            "kept:",
            "[communes.90000.portal.kept] unknown key 'kept'; did you mean 'keep'?",
        ),
        (
            'communes:\n  "90000":\n    portl: new\n',
            "portl:",
            "[communes.90000.portl] unknown key 'portl'; did you mean 'portal'?",
        ),
    ],
)
def test_a_bad_choice_names_file_line_and_the_valid_codes(
    tmp_path: Path, extra: str, needle: str, expected: str
) -> None:
    config, diagnostics = _load(tmp_path, extra)
    assert config is None
    messages = [str(item) for item in diagnostics]
    line = _line(tmp_path, needle)
    assert any(f"province.yml:{line}:" in message and expected in message for message in messages), messages


def test_one_old_portal_leads_to_one_new_portal_only(tmp_path: Path) -> None:
    mapping = small_mapping(2)
    # an old unit split between both communes: each may name it, not both
    mapping.new_units["90010"].formed_from.append(Succession("20000", False))
    path = tmp_path / "province.yml"
    path.write_text(
        _template(
            mapping,
            'communes:\n  "90000":\n    portal: {keep: "20000"}\n  "90010":\n    portal: {keep: "20000"}\n',
        ),
        encoding="utf-8",
    )
    config, diagnostics = load_province(path, mapping)
    assert config is None
    assert any("already kept by new commune 90000" in str(item) for item in diagnostics)


def test_validate_exits_3_on_a_bad_choice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = small_mapping(2)
    bad = 'communes:\n  "90000":\n    portal: {keep: "1"}\n'
    directory = write_workspace(tmp_path / "ws", mapping, _template(mapping, bad))
    assert main(["validate", str(directory)]) == 3
    assert "is not one of the old units" in capsys.readouterr().err


def test_plan_shows_the_choice_and_the_inventory_carries_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = small_mapping(3)
    directory = write_workspace(tmp_path / "ws", mapping, _template(mapping, CHOICES))
    capsys.readouterr()
    assert main(["plan", str(directory), "--json", "--detailed-exitcode"]) == 2
    changes = [c for c in json.loads(capsys.readouterr().out)["changes"] if c["workstream"] == "portals"]
    details = {c["subject"]: c["detail"] for c in changes}
    assert details["Xã Thử Nghiệm A (90000)"] == (
        "https://thunghiema.lamdong.gov.vn/: keeps the portal of Xã Cũ A 1 (20001, "
        "cua1.tuyphong.binhthuan.gov.vn), its content moved to the new name"
    )
    assert details["Xã Thử Nghiệm B (90010)"] == (
        "https://thunghiemb.lamdong.gov.vn/: new portal (starter site)"
    )
    assert details["Xã Thử Nghiệm C (90020)"] == (
        "https://thunghiemc.lamdong.gov.vn/: new portal (starter site) "
        "(default: not chosen in province.yml communes.90020.portal)"
    )

    assert main(["inventory", str(directory), "-q"]) == 0
    host_vars = yaml.safe_load((directory / "host_vars" / "thunghiema-gw.yml").read_text(encoding="utf-8"))
    assert host_vars["commune_portal"] == {"fqdn": "thunghiema.lamdong.gov.vn", "inherits_from": "20001"}
    host_vars = yaml.safe_load((directory / "host_vars" / "thunghiemc-gw.yml").read_text(encoding="utf-8"))
    assert host_vars["commune_portal"]["inherits_from"] is None

    # changing the choice afterwards is an update of the portals workstream
    text = (directory / "province.yml").read_text(encoding="utf-8").replace('{keep: "20001"}', "new")
    (directory / "province.yml").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert main(["plan", str(directory), "--json", "--detailed-exitcode"]) == 2
    changes = [c for c in json.loads(capsys.readouterr().out)["changes"] if c["workstream"] == "portals"]
    assert [(c["action"], c["subject"]) for c in changes] == [("update", "Xã Thử Nghiệm A (90000)")]
