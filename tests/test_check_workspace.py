"""`mergectl check` on the rendered Bình Thuận workspace: what it checks, --limit, the results
file the report reads, the table and --json, and a whole run against servers of this test on
127.0.0.1 (tests/check_servers.py): never against the inventory's own addresses."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from check_servers import LoopbackReach, Pki, dns_server, greeter, https_server, make_pki

from controller.check import service
from controller.check.probes import tls_context
from controller.check.results import FAIL, PASS, SKIP, CheckResult, new_run, ordered, write_check
from controller.check.runner import run_targets
from controller.check.table import render_table, summary_line
from controller.check.targets import ProvinceFacts, build_targets, select
from controller.cli import main
from controller.errors import EXIT_FAILED, EXIT_INVALID, EXIT_OK, UserError
from controller.inventory_view import InventoryView, load_inventory

CONTRACT_KEYS = ["check", "workstream", "commune", "host", "target", "status", "detail"]
DKIM_TXT = '"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx"'


@pytest.fixture(scope="module")
def view(rendered_binh_thuan: Path) -> InventoryView:
    return load_inventory(rendered_binh_thuan)


@pytest.fixture(scope="module")
def facts(view: InventoryView) -> ProvinceFacts:
    return service.read_facts(view)


def test_facts_come_from_the_rendered_inventory(facts: ProvinceFacts) -> None:
    assert facts.domain == "lamdong.gov.vn"
    assert [(s.host, s.address) for s in facts.name_servers] == [
        ("ns1", "10.240.0.11"),
        ("ns2", "10.240.0.12"),
    ]
    assert facts.mail is not None and facts.mail.fqdn == "mail.lamdong.gov.vn"
    assert facts.dkim_selector == "mail2025"  # roles/mail/defaults/main.yml: written once
    assert len(facts.communes) == 45
    muine = next(c for c in facts.communes if c.label == "muine")
    assert (muine.gateway, muine.domain, muine.portal_fqdn) == (
        "muine-gw",
        "muine.lamdong.gov.vn",
        "muine.lamdong.gov.vn",
    )
    assert [site for site, _ in muine.loopbacks] == ["hq", "party"]
    # no staff list imported in this workspace: the mail play has not set up the server
    assert facts.mail_skip is not None and "accounts import" in facts.mail_skip


def test_every_commune_is_checked_at_both_name_servers(facts: ProvinceFacts) -> None:
    targets = build_targets(facts)
    per_check = Counter(t.check for t in targets)
    loopbacks = sum(len(c.loopbacks) for c in facts.communes)
    assert per_check == {
        "dns.serial": 1,
        "mail.dkim": 2,
        "mail.smtp": 1,
        "mail.imaps": 1,
        "dns.name": 90,
        "mail.mx": 90,
        "portals.https": 45,
        "network.loopback": loopbacks,
    }
    assert {t.workstream for t in targets} <= {"network", "dns", "mail", "portals"}
    assert all(t.commune is None for t in targets if t.check in {"dns.serial", "mail.smtp", "mail.imaps"})


def test_limit_keeps_a_commune_by_gateway_label_or_code_and_the_province_wide_checks(
    view: InventoryView, facts: ProvinceFacts
) -> None:
    targets = build_targets(facts)
    province_wide = [t for t in targets if t.commune is None]
    for pattern in ("muine-gw", "muine", "22918", "mui*"):
        kept = select(targets, view, facts, pattern)
        assert {t.commune for t in kept if t.commune} == {"22918"}, pattern
        assert [t for t in kept if t.commune is None] == province_wide
    everything_but = select(targets, view, facts, "communes,!muine-gw")
    assert "22918" not in {t.commune for t in everything_but}
    assert len({t.commune for t in everything_but if t.commune}) == 44
    at_ns2 = select(targets, view, facts, "ns2")
    assert {t.host for t in at_ns2 if t.commune} == {"ns2"}


def test_a_limit_that_matches_nothing_is_refused(view: InventoryView, facts: ProvinceFacts) -> None:
    with pytest.raises(UserError, match="--limit nowhere-gw: matches no commune"):
        select(build_targets(facts), view, facts, "nowhere-gw")


def test_check_json_is_the_contract(tmp_path: Path) -> None:
    results = [
        CheckResult("mail.mx", "mail", "22918", "ns1", "muine.lamdong.gov.vn MX @ns1", PASS, "MX 10 mail."),
        CheckResult("dns.serial", "dns", None, "ns2", "lamdong.gov.vn SOA @ns1,ns2", FAIL, "serial 1 but 2"),
        CheckResult("mail.dkim", "mail", None, "ns1", "mail2025._domainkey...", SKIP, "no staff list"),
    ]
    run = new_run(ordered(results), limit="muine-gw", lab=False)
    path = write_check(tmp_path, run)
    assert path == tmp_path / "state" / "check.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["version", "checked_at", "limit", "lab", "results"]
    assert (data["version"], data["limit"], data["lab"]) == (1, "muine-gw", False)
    assert data["checked_at"][-6] in "+-" and data["checked_at"][-3] == ":"  # ISO 8601 with offset
    assert [list(r) for r in data["results"]] == [CONTRACT_KEYS] * 3
    # province-wide first, then by commune
    assert [r["commune"] for r in data["results"]] == [None, None, "22918"]
    assert run.counts == {"pass": 1, "fail": 1, "skip": 1} and run.failed
    assert not list(path.parent.glob(".check.json.*"))  # written atomically, nothing left over


def test_a_result_status_is_pass_fail_or_skip() -> None:
    with pytest.raises(ValueError, match="not one of"):
        CheckResult("x.y", "dns", None, None, "t", "OK", "")


def test_table_shows_every_row_with_the_commune_label_and_a_summary() -> None:
    results = [
        CheckResult("dns.name", "dns", "22918", "ns1", "muine.lamdong.gov.vn A @ns1", PASS, "A 10.240.0.41"),
        CheckResult(
            "network.loopback", "network", "22918", "muine-gw", "10.251.0.0 (hq loopback)", FAIL, "no reply"
        ),
    ]
    text = render_table(results, {"22918": "muine"})
    lines = text.splitlines()
    assert lines[0].split() == ["status", "check", "commune", "host", "target", "detail"]
    assert lines[2].split()[:4] == ["PASS", "dns.name", "22918", "muine"]
    assert lines[3].startswith("FAIL") and lines[3].endswith("no reply")
    run = new_run(results, limit=None, lab=False)
    assert summary_line(run, 1.25) == "check FAILED in 1.2 s: 1 passed, 1 failed, 0 skipped (2 checks)"


# A whole run against this test's own servers --------------------------------------------------


def zone_records(facts: ProvinceFacts, serial: int) -> dict[str, dict[str, list[str]]]:
    assert facts.mail is not None and facts.portal is not None
    soa = f"ns1.{facts.domain}. hostmaster.{facts.domain}. {serial} 3600 900 1209600 300"
    found: dict[str, dict[str, list[str]]] = {
        facts.domain: {"SOA": [soa]},
        f"{facts.dkim_selector}._domainkey.{facts.mail_domain}": {"TXT": [DKIM_TXT]},
    }
    for commune in facts.communes:
        found.setdefault(commune.portal_fqdn, {})["A"] = [facts.portal.address]
        found.setdefault(commune.mail_domain, {})["MX"] = [f"10 {facts.mail.fqdn}."]
    return found


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"), ["*.lamdong.gov.vn", "mail.lamdong.gov.vn"])


@pytest.fixture()
def province_servers(facts: ProvinceFacts, pki: Pki) -> Iterator[LoopbackReach]:
    """ns1, ns2 (its serial one behind), portal1 and mail1 on 127.0.0.1; muine's party loopback down."""
    muine = next(c for c in facts.communes if c.label == "muine")
    with ExitStack() as stack:
        ports = {
            ("ns1", 53): stack.enter_context(dns_server(zone_records(facts, 2026120601))),
            ("ns2", 53): stack.enter_context(dns_server(zone_records(facts, 2026120500))),
            ("portal1", 443): stack.enter_context(https_server(pki, {c.portal_fqdn for c in facts.communes})),
            ("mail1", 25): stack.enter_context(greeter(b"220 mail.lamdong.gov.vn ESMTP Postfix\r\n")),
            ("mail1", 993): stack.enter_context(greeter(b"* OK Dovecot ready.\r\n", pki.server_context())),
        }
        yield LoopbackReach(ports, down=frozenset({dict(muine.loopbacks)["party"]}))


def test_a_whole_province_run_finds_what_is_wrong(
    facts: ProvinceFacts, province_servers: LoopbackReach, pki: Pki
) -> None:
    mail_set_up = dataclasses.replace(facts, mail_skip=None)
    results = run_targets(build_targets(mail_set_up), province_servers, tls_context(str(pki.ca_file)))
    failed = sorted((r.check, r.commune, r.host) for r in results if r.status == FAIL)
    assert failed == [("dns.serial", None, "ns2"), ("network.loopback", "22918", "muine-gw")]
    serial = next(r for r in results if r.check == "dns.serial")
    assert serial.detail == "serial 2026120601 at ns1 but 2026120500 at ns2 (transfer not done?)"
    assert not [r for r in results if r.status == SKIP]
    assert len(province_servers.pinged) == sum(len(c.loopbacks) for c in facts.communes)


def test_mergectl_check_exits_5_on_a_fail_and_writes_check_json(
    bt_workspace: Path,
    view: InventoryView,
    province_servers: LoopbackReach,
    pki: Pki,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the command as the engineer runs it, but every address it reaches is this test's
    monkeypatch.setattr(service, "Reach", lambda: province_servers)
    monkeypatch.setattr(service, "load_inventory", lambda _workspace, _extra=(): view)
    code = main(["check", str(bt_workspace), "--limit", "muine", "--ca", str(pki.ca_file), "--json"])
    assert code == EXIT_FAILED
    printed = json.loads(capsys.readouterr().out)
    written = json.loads((bt_workspace / "state" / "check.json").read_text(encoding="utf-8"))
    assert printed == written
    statuses = Counter((r["check"], r["status"]) for r in written["results"])
    # no staff list imported in this workspace: the mail server's checks say why they are skipped
    assert statuses[("mail.smtp", SKIP)] == statuses[("mail.imaps", SKIP)] == 1
    assert statuses[("portals.https", PASS)] == 1
    assert statuses[("network.loopback", FAIL)] == 1
    assert {r["commune"] for r in written["results"]} == {None, "22918"}

    code = main(["check", str(bt_workspace), "--limit", "phuthuy", "--ca", str(pki.ca_file)])
    out = capsys.readouterr().out
    assert code == EXIT_FAILED  # ns2's serial is behind: province-wide, in every run
    assert "FAIL    dns.serial" in out and "check FAILED" in out


def test_mergectl_check_refuses_what_it_cannot_check(tmp_path: Path, bt_workspace: Path) -> None:
    assert main(["check", str(tmp_path / "none")]) == EXIT_INVALID
    assert main(["check", str(bt_workspace), "--ca", str(tmp_path / "missing.pem")]) == EXIT_INVALID
    (tmp_path / "empty").mkdir()
    assert main(["check", str(tmp_path / "empty")]) == EXIT_INVALID


def test_a_passing_run_exits_0(
    bt_workspace: Path,
    view: InventoryView,
    facts: ProvinceFacts,
    pki: Pki,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with ExitStack() as stack:
        records = zone_records(facts, 7)
        ports = {
            ("ns1", 53): stack.enter_context(dns_server(records)),
            ("ns2", 53): stack.enter_context(dns_server(records)),
            ("portal1", 443): stack.enter_context(https_server(pki, {"muine.lamdong.gov.vn"})),
        }
        monkeypatch.setattr(service, "Reach", lambda: LoopbackReach(ports))
        monkeypatch.setattr(service, "load_inventory", lambda _workspace, _extra=(): view)
        assert main(["check", str(bt_workspace), "--limit", "muine-gw", "--ca", str(pki.ca_file)]) == EXIT_OK


def test_a_workspace_with_a_lab_is_checked_through_the_lab_only(bt_workspace: Path) -> None:
    """With a lab up, the plan's addresses live in containers here: `mergectl check` refuses to
    send anything toward them from this machine and names `lab check`."""
    overlay = bt_workspace / "lab" / "hosts.yml"
    overlay.parent.mkdir()
    overlay.write_text("all: {}\n", encoding="utf-8")
    with pytest.raises(UserError, match="mergectl lab check"):
        service.check_workspace(bt_workspace)
    assert main(["check", str(bt_workspace)]) == EXIT_INVALID
