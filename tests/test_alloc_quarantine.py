"""`mergectl quarantine release|list`: idempotent, validated, and honoured by the allocator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from test_alloc_support import small_mapping, write_workspace

from controller.allocate.quarantine import check_value
from controller.cli import main


def _release(directory: Path, kind: str, value: str) -> int:
    return main(
        [
            "quarantine",
            "release",
            str(directory),
            "--kind",
            kind,
            "--value",
            value,
            "--owner",
            "20000",
            "--reason",
            "line terminated",
        ]
    )


def test_release_is_idempotent_and_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = write_workspace(tmp_path / "ws", small_mapping(2))
    assert _release(directory, "line", "10.249.0.6/31") == 0
    state_path = directory / "state" / "allocations.yml"
    first = state_path.read_bytes()
    assert _release(directory, "line", "10.249.0.6/31") == 0
    assert state_path.read_bytes() == first  # second release: no change
    assert "already in quarantine" in capsys.readouterr().out
    assert main(["quarantine", "list", str(directory), "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert listing["items"][0]["value"] == "10.249.0.6/31" and listing["items"][0]["held"] is True
    assert _release(directory, "edoc", "h36.077") == 0
    state = yaml.safe_load(state_path.read_text(encoding="utf-8"))
    assert [item["value"] for item in state["quarantine"]] == ["10.249.0.6/31", "H36.077"]


@pytest.mark.parametrize(
    ("kind", "value", "problem"),
    [
        ("address", "10.1.1.300", "invalid address"),
        ("prefix", "10.1.1.1/24", "host bits set"),
        ("domain", "bad_domain.gov.vn", "invalid domain"),
        ("edoc", "H36-001", "may only hold"),
        ("account", "  ", "empty value"),
    ],
)
def test_bad_values_are_refused(tmp_path: Path, kind: str, value: str, problem: str) -> None:
    assert problem in (check_value(kind, value)[0] or "")
    directory = write_workspace(tmp_path / "ws", small_mapping(1))
    assert _release(directory, kind, value) == 3
    assert not (directory / "state" / "allocations.yml").exists()


def test_allocator_skips_manually_quarantined_space(tmp_path: Path) -> None:
    directory = write_workspace(tmp_path / "ws", small_mapping(2))
    assert _release(directory, "prefix", "10.64.0.0/23") == 0
    assert _release(directory, "domain", "thunghiema") == 0
    assert _release(directory, "edoc", "H36.001") == 0
    assert main(["inventory", str(directory), "-q"]) == 0
    state = yaml.safe_load((directory / "state" / "allocations.yml").read_text(encoding="utf-8"))
    first = state["communes"]["90000"]
    assert first["lan_prefix"] == "10.64.2.0/23"
    assert first["label"] != "thunghiema" and first["edoc_code"] == "H36.002"


def test_writers_take_the_workspace_lock(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from controller.workspace import Workspace

    directory = write_workspace(tmp_path / "ws", small_mapping(1))
    with Workspace(directory).lock():
        assert _release(directory, "line", "10.249.0.6/31") == 3
        assert main(["inventory", str(directory), "-q"]) == 3
    assert "another mergectl is working" in capsys.readouterr().err
    assert not (directory / "state" / "allocations.yml").exists()
    assert _release(directory, "line", "10.249.0.6/31") == 0
