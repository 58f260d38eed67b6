"""The collection vngov.mergectl (scripts/build-collection.sh): it builds from the repository's folders,
installs offline into an empty path, documents every module, and its playbooks and filters run
without the controller; the collections it needs are the pinned `ansible` bundle's versions."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import outside_env

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FQCN = "vngov.mergectl"
LAB_ROLES = {"old_district_seed"}
# Collections the roles and playbooks use, by FQCN prefix; requirements.yml adds the test bed's.
ROLE_COLLECTIONS = {
    "ansible.posix",
    "ansible.utils",
    "community.crypto",
    "community.general",
    "community.libvirt",
}


def galaxy() -> dict:
    return yaml.safe_load((REPO / "collection" / "galaxy.yml").read_text(encoding="utf-8"))


def run(args: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Outside the repository, with no ansible.cfg and no controller on the Python path: what an
    execution environment or another project sees."""
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=outside_env(**env), timeout=300
    )


@pytest.fixture(scope="module")
def built(built_collection: Path) -> Path:
    return built_collection


@pytest.fixture(scope="module")
def installed(installed_collection: Path) -> Path:
    return installed_collection


def collection_root(installed: Path) -> Path:
    return installed / "ansible_collections" / "vngov" / "mergectl"


def test_the_tarball_carries_the_version_of_pyproject(built: Path) -> None:
    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert galaxy()["version"] == version
    assert [p.name for p in (built / "dist").iterdir()] == [f"vngov-mergectl-{version}.tar.gz"]


def test_the_installed_collection_holds_the_repository_folders(installed: Path) -> None:
    root = collection_root(installed)
    assert {p.stem for p in (root / "plugins" / "modules").glob("*.py")} == {
        p.stem for p in (REPO / "library").glob("*.py")
    }
    assert {p.name for p in (root / "plugins" / "module_utils").glob("*.py")} == {
        p.name for p in (REPO / "module_utils").glob("*.py")
    }
    assert {p.name for p in (root / "plugins" / "filter").glob("*.py")} == {
        p.name for p in (REPO / "filter_plugins").glob("*.py")
    }
    assert {p.name for p in (root / "roles").iterdir()} == {
        p.name for p in (REPO / "roles").iterdir()
    } - LAB_ROLES
    assert {p.name for p in (root / "playbooks").glob("*.yml")} == {
        p.name for p in (REPO / "playbooks").glob("*.yml")
    }
    assert "MIT License" in (root / "LICENSE").read_text()
    manifest = json.loads((root / "MANIFEST.json").read_text())
    assert manifest["collection_info"]["license_file"] == "LICENSE"


def test_the_naming_rules_ship_as_the_one_copy_and_nothing_imports_the_controller(installed: Path) -> None:
    root = collection_root(installed)
    assert (root / "plugins" / "plugin_utils" / "names.py").read_bytes() == (
        REPO / "controller" / "names.py"
    ).read_bytes()
    for path in (root / "plugins").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not [name for name in runtime_imports(text) if name.split(".")[0] == "controller"], path
        assert "sys.path.insert" not in text, path


def runtime_imports(source: str) -> list[str]:
    """Modules a file imports when it runs (annotations under `if TYPE_CHECKING:` are never executed)."""
    found: list[str] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if (
                isinstance(node, ast.If)
                and isinstance(node.test, ast.Name)
                and node.test.id == "TYPE_CHECKING"
            ):
                visit(node.orelse)
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    found.extend(alias.name for alias in inner.names)
                elif isinstance(inner, ast.ImportFrom) and inner.module and not inner.level:
                    found.append(inner.module)

    visit(ast.parse(source).body)
    return found


def test_every_module_renders_from_the_collection(installed: Path, tmp_path: Path) -> None:
    modules = sorted(p.stem for p in (REPO / "library").glob("*.py"))
    done = run(
        [BIN / "ansible-doc", "-t", "module", *(f"{FQCN}.{m}" for m in modules)],
        tmp_path,
        ANSIBLE_COLLECTIONS_PATH=str(installed),
    )
    assert done.returncode == 0 and "ERROR" not in done.stderr, done.stderr
    for module in modules:
        assert f"{FQCN}.{module}" in done.stdout
    listed = run([BIN / "ansible-doc", "-l", FQCN], tmp_path, ANSIBLE_COLLECTIONS_PATH=str(installed))
    assert {line.split()[0] for line in listed.stdout.splitlines()} == {f"{FQCN}.{m}" for m in modules}


def test_the_playbooks_load_by_their_fqcn(installed: Path, tmp_path: Path) -> None:
    names = [f"{FQCN}.{p.stem}" for p in sorted((REPO / "playbooks").glob("*.yml"))]
    done = run(
        [BIN / "ansible-playbook", *names, "--syntax-check", "-i", "localhost,"],
        tmp_path,
        ANSIBLE_COLLECTIONS_PATH=str(installed),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("playbook: ") == len(names)


def test_the_collection_calls_its_filters_and_modules_by_fqcn(installed: Path) -> None:
    """Ansible resolves a filter's short name only through ansible.cfg's filter_plugins, and Mitogen
    looks a module up by the name the task gives, without the role's collection."""
    root = collection_root(installed)
    dns = (root / "playbooks" / "dns.yml").read_text(encoding="utf-8")
    assert f"| {FQCN}.mergectl_dns_plan(" in dns and f"| {FQCN}.mergectl_dns_zone_names(" in dns
    assert not re.search(r"\|\s*mergectl_dns_", dns)
    modules = "|".join(p.stem for p in (REPO / "library").glob("*.py"))
    for path in root.glob("roles/*/tasks/*.yml"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(rf"^\s*(- )?({modules}):", text, re.MULTILINE), path
    terminate = (root / "roles" / "dataline_terminate" / "tasks" / "main.yml").read_text(encoding="utf-8")
    assert f"  {FQCN}.release_journal:" in terminate


def test_the_filters_work_from_the_collection_without_the_controller(installed: Path, tmp_path: Path) -> None:
    playbook = tmp_path / "filters.yml"
    playbook.write_text(
        """- hosts: localhost
  gather_facts: false
  tasks:
    - ansible.builtin.set_fact:
        label: "{{ 'Phường Mũi Né' | vngov.mergectl.commune_label }}"
        zones: >-
          {{ 'lamdong.gov.vn' | vngov.mergectl.mergectl_dns_zone_names([{'province_label': 'binhthuan'}]) }}
        ptr: "{{ '10.64.2.5' | vngov.mergectl.ptr_name }}"
    - ansible.builtin.assert:
        that:
          - label == 'muine'
          - zones == ['lamdong.gov.vn', 'binhthuan.gov.vn']
          - ptr == '5.2.64.10.in-addr.arpa'
""",
        encoding="utf-8",
    )
    done = run(
        [
            BIN / "ansible-playbook",
            playbook,
            "-i",
            "localhost,",
            "-c",
            "local",
            "-e",
            f"ansible_python_interpreter={sys.executable}",
        ],
        tmp_path,
        ANSIBLE_COLLECTIONS_PATH=str(installed),
    )
    assert done.returncode == 0, done.stdout + done.stderr


def bundled_collections() -> dict[str, str]:
    done = run([BIN / "ansible-galaxy", "collection", "list", "--format", "json"], REPO)
    found: dict[str, str] = {}
    for collections in json.loads(done.stdout).values():
        for name, info in collections.items():
            found.setdefault(name, info["version"])
    return found


def test_requirements_name_the_bundle_versions_of_every_collection_used() -> None:
    bundle = bundled_collections()
    wanted = yaml.safe_load((REPO / "requirements.yml").read_text(encoding="utf-8"))["collections"]
    pinned = {entry["name"]: entry["version"] for entry in wanted}
    assert pinned == {name: bundle[name] for name in pinned}
    assert set(pinned) == ROLE_COLLECTIONS | {"containers.podman"}
    dependencies = galaxy()["dependencies"]
    assert set(dependencies) == ROLE_COLLECTIONS
    for name, spec in dependencies.items():
        assert spec.startswith(f">={bundle[name]},"), (name, spec)


def test_the_roles_and_playbooks_use_no_other_collection() -> None:
    used = set()
    for path in [
        *(REPO / "roles").rglob("*.yml"),
        *(REPO / "roles").rglob("*.j2"),
        *(REPO / "playbooks").rglob("*.yml"),
    ]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\b((?:ansible|community|containers)\.[a-z_]+)\.[a-z_]+\b", text))
    assert used - {"ansible.builtin"} == ROLE_COLLECTIONS


def test_the_runtime_metadata_names_the_pinned_core() -> None:
    runtime = yaml.safe_load((REPO / "collection" / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    pinned = re.search(
        r"^ansible-core==(\d+)\.(\d+)\.", (REPO / "requirements.txt").read_text(), re.MULTILINE
    )
    assert pinned, "ansible-core is pinned in requirements.txt"
    major, minor = int(pinned.group(1)), int(pinned.group(2))
    assert runtime["requires_ansible"] == f">={major}.{minor}.0,<{major}.{minor + 1}.0"
