"""How `lab check` runs `mergectl check` against the lab: servers at their containers' addresses
on the lab's Integration Centre network, loopbacks pinged from the lab's core, hosts outside the
slice folded into one SKIP. No podman here: the containers' answers are faked."""

from __future__ import annotations

from pathlib import Path

import pytest

from controller.check.reach import Endpoint, Unreachable
from controller.check.results import PASS, SKIP, CheckResult
from lab import check as lab_check
from lab import shell
from lab.reach import NOT_IN_SLICE, LabReach, overlay_hosts

HOSTS = {
    "ns1": {"lab_container": "lab-ns1", "lab_role": "server", "lab_addresses": {"ic": "172.30.200.11"}},
    "muine-gw": {
        "lab_container": "lab-muine-gw",
        "lab_role": "gateway",
        "lab_addresses": {"transport": "172.30.201.9"},
    },
}


def test_a_server_is_reached_at_its_container_never_at_its_plan_address() -> None:
    reach = LabReach(HOSTS, "lab-core1")
    assert reach.endpoint("ns1", "10.240.0.11", 53) == Endpoint("172.30.200.11", 53)
    with pytest.raises(Unreachable, match=NOT_IN_SLICE):
        reach.endpoint("ns9", "10.240.0.19", 53)
    with pytest.raises(Unreachable, match="Integration Centre network"):
        reach.endpoint("muine-gw", "10.64.1.1", 22)


def test_a_loopback_is_pinged_from_the_core(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[str, str]] = []

    def sh(container: str, script: str, timeout: float = 120) -> tuple[int, str]:
        sent.append((container, script))
        return 0, ""

    monkeypatch.setattr(shell, "sh", sh)
    reach = LabReach(HOSTS, "lab-core1")
    assert reach.ping("muine-gw", "10.251.0.0")
    assert sent == [("lab-core1", "ping -n -q -c 2 -W 2 10.251.0.0 >/dev/null")]
    with pytest.raises(Unreachable, match=NOT_IN_SLICE):
        reach.ping("phuquy-gw", "10.251.0.44")


def test_the_overlay_host_vars_are_read(tmp_path: Path) -> None:
    folder = tmp_path / "lab" / "host_vars"
    folder.mkdir(parents=True)
    (folder / "ns1.yml").write_text("---\nlab_container: lab-ns1\nlab_addresses: {ic: 172.30.200.11}\n")
    assert overlay_hosts(tmp_path) == {
        "ns1": {"lab_container": "lab-ns1", "lab_addresses": {"ic": "172.30.200.11"}}
    }


def test_hosts_outside_the_slice_fold_into_one_skip() -> None:
    inside = CheckResult("network.loopback", "network", "22918", "muine-gw", "10.251.0.0", PASS, "answers")
    outside = [
        CheckResult(
            "network.loopback", "network", code, f"{label}-gw", "x", SKIP, f"{label}-gw is {NOT_IN_SLICE}"
        )
        for code, label in (("22933", "hamthang"), ("23272", "phuquy"))
    ]
    folded = lab_check.fold_outside_the_slice([inside, *outside])
    assert folded[0] == inside and len(folded) == 2
    assert (folded[1].check, folded[1].commune, folded[1].status) == ("network.loopback", None, SKIP)
    assert folded[1].target.startswith("2 checks of 2 hosts (hamthang-gw, phuquy-gw")
    assert lab_check.fold_outside_the_slice([inside]) == [inside]
