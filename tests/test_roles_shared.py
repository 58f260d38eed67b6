"""What the roles share stays shared: one FRR role for both ends of the data line, one place for
what both name servers run, and role defaults that read the inventory instead of deriving it."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
ROLES = REPO / "roles"


def roles_mentioning(text: str) -> set[str]:
    return {
        path.relative_to(ROLES).parts[0]
        for path in ROLES.rglob("*")
        if path.is_file() and text in path.read_text(encoding="utf-8", errors="replace")
    }


def includes_of(role: str, name: str) -> list[dict]:
    return [t for t in tasks_of(role) if (t.get("ansible.builtin.include_role") or {}).get("name") == name]


def tasks_of(role: str) -> list[dict]:
    found = []
    for path in sorted((ROLES / role / "tasks").glob("*.yml")):
        found.extend(yaml.safe_load(path.read_text(encoding="utf-8")) or [])
    return found


def test_frr_configuration_is_checked_in_one_role_used_by_both_ends() -> None:
    assert roles_mentioning("vtysh --dryrun") == {"frr"}
    for caller in ("data_line", "dataline_core"):
        includes = includes_of(caller, "frr")
        assert len(includes) == 1, caller
        passed = includes[0]["vars"]
        assert set(passed) == {"frr_config", "frr_marker", "frr_bgp", "frr_stale_next_hops"}
        assert "frr.conf.j2" in passed["frr_config"] and f"{caller}_frr_marker" in passed["frr_marker"]
        assert not (ROLES / caller / "tasks" / "frr.yml").exists()
        handlers = yaml.safe_load((ROLES / caller / "handlers" / "main.yml").read_text(encoding="utf-8"))
        assert not [h for h in handlers if "FRR" in h["name"]], caller
    # one read of the protocol-4 routes, filtered, never one command per line
    reads = [t for t in tasks_of("frr") if "route show proto 4" in str(t.get("ansible.builtin.command", ""))]
    assert len(reads) == 1 and "loop" not in reads[0]


def test_both_name_servers_share_bind_common_and_keep_their_checks() -> None:
    assert sorted(p.relative_to(ROLES).as_posix() for p in ROLES.glob("*/templates/tsig.key.j2")) == [
        "bind_common/templates/tsig.key.j2"
    ]
    for server in ("bind_primary", "bind_secondary"):
        includes = includes_of(server, "bind_common")
        assert len(includes) == 1, server
        assert includes[0]["vars"]["bind_common_tsig_secret"] == f"{{{{ {server}_tsig_secret }}}}"
        templates = [t for t in tasks_of(server) if "ansible.builtin.template" in t]
        named_conf = next(t for t in templates if t["ansible.builtin.template"]["src"] == "named.conf.j2")
        assert named_conf["ansible.builtin.template"]["validate"] == "named-checkconf %s"
        assert named_conf["notify"] == "Reconfigure named"
        assert not any("dpkg-query" in str(t) or "tsig.key.j2" in str(t) for t in tasks_of(server)), server
    assert roles_mentioning("named-checkzone") >= {"bind_primary"}


def test_production_roles_carry_no_lab_variables_and_derive_no_addresses() -> None:
    """The lab sets the roles' own variables (lab/overlay.py, the Molecule inventory);
    addresses and lists come rendered from the controller, never walked out of hostvars."""
    own_lab_role = "old_district_seed"  # the lab's own data role
    mentions = [
        path.relative_to(ROLES).as_posix()
        for path in ROLES.rglob("*")
        if path.is_file() and path.relative_to(ROLES).parts[0] != own_lab_role
        and "lab_" in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert mentions == []
    checked = []
    for role in ("data_line", "dataline_core", "dataline_terminate", "commune_lan", "frr"):
        for path in sorted((ROLES / role).glob("[dv]*/main.yml")):  # defaults, vars
            text = path.read_text(encoding="utf-8")
            assert "hostvars" not in text and "groups[" not in text, path.relative_to(ROLES)
            checked.append(path)
    assert len(checked) >= 9
