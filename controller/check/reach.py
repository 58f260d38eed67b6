"""How the control node reaches what it checks.

Production: every address as the inventory gives it (the control node sits at the Integration
Centre, where the plan's addresses are routed). The lab gives its own `Reach` (lab/check.py):
the containers' addresses on this machine's podman networks for the plan's, and pings from the
lab's core where only the data lines lead.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

PING_WAIT_SECONDS = 2
PING_TRIES = 2


class Unreachable(Exception):
    """The check cannot be made from here (the result is a SKIP saying why)."""


@dataclass(frozen=True)
class Endpoint:
    address: str
    port: int


class Reach:
    """Direct: the addresses of the inventory, ping from this machine."""

    vantage = "the control node"

    def endpoint(self, host: str | None, address: str, port: int) -> Endpoint:
        """Where to connect for `address:port` of `host`; raises Unreachable with the reason."""
        return Endpoint(address, port)

    def ping(self, host: str | None, address: str) -> bool:
        """Whether `address` answers an ICMP echo (tries twice: a lost packet is no failure)."""
        binary = shutil.which("ping")
        if binary is None:
            raise Unreachable("no ping command on this machine (Debian: apt install iputils-ping)")
        for _ in range(PING_TRIES):
            done = subprocess.run(
                [binary, "-n", "-q", "-c", "1", "-W", str(PING_WAIT_SECONDS), address],
                capture_output=True,
                check=False,
                timeout=PING_WAIT_SECONDS + 5,
            )
            if done.returncode == 0:
                return True
        return False
