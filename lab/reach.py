"""How `mergectl check` reaches the lab from this machine (`lab check` runs it so).

The lab's networks are on this machine: a server is reached at the address podman gave its
container on the Integration Centre network (the plan's address lives inside the lab, behind
the core, and this machine must never send to plan addresses: they would leave for its real
network). A gateway's site loopbacks are only routed over the data lines, so they are pinged
from the lab's core, which is where the control node's packets enter the province network.
The internal CA the check trusts is the one the lab's roles made (lab_ca_bundle).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from controller.check.reach import Endpoint, Reach, Unreachable
from controller.check.targets import role_default
from controller.yamlio import atomic_write
from lab import podman, shell
from lab.plan import IC

# Where the mail role keeps the self-signed certificate it makes without one given
# (roles/mail/tasks/tls.yml): the lab has no other CA for the mail server.
MAIL_SELF_SIGNED = "/etc/ssl/certs/mergectl-mail.pem"
CA_BUNDLE = "ca.pem"
# Why a host outside the lab slice is not checked (lab/check.py folds these into one row).
NOT_IN_SLICE = "not in the lab slice"


def overlay_hosts(workspace: Path) -> dict[str, Mapping[str, Any]]:
    """host -> its lab facts (lab_container, lab_addresses...) from DIR/lab/host_vars/."""
    found: dict[str, Mapping[str, Any]] = {}
    for path in sorted((workspace / "lab" / "host_vars").glob("*.yml")):
        found[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return found


class LabReach(Reach):
    def __init__(self, hosts: Mapping[str, Mapping[str, Any]], core_container: str) -> None:
        self.hosts = hosts
        self.core_container = core_container
        self.vantage = "the lab's core (where the control node's packets enter)"

    def endpoint(self, host: str | None, address: str, port: int) -> Endpoint:
        facts = self.hosts.get(str(host))
        if facts is None:
            raise Unreachable(f"{host} is {NOT_IN_SLICE}")
        lab_address = (facts.get("lab_addresses") or {}).get(IC)
        if not lab_address:
            raise Unreachable(f"{host} has no address on the lab's Integration Centre network")
        return Endpoint(str(lab_address), port)

    def ping(self, host: str | None, address: str) -> bool:
        if str(host) not in self.hosts:
            raise Unreachable(f"{host} is {NOT_IN_SLICE}")
        if not self.core_container:
            raise Unreachable("the lab has no core to ping from")
        return shell.ping(self.core_container, address)


def lab_ca_bundle(
    workspace: Path, hosts: Mapping[str, Mapping[str, Any]], servers: Mapping[str, str], content: Path
) -> Path | None:
    """DIR/lab/ca.pem: the portal role's own CA and the mail server's self-signed certificate,
    read from the lab's containers; None when neither is there yet (the site has not run).
    `servers`: "portal" and "mail" -> their inventory hosts."""
    portal_dir = role_default(content, "portal", "portal_tls_dir")
    wanted = []
    for kind, path in (("portal", f"{portal_dir}/ca.crt"), ("mail", MAIL_SELF_SIGNED)):
        host = servers.get(kind)
        container = str((hosts.get(host) or {}).get("lab_container", "")) if host else ""
        if not container:
            continue
        done = podman.exec_script(container, f"cat {path} 2>/dev/null", timeout=30)
        if done.returncode == 0 and "BEGIN CERTIFICATE" in done.stdout:
            wanted.append(f"# {host}:{path}\n{done.stdout.strip()}\n")
    if not wanted:
        return None
    bundle = workspace / "lab" / CA_BUNDLE
    atomic_write(bundle, "".join(wanted))
    return bundle
