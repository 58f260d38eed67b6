"""Tenant manifests: valid against the shipped JSON Schema, lossless CSV round trip,
versioned (hash + generation), users from the accounts state or "no users yet"."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from controller.cli import main
from controller.exports import tenant_manifests
from controller.manifests.csvform import from_csv, to_csv
from controller.manifests.manifest import content_hash, schema


@pytest.fixture(scope="module")
def bt(rendered_binh_thuan: Path) -> Path:
    return rendered_binh_thuan


@pytest.fixture
def workspace(bt: Path, tmp_path: Path) -> Path:
    copy_ = tmp_path / "bt"
    shutil.copytree(bt, copy_)
    return copy_


def manifests(folder: Path) -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((folder / "tenant-manifests").glob("*.json"))}


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_manifest_validates_against_the_schema(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["export", "tenant-manifests", str(workspace), "-o", str(out)]) == 0
    documents = manifests(out)
    communes = [d for d in documents.values() if d["kind"] == "commune"]
    districts = [d for d in documents.values() if d["kind"] == "district"]
    assert len(communes) == 45 and len(districts) == 10
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    for name, document in documents.items():
        assert not list(validator.iter_errors(document)), name
        assert document["content_sha256"] == content_hash(document)
    muine = documents["commune-22918-muine"]
    assert muine["unit"]["edoc_code"].startswith("H36.")
    assert muine["parent"] == {"name": "Ủy ban nhân dân tỉnh Lâm Đồng", "edoc_code": "H36"}
    assert muine["systems"]["idesk"]["host"] == "idesk-muine"
    assert muine["systems"]["idesk"]["hypervisor"] != muine["systems"]["tthc"]["hypervisor"]
    assert muine["users"] == [] and muine["users_note"].startswith("no users yet")
    assert muine["tthc"]["procedures"][0]["name"] == "Đăng ký khai sinh"


def test_schema_rejects_broken_manifests(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    tenant_manifests.export(workspace, out)
    document = manifests(out)["commune-22918-muine"]
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    for breakage in (
        lambda d: d["unit"].__setitem__("edoc_code", "h36.001"),
        lambda d: d.pop("users"),
        lambda d: d["users"].append({"username": "X Y", "full_name": "", "email": "x", "roles": []}),
        lambda d: d["sms"].__setitem__("brandname", "TWELVE CHARS"),
        lambda d: d.__setitem__("schema_version", "0.9"),
        lambda d: d["systems"].__setitem__("idesk", {"host": "idesk-muine", "hypervisor": "hv1",
                                                     "address": "not-an-ip"}),
    ):
        broken = copy.deepcopy(document)
        breakage(broken)
        assert list(validator.iter_errors(broken)), breakage


def test_json_csv_json_round_trip_of_every_manifest(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    tenant_manifests.export(workspace, out)
    for path in (out / "tenant-manifests").glob("*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        csv_text = path.with_suffix(".csv").read_text(encoding="utf-8")
        assert from_csv(csv_text) == document, path.name
        assert to_csv(from_csv(csv_text)) == csv_text


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                      st.floats(allow_nan=False, allow_infinity=False))
json_doc = st.recursive(
    json_leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.text(alphabet="abcxyz_-0", min_size=1, max_size=5), children, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(alphabet="abcdef_", min_size=1, max_size=6), json_doc, max_size=5))
def test_csv_form_round_trips_any_json_document(document: dict) -> None:
    assert from_csv(to_csv(document)) == document


def test_generation_moves_only_when_content_changes(workspace: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    tenant_manifests.export(workspace, out)
    first = manifests(out)
    tenant_manifests.export(workspace, out)
    assert manifests(out) == first
    province = workspace / "province.yml"
    text = province.read_text(encoding="utf-8")
    province.write_text(text.replace('brandname: ""', 'brandname: "LAMDONG"'), encoding="utf-8")
    tenant_manifests.export(workspace, out)
    second = manifests(out)
    muine = second["commune-22918-muine"]
    assert muine["sms"]["brandname"] == "LAMDONG"
    assert muine["generation"] == 2
    assert muine["content_sha256"] != first["commune-22918-muine"]["content_sha256"]
    district = "district-binhthuan-phanthiet"
    assert second[district]["generation"] == 1 and second[district] == first[district]


def test_users_and_roles_from_the_accounts_state(workspace: Path, tmp_path: Path) -> None:
    accounts = {"version": 1, "accounts": [
        {"key": "a1", "kind": "commune", "unit": "22918", "uid": "phuongnt", "role": "it_officer",
         "status": "active", "person": "p1", "issued": "2025-06-10"},
        {"key": "a2", "kind": "commune", "unit": "22918", "uid": "vinhnq", "role": "staff",
         "status": "active", "person": "p2", "issued": "2025-06-10"},
        {"key": "a3", "kind": "commune", "unit": "22918", "uid": "left1", "role": "staff",
         "status": "disabled", "person": "p3", "issued": "2025-06-10"},
        {"key": "a4", "kind": "old_district", "unit": "Bình Thuận/Thành phố Phan Thiết", "uid": "admin.pt",
         "role": "it_officer", "status": "active", "person": "p4", "issued": "2025-06-10"},
        {"key": "a5", "kind": "old_district", "unit": "Bình Thuận/Thành phố Phan Thiết", "uid": "clerk.pt",
         "role": "staff", "status": "active", "person": "p5", "issued": "2025-06-10"},
    ]}
    (workspace / "state" / "accounts.yml").write_text(yaml.safe_dump(accounts, allow_unicode=True), "utf-8")
    out = tmp_path / "out"
    tenant_manifests.export(workspace, out)
    documents = manifests(out)
    muine = documents["commune-22918-muine"]
    assert [(u["username"], u["roles"], u["email"]) for u in muine["users"]] == [
        ("phuongnt", ["administrator"], "phuongnt@muine.lamdong.gov.vn"),
        ("vinhnq", ["staff"], "vinhnq@muine.lamdong.gov.vn"),
    ]
    groups = {group["name"]: group["members"] for group in muine["user_groups"]}
    assert groups["quan-tri"] == ["phuongnt"] and groups["chuyen-vien"] == ["vinhnq"]
    assert muine["users_note"] == ""
    district = documents["district-binhthuan-phanthiet"]
    assert [a["username"] for a in district["accounts_to_revoke"]] == ["admin.pt"]
    assert [a["username"] for a in district["accounts_read_only"]] == ["clerk.pt"]
    assert documents["commune-22924-phuthuy"]["users_note"].startswith("no users yet")


def test_export_before_inventory_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    assert main(["import", "--province", "Lâm Đồng", "--only-old-province", "Bình Thuận",
                 "-o", str(root)]) == 0
    assert main(["export", "tenant-manifests", str(root)]) == 3
    assert not (root / "reports" / "tenant-manifests").exists()
