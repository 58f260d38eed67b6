"""Where `mergectl apply` takes the playbooks from (controller/run.py, `ansible_content`): a configured
checkout or collection, the checkout around the controller, or the installed collection; and a
non-editable install of mergectl, which has no checkout around it."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import outside_env

from controller.errors import UserError
from controller.run import COLLECTION_CONFIG, ansible_content, collection_config_text

REPO = Path(__file__).resolve().parent.parent
# ansible.cfg's settings that are paths into the checkout: a run from the collection has no use for them.
CHECKOUT_ONLY = {
    "roles_path",
    "filter_plugins",
    "strategy_plugins",
    "library",
    "module_utils",
    "fact_caching_connection",
}


def test_the_collections_settings_are_the_repositorys() -> None:
    config = configparser.ConfigParser(interpolation=None)
    config.read(REPO / "ansible.cfg")
    for section, values in COLLECTION_CONFIG.items():
        repository = {key: value for key, value in config[section].items() if key not in CHECKOUT_ONLY}
        assert repository.pop("strategy", None) == "mergectl_linear" or section != "defaults"
        ours = {key: value for key, value in values.items() if key != "strategy"}
        assert ours == repository, section
    assert COLLECTION_CONFIG["defaults"]["strategy"] == "vngov.mergectl.mergectl_linear"
    text = collection_config_text(Path("/c/ansible_collections/vngov/mergectl"))
    written = configparser.ConfigParser(interpolation=None)
    written.read_string(text)
    assert written["defaults"]["collections_path"].startswith("/c:")


def test_the_checkout_around_the_controller_comes_first_unless_configured(tmp_path: Path) -> None:
    assert ansible_content({}).folder == REPO and not ansible_content({}).collection
    copy = tmp_path / "checkout"
    (copy / "playbooks").mkdir(parents=True)
    (copy / "ansible.cfg").write_text("[defaults]\n", encoding="utf-8")
    assert ansible_content({"MERGECTL_ANSIBLE_DIR": str(copy)}).folder == copy
    collection = tmp_path / "ansible_collections" / "vngov" / "mergectl"
    (collection / "playbooks").mkdir(parents=True)
    found = ansible_content({"MERGECTL_ANSIBLE_DIR": str(collection)})
    assert (
        found.collection
        and found.playbook_argument(collection / "playbooks" / "site.yml") == "vngov.mergectl.site"
    )
    assert found.playbook_argument(tmp_path / "mine.yml") == str(tmp_path / "mine.yml")
    with pytest.raises(UserError, match="neither a checkout"):
        ansible_content({"MERGECTL_ANSIBLE_DIR": str(tmp_path)})


def test_a_non_editable_install_finds_the_installed_collection(
    tmp_path: Path, installed_collection: Path
) -> None:
    """`pipx install .` installs a wheel: no ansible.cfg, no playbooks beside the controller."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "controller", "lab"):
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, source / name)
    target = tmp_path / "site"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (target / "controller" / "province" / "province.schema.json").is_file()
    templates = target / "controller" / "report_render" / "templates"  # the report's page and its CSS
    assert (templates / "report.html.j2").is_file() and (templates / "report.css").is_file()
    assert not (target / "ansible.cfg").exists() and not (target / "playbooks").exists()
    probe = (
        "import controller.run as r\n"
        "try:\n    c = r.ansible_content()\n    print(c.collection, c.folder)\n"
        "except r.UserError as e:\n    print('error', e)\n"
    )
    alone = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=outside_env(PYTHONPATH=str(target)),
        timeout=60,
    )
    assert alone.stdout.startswith(
        "error cannot find the playbooks: install the collection vngov.mergectl"
    ), alone.stdout + alone.stderr
    beside = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=outside_env(PYTHONPATH=str(target), ANSIBLE_COLLECTIONS_PATH=str(installed_collection)),
        timeout=60,
    )
    assert (
        beside.stdout.strip() == f"True {installed_collection.resolve()}/ansible_collections/vngov/mergectl"
    ), beside.stdout + beside.stderr
