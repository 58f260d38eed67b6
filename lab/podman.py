"""The lab's only contact with podman: subprocess calls, JSON parsing, clear errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from controller.errors import UserError
from lab.plan import LAB_LABEL, LAB_SPEC_LABEL, LabContainer, LabNetwork


class PodmanError(UserError):
    """A podman command failed; the message carries the command and podman's own words."""


@dataclass(frozen=True)
class RunningContainer:
    name: str
    state: str
    labels: Mapping[str, str] = field(default_factory=dict)
    id: str = ""


def _podman(
    args: Sequence[str], *, check: bool = True, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    if shutil.which("podman") is None:
        raise PodmanError("podman is not installed; run scripts/setup.sh (apt-get install podman runc)")
    completed = subprocess.run(
        ["podman", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and completed.returncode != 0:
        raise PodmanError(
            f"'podman {' '.join(args)}' failed: {completed.stderr.strip() or completed.stdout.strip()}"
        )
    return completed


def image_exists(image: str) -> bool:
    return _podman(["image", "exists", image], check=False).returncode == 0


def network_subnets() -> dict[str, list[str]]:
    """Every podman network on the machine -> its subnets."""
    data = json.loads(_podman(["network", "ls", "--format", "json"]).stdout or "[]")
    return {net["name"]: [s["subnet"] for s in net.get("subnets") or []] for net in data}


def lab_networks(province: str) -> dict[str, dict[str, Any]]:
    data = json.loads(
        _podman(["network", "ls", "--format", "json", "--filter", f"label={LAB_LABEL}={province}"]).stdout
        or "[]"
    )
    return {net["name"]: net for net in data}


def lab_containers(province: str) -> dict[str, RunningContainer]:
    data = json.loads(
        _podman(["ps", "--all", "--format", "json", "--filter", f"label={LAB_LABEL}={province}"]).stdout
        or "[]"
    )
    found: dict[str, RunningContainer] = {}
    for entry in data:
        names = entry.get("Names") or []
        name = names[0] if names else entry.get("Id", "")[:12]
        found[name] = RunningContainer(
            name, str(entry.get("State", "")).lower(), entry.get("Labels") or {}, str(entry.get("Id", ""))
        )
    return found


def create_network(network: LabNetwork, province: str) -> None:
    args = ["network", "create", "--label", f"{LAB_LABEL}={province}"]
    if network.subnet:
        args += ["--subnet", network.subnet]
    else:
        # No addresses from podman: the commune gateway's DHCP server hands them out.
        args += ["--ipam-driver", "none", "--disable-dns"]
    if network.internal:
        args.append("--internal")
    _podman([*args, network.name])


def start_container(container: LabContainer, image: str, province: str) -> None:
    args = [
        "run",
        "--detach",
        "--name",
        container.name,
        "--hostname",
        container.host,
        "--label",
        f"{LAB_LABEL}={province}",
        "--label",
        f"{LAB_SPEC_LABEL}={container.spec_hash(image)}",
        # Gateways and the core route, filter and tag VLANs; servers run systemd units.
        "--privileged",
    ]
    for attachment in container.attachments:
        # interface_name pins eth0, eth1, ... to the plan's order whatever podman's own is.
        args += ["--network", f"{attachment.network}:interface_name={attachment.interface}"]
    if any(a.network for a in container.attachments):
        args += ["--network-alias", container.host]
    _podman([*args, image, "/sbin/init"])


def wait_booted(names: Sequence[str], timeout: float = 240) -> dict[str, str]:
    """Waits until systemd in each container has finished booting; returns name -> state
    ("running"/"degraded" when booted, the state it was stuck in otherwise)."""
    deadline = time.monotonic() + timeout
    states: dict[str, str] = {}
    for name in names:
        while True:
            remaining = deadline - time.monotonic()
            try:
                done = _podman(
                    ["exec", name, "systemctl", "is-system-running", "--wait"],
                    check=False,
                    timeout=max(5.0, remaining),
                )
                state = done.stdout.strip() or "unknown"
            except subprocess.TimeoutExpired:
                state = _podman(["exec", name, "systemctl", "is-system-running"], check=False).stdout.strip()
            # "degraded" is booted too: some unit failed, which the roles' own checks will show.
            if state in {"running", "degraded"} or time.monotonic() >= deadline:
                states[name] = state or "unknown"
                break
            time.sleep(0.5)
    return states


def make_sys_read_only(name: str) -> None:
    """systemd-networkd treats a writable /sys as "udev manages the links" and leaves them
    pending; a container normally has /sys read-only, a privileged one here does not."""
    mounts = _podman(["exec", name, "findmnt", "-n", "-o", "OPTIONS", "/sys"], timeout=30).stdout
    if mounts.split(",")[0] != "ro":
        _podman(["exec", name, "mount", "-o", "remount,ro", "/sys"], timeout=30)


LAB_CLIENT_NETWORK = "/etc/systemd/network/10-lab-lan.network"


def configure_dhcp_client(name: str, interface: str) -> None:
    """A LAN client asks the commune gateway for its address, as a PC at the HQ does."""
    unit = f"[Match]\nName={interface}\n\n[Network]\nDHCP=ipv4\n"
    current = _podman(["exec", name, "cat", LAB_CLIENT_NETWORK], check=False, timeout=30).stdout
    if current == unit:
        return
    _podman(["exec", name, "sh", "-c", f"printf '{unit}' > {LAB_CLIENT_NETWORK}"], timeout=30)
    _podman(["exec", name, "systemctl", "enable", "--now", "systemd-networkd"], timeout=60)
    _podman(["exec", name, "systemctl", "restart", "systemd-networkd"], timeout=60)


def system_state(name: str) -> str:
    done = _podman(["exec", name, "systemctl", "is-system-running"], check=False, timeout=30)
    return done.stdout.strip() or "unreachable"


def addresses(names: Sequence[str]) -> dict[str, dict[str, str]]:
    """Container name -> {network name: IPv4 address} for the networks that have IPAM."""
    if not names:
        return {}
    data = json.loads(_podman(["inspect", "--type", "container", "--format", "json", *names]).stdout or "[]")
    found: dict[str, dict[str, str]] = {}
    for entry in data:
        networks = (entry.get("NetworkSettings") or {}).get("Networks") or {}
        name = str(entry.get("Name", "")).lstrip("/")
        found[name] = {net: info.get("IPAddress") for net, info in networks.items() if info.get("IPAddress")}
    return found


def remove_containers(names: Sequence[str]) -> None:
    """One podman call for all, so they stop in parallel; --time 3 because systemd
    (STOPSIGNAL SIGRTMIN+3 in the image) shuts a container down well within it."""
    if names:
        _podman(["rm", "--force", "--time", "3", *names])


def remove_network(name: str) -> None:
    _podman(["network", "rm", name])


def exec_script(name: str, script: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Runs a shell script inside a container, fed on stdin (no quoting through podman)."""
    if shutil.which("podman") is None:
        raise PodmanError("podman is not installed; run scripts/setup.sh (apt-get install podman runc)")
    return subprocess.run(
        ["podman", "exec", "-i", name, "sh", "-s"],
        input=script,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
