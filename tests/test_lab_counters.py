"""`lab check` judges "dropped" by how much an nft counter moved during the probe. A read that
failed (no table, nft missing, the container gone) is no number: the probe FAILs and says
which read failed, instead of subtracting an error code from a count."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import cycle

import pytest

from lab import probes, shell
from lab.clients import GOVERNMENT, PARTY, Client, Commune, LabFacts, Session, Stage
from lab.probes import ProbeRun
from lab.routing import LabRouting
from lab.verdict import CounterChange, TcpProbe

GATEWAY = "lab-muine-gw"
GOV_ADDRESS, PARTY_ADDRESS = "10.64.0.32", "10.64.0.140"


def commune(label: str, third: int) -> Commune:
    return Commune(
        label,
        f"lab-{label}-gw",
        (
            Client(GOVERNMENT, f"lab-{label}-client", f"10.64.{third}.0/25", f"10.64.{third}.1"),
            Client(PARTY, f"lab-{label}-party-client", f"10.64.{third}.128/26", f"10.64.{third}.129"),
        ),
    )


MUINE = commune("muine", 0)
FACTS = LabFacts(
    routing=LabRouting(
        "h2labcount", "10.240.0.0/24", "10.240.0.1", "10.251.15.255", "10.241.0.0/22", ("10.0.0.0/8",), ()
    ),
    names=[],
    expected_address="",
    services=[TcpProbe("unopened tcp/22", "10.240.0.11", 22, expect_reach=False)],
    guard_everywhere=True,
    core_container="lab-core1",
    communes=[MUINE, commune("phuquy", 2)],
)


class QuietLab:
    """Nothing a client sends crosses the gateway (no reply, timeouts) while the gateway
    itself reaches its clients; the gateway's `denied` counter and the core's guard read as
    scripted, over and over, None being a read that fails."""

    def __init__(self, denied: list[int | None], guard: list[int | None]) -> None:
        self.readings: dict[str, Iterator[int | None]] = {"denied": cycle(denied), "guard": cycle(guard)}

    def sh(self, container: str, script: str, timeout: float = 120) -> tuple[int, str]:
        if script.startswith("nft list chain inet commune_lan forward"):
            return self.read("denied")
        if script.startswith("nft list counter"):
            return self.read("guard")
        from_gateway = container == GATEWAY
        if script.startswith("ping"):
            return (0 if from_gateway else 1), ""
        if "/dev/tcp/" in script:
            return 0, "rc=0" if from_gateway else "rc=124"
        raise AssertionError(f"unexpected command in {container}: {script}")

    def read(self, counter: str) -> tuple[int, str]:
        value = next(self.readings[counter])
        if value is None:
            return 1, "Error: No such file or directory; did you mean table 'commune_lan' in family inet?"
        return 0, f'\t\tcounter packets {value} bytes {value * 60} comment "denied"'


def session_of(kind: str) -> Session:
    client = MUINE.client(GOVERNMENT if kind == "gov" else PARTY)
    leased = GOV_ADDRESS if kind == "gov" else PARTY_ADDRESS
    return Session(MUINE, client, leases={"gov": GOV_ADDRESS}, stage=Stage.LEASED, leased=leased)


def run(
    monkeypatch: pytest.MonkeyPatch,
    probe: ProbeRun,
    kind: str,
    *,
    denied: list[int | None],
    guard: list[int | None],
) -> list[tuple[str, str, str]]:
    monkeypatch.setattr(shell, "sh", QuietLab(denied, guard).sh)
    rows = probe(session_of(kind), FACTS)
    assert rows
    return [(row.check, row.observed, row.result) for row in rows]


# Every probe that proves a drop by the gateway's `denied` counter (the guard steady), and
# the one that proves it by the core's guard (the `denied` counter steady).
BY_DENIED = [
    pytest.param(probes.services, "gov", id="unopened port"),
    pytest.param(probes.other_communes, "gov", id="other commune"),
    pytest.param(probes.outside_the_plan, "gov", id="outside the plan"),
    pytest.param(probes.government_vlan_isolation, "party", id="party and government VLANs"),
]
UNREADABLE = [
    pytest.param([None, 7], "unreadable before the probe", id="failed read before"),
    pytest.param([7, None], "unreadable after the probe", id="failed read after"),
    pytest.param([None, None], "unreadable before and after the probe", id="both reads failed"),
]


@pytest.mark.parametrize(("readings", "reason"), UNREADABLE)
@pytest.mark.parametrize(("probe", "kind"), BY_DENIED)
def test_an_unreadable_denied_counter_fails_the_probe(
    monkeypatch: pytest.MonkeyPatch, probe: ProbeRun, kind: str, readings: list[int | None], reason: str
) -> None:
    rows = run(monkeypatch, probe, kind, denied=readings, guard=[4])
    for check, observed, result in rows:
        assert result == "FAIL", check
        assert f"gateway denied ? (counter {reason})" in observed, observed


@pytest.mark.parametrize(("probe", "kind"), BY_DENIED)
def test_a_denied_counter_that_really_grew_passes(
    monkeypatch: pytest.MonkeyPatch, probe: ProbeRun, kind: str
) -> None:
    rows = run(monkeypatch, probe, kind, denied=[7, 9], guard=[4])
    assert [result for _, _, result in rows] == ["PASS"] * len(rows), rows
    assert all("gateway denied +2" in observed for _, observed, _ in rows)


@pytest.mark.parametrize(("readings", "reason"), UNREADABLE)
def test_an_unreadable_guard_counter_fails_the_vm_probe(
    monkeypatch: pytest.MonkeyPatch, readings: list[int | None], reason: str
) -> None:
    [(_, observed, result)] = run(monkeypatch, probes.vm_prefix, "gov", denied=[7], guard=readings)
    assert result == "FAIL" and f"core guard ? (counter {reason})" in observed


def test_a_guard_counter_that_really_grew_passes_the_vm_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    [(_, observed, result)] = run(monkeypatch, probes.vm_prefix, "gov", denied=[7], guard=[4, 5])
    assert result == "PASS" and observed == "timeout, core guard +1"


@pytest.mark.parametrize(("readings", "reason"), UNREADABLE)
def test_an_unreadable_guard_is_not_an_unchanged_guard(
    monkeypatch: pytest.MonkeyPatch, readings: list[int | None], reason: str
) -> None:
    """Outside the plan, the core's guard must NOT move (the gateway dropped the packet):
    two failed reads used to compare equal and pass."""
    [(_, observed, result)] = run(monkeypatch, probes.outside_the_plan, "gov", denied=[7, 9], guard=readings)
    assert result == "FAIL" and f"core guard ? (counter {reason})" in observed


def test_a_guard_that_stayed_put_passes_outside_the_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    [(_, observed, result)] = run(monkeypatch, probes.outside_the_plan, "gov", denied=[7, 9], guard=[4, 4])
    assert result == "PASS" and observed == "no reply, gateway denied +2, core guard +0"


def test_counter_change_arithmetic() -> None:
    assert CounterChange(3, 5).grew and str(CounterChange(3, 5)) == "+2"
    assert CounterChange(3, 3).unchanged and not CounterChange(3, 3).grew
    assert str(CounterChange(5, 3)) == "+-2" and not CounterChange(5, 3).grew
    for broken in (CounterChange(None, 5), CounterChange(5, None), CounterChange(None, None)):
        assert broken.delta is None and not broken.grew and not broken.unchanged
    assert CounterChange(0, None).delta is None  # zero is a reading, None is not
    assert str(CounterChange(None, None)) == "? (counter unreadable before and after the probe)"


def test_a_counter_read_is_none_when_nft_fails_or_shows_no_counter(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = iter(
        [(1, "Error: No such file or directory"), (0, "table inet commune_lan {\n}"), (0, "packets 0")]
    )
    monkeypatch.setattr(shell, "sh", lambda *_args, **_kw: next(answers))
    assert [shell.policy_denied(GATEWAY) for _ in range(3)] == [None, None, 0]
