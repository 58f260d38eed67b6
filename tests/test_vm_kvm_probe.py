"""The hypervisor role's KVM boot probe (roles/hypervisor/files/kvm-probe.sh) decides from
what a throwaway KVM guest does, never from /dev/kvm alone.

libvirt is replaced by a fake `virsh` that plays the three behaviours seen on real hosts:
the guest boots (KVM usable), starts and prints nothing (the paravirtual-KVM hang), or
cannot start at all. The decision and its reason must be recorded for the vm role.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest

PROBE = Path(__file__).resolve().parent.parent / "roles" / "hypervisor" / "files" / "kvm-probe.sh"
MARKER = "Run /init as init process"

FAKE_VIRSH = """#!/bin/sh
# fake virsh for the probe test: -c URI create XML | -c URI destroy NAME
shift 2
case "$1" in
  create)
    console=$(sed -n "s/.*<source path='\\([^']*\\)'.*/\\1/p" "$2")
    case "$FAKE_GUEST" in
      boots) printf 'Linux version 6.1\\r\\n%s\\r\\n' "$FAKE_MARKER" >"$console" ;;
      hangs) : >"$console" ;;
      fails) echo "error: Could not access KVM kernel module: Permission denied" >&2; exit 1 ;;
    esac ;;
  destroy) echo "$2" >>"$FAKE_DESTROYED" ;;
esac
exit 0
"""

pytestmark = pytest.mark.skipif(
    not (os.path.exists("/dev/kvm") and stat.S_ISCHR(os.stat("/dev/kvm").st_mode)),
    reason="the probe's first check needs a /dev/kvm character device on this machine",
)


def run_probe(tmp_path: Path, guest: str, kernel: str = "/boot/vmlinuz-test") -> tuple[str, str, list[str]]:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    virsh = fake_bin / "virsh"
    virsh.write_text(FAKE_VIRSH, encoding="utf-8")
    virsh.chmod(0o755)
    state = tmp_path / "state"
    destroyed = tmp_path / "destroyed"
    env = {
        **os.environ,
        "PATH": f"{fake_bin}:{os.environ['PATH']}",
        "FAKE_GUEST": guest,
        "FAKE_MARKER": MARKER,
        "FAKE_DESTROYED": str(destroyed),
    }
    result = subprocess.run(
        ["sh", str(PROBE), str(state), "qemu:///system", kernel, "/boot/initrd-test", MARKER, "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    decided = (state / "domain_type").read_text(encoding="utf-8").strip()
    destroyed_names = destroyed.read_text(encoding="utf-8").split() if destroyed.exists() else []
    assert result.stdout.strip() in (state / "probe.log").read_text(encoding="utf-8")
    return decided, result.stdout, destroyed_names


def test_a_guest_that_boots_under_kvm_gives_kvm(tmp_path: Path) -> None:
    decided, reason, destroyed = run_probe(tmp_path, "boots")
    assert decided == "kvm"
    assert "reached its init" in reason
    assert len(destroyed) == 1, "the probe guest must be destroyed"


def test_a_guest_that_hangs_gives_emulation_and_says_so(tmp_path: Path) -> None:
    decided, reason, destroyed = run_probe(tmp_path, "hangs")
    assert decided == "qemu"
    assert "did not reach its init within 3 s" in reason
    assert "printed nothing" in reason
    assert len(destroyed) == 1, "a hung probe guest must not be left running"


def test_a_guest_that_cannot_start_gives_emulation_with_libvirts_error(tmp_path: Path) -> None:
    decided, reason, destroyed = run_probe(tmp_path, "fails")
    assert decided == "qemu"
    assert "Permission denied" in reason
    assert destroyed == []
