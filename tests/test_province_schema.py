"""province.yml's JSON Schema: published, referenced from the file's first line, and enforced for
keys at every depth (FILE:LINE, key path, did-you-mean); a typo never silently becomes a default."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import edit_text
from test_alloc_support import small_mapping

from controller.cli import main
from controller.errors import EXIT_INVALID
from controller.province import load_province, province_template
from controller.province.schema import SCHEMA_PATH, _jsonable, schema


@pytest.fixture()
def workspace(bt_workspace: Path) -> Path:
    return bt_workspace




def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_the_template_is_valid_under_the_whole_schema() -> None:
    jsonschema.Draft7Validator.check_schema(schema())
    validator = jsonschema.Draft7Validator(schema(), format_checker=jsonschema.FormatChecker())
    for communes in (1, 45):
        data = yaml.safe_load(province_template(small_mapping(communes)))
        errors = validator.iter_errors(_jsonable(data))
        assert [f"{list(error.absolute_path)}: {error.message}" for error in errors] == []


def test_import_points_editors_at_the_schema(rendered_binh_thuan: Path) -> None:
    first = (rendered_binh_thuan / "province.yml").read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    reference = first[len(prefix):]
    assert not Path(reference).is_absolute()
    assert (rendered_binh_thuan / reference).resolve() == SCHEMA_PATH.resolve()
    assert SCHEMA_PATH.name == "province.schema.json" and SCHEMA_PATH.parent.name == "province"


def test_typos_at_every_depth_are_errors_with_a_suggestion(workspace: Path, capsys) -> None:
    province = workspace / "province.yml"
    top = edit_text(province, "lookup_until: 2030-07-01", "lookup_untill: 2030-07-01")
    nested = edit_text(province, "quarantine: {generations: 2, until: null}", "quarantine: {generation: 5}")
    site = edit_text(
        province,
        "sites: {}",
        'sites:\n  "22918":\n    - name: hq\n      link_prefx: 10.9.0.0/31\n      loopback: 10.9.1.1',
    ) + 3
    in_list = edit_text(
        province, "name: party, id: 20, prefixlen: 26,", "name: party, id: 20, prefixlength: 26,"
    )
    contributed = edit_text(province, "sms: {enabled: false,", "sms: {enabeld: false,")
    before = _snapshot(workspace)
    capsys.readouterr()
    assert main(["inventory", "-q", str(workspace)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert _snapshot(workspace) == before
    for line, key, message in (
        (top, "lookup_untill", "unknown key 'lookup_untill'; did you mean 'lookup_until'? (fix: rename it to "
         "lookup_until)"),
        (nested, "quarantine.generation", "unknown key 'generation'; did you mean 'generations'?"),
        (site, "sites.22918[0].link_prefx", "unknown key 'link_prefx'; did you mean 'link_prefix'?"),
        (in_list, "vlans[1].prefixlength", "unknown key 'prefixlength'; did you mean 'prefixlen'?"),
        (contributed, "ic_vms.sms.enabeld", "unknown key 'enabeld'; did you mean 'enabled'?"),
    ):
        assert f"error: {province}:{line}: [{key}] {message}" in err, (key, err)
    # The typo'd site also lacks its link now: the operator's address is never replaced by a pool's.
    assert "give both link_prefix and loopback" in err


def test_an_unknown_key_far_from_any_known_one_lists_the_allowed_keys(tmp_path: Path) -> None:
    text = province_template(small_mapping(2))
    text = text.replace("vc_vlan: {name: vc,", "vc_vlan: {colour: red, name: vc,")
    path = tmp_path / "province.yml"
    path.write_text(text, encoding="utf-8")
    config, diagnostics = load_province(path, small_mapping(2))
    assert config is None
    line = text[: text.index("colour")].count("\n") + 1
    assert [str(item) for item in diagnostics] == [
        f"{path}:{line}: [vc_vlan.colour] unknown key 'colour' "
        "(fix: keys allowed here: description, dhcp, id, name, prefixlen)"
    ]


def test_unquoted_codes_and_dates_as_keys_are_still_located(tmp_path: Path) -> None:
    mapping = small_mapping(2)
    text = province_template(mapping).replace(
        "vc_macs: {}", "vc_macs:\n  90000: {gov: 02:4d:00:00:00:01, gvo: 02:4d:00:00:00:02}"
    )
    path = tmp_path / "province.yml"
    path.write_text(text, encoding="utf-8")
    _, diagnostics = load_province(path, mapping)
    line = text[: text.index("gvo")].count("\n") + 1
    expected = f"{path}:{line}: [vc_macs.90000.gvo] unknown key 'gvo'; did you mean 'gov'?"
    assert expected in str(diagnostics.items[0])


def test_the_old_deadlines_mapping_is_refused_with_how_to_convert(tmp_path: Path) -> None:
    mapping = small_mapping(2)
    path = tmp_path / "province.yml"
    old = "deadlines:\n  in_service: 2025-07-01\n"
    text = province_template(mapping).replace("lookup_until:", old + "lookup_until:")
    path.write_text(text, encoding="utf-8")
    config, diagnostics = load_province(path, mapping)
    assert config is None
    (problem,) = diagnostics.items
    line = text[: text.index("deadlines:")].count("\n") + 1
    assert str(problem).startswith(f"{path}:{line}: [deadlines] `deadlines:` was replaced by `tasks:`")
    assert "delete the `deadlines:` block to follow plan 2495" in str(problem)


def test_mapping_yml_unknown_keys_get_a_suggestion_too(workspace: Path, capsys) -> None:
    mapping = workspace / "mapping.yml"
    line = edit_text(mapping, "district: Huyện Phú Quí", "distrcit: Huyện Phú Quí")
    assert main(["validate", str(workspace)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert f"{mapping}:{line}: [new_units[" in err
    assert ".distrcit] unknown key 'distrcit'; did you mean 'district'? (fix: rename it to district)" in err
