"""What `lab check` runs inside the lab's containers (podman exec), and what the output says.

Every command goes through `sh`, the one place a test replaces to simulate a lab.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from lab import podman
from lab.routing import GUARD_FORWARD_COUNTER, GUARD_TABLE
from lab.verdict import CounterChange, parse_counter, parse_dig_answers, parse_lease

_Outcome = TypeVar("_Outcome")
LEASE_WAIT_SECONDS = 45


def sh(container: str, script: str, timeout: float = 120) -> tuple[int, str]:
    done = podman.exec_script(container, script, timeout=timeout)
    return done.returncode, (done.stdout + done.stderr).strip()


def responds(container: str) -> bool:
    code, _ = sh(container, "true", 30)
    return code == 0


def has_address(container: str, interface: str, address: str) -> bool:
    code, output = sh(container, f"ip -4 -o address show dev {interface}", 30)
    return code == 0 and f" {address} " in f" {output} "


def guard_loaded(container: str) -> bool:
    code, output = sh(container, f"nft list counter inet {GUARD_TABLE} {GUARD_FORWARD_COUNTER}", 30)
    return code == 0 and parse_counter(output) is not None


def wait_for_lease(client_container: str) -> tuple[dict[str, str], str]:
    """The lease file and the address on eth0; restarts the client's DHCP once if the lease is
    slow to come. The gateway's DHCP server may have started while the client was backing off
    (a minute and more between discoveries): `networkctl renew` does nothing without a lease,
    `reconfigure` starts a fresh discovery at once."""
    deadline = time.monotonic() + LEASE_WAIT_SECONDS
    renewed = False
    while True:
        _, output = sh(
            client_container,
            "cat /run/systemd/netif/leases/* 2>/dev/null; echo ==; ip -4 -o address show dev eth0",
            30,
        )
        lease_text, _, address_text = output.partition("==")
        lease = parse_lease(lease_text)
        fields = address_text.split()
        address = fields[fields.index("inet") + 1] if "inet" in fields else ""
        if lease.get("ADDRESS") and address:
            return lease, address
        if time.monotonic() >= deadline:
            return lease, address
        if not renewed and time.monotonic() > deadline - LEASE_WAIT_SECONDS + 10:
            sh(client_container, "networkctl reconfigure eth0", 30)
            renewed = True
        time.sleep(2)


def dig(container: str, server: str, names: list[str]) -> tuple[dict[str, list[str]], str]:
    queries = " ".join(f"{name} A" for name in names)
    code, output = sh(container, f"dig +time=2 +tries=2 +noall +answer @{server} {queries}", 300)
    return parse_dig_answers(output), ("" if code == 0 else output[-200:])


def tcp(container: str, address: str, port: int) -> str:
    """connected | refused | timeout | error: ..."""
    _, output = sh(container, f"timeout 4 bash -c '</dev/tcp/{address}/{port}' 2>&1; echo rc=$?", 30)
    if output.endswith("rc=0"):
        return "connected"
    if "refused" in output.lower():
        return "refused"
    if output.endswith("rc=124"):
        return "timeout"
    return "error: " + output.replace("\n", " ")[-80:]


def ping(container: str, address: str) -> bool:
    code, _ = sh(container, f"ping -n -q -c 2 -W 2 {address} >/dev/null", 30)
    return code == 0


def policy_denied(gateway_container: str) -> int | None:
    """Packets the gateway's policy denied so far; None when nft cannot say (no table, no
    counter), which no arithmetic may turn into a number."""
    code, output = sh(gateway_container, "nft list chain inet commune_lan forward", 30)
    return parse_counter(output) if code == 0 else None


def guard_drops(container: str) -> int | None:
    """Packets the leak guard dropped so far; None when nft cannot say."""
    code, output = sh(container, f"nft list counter inet {GUARD_TABLE} {GUARD_FORWARD_COUNTER}", 30)
    return parse_counter(output) if code == 0 else None


def denied_during(gateway_container: str, probe: Callable[[], _Outcome]) -> tuple[_Outcome, CounterChange]:
    """What `probe` returned, and how the gateway's `denied` counter moved meanwhile:
    "no reply" only counts as the policy's doing when its counter grew."""
    before = policy_denied(gateway_container)
    outcome = probe()
    return outcome, CounterChange(before, policy_denied(gateway_container))
