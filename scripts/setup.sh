#!/usr/bin/env bash
# Prepares a fresh Debian 12 machine (as root) for mergectl, its tests and its lab.
# Idempotent: every step checks first and does nothing when already done, so
# scripts/test.sh and scripts/demo.sh call it on every run (a no-op run takes ~2 s).
#
#   scripts/setup.sh             everything below
#   MERGECTL_SKIP_IMAGE=1 ...    skip the container image and the VM base image (controller-only machines)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

# Host packages. Roles install their services (bind9, postfix, libvirt, ...) inside
# the test containers, so the host needs only the container engine, the image
# builder and what the scripts themselves call. Workstreams needing more on the host
# append to this list.
host_packages=(
  podman runc           # container engine; runc because crun fails on cgroup v1/hybrid hosts
  netavark aardvark-dns # podman's network backend + name resolution between containers
  iptables              # netavark sets up NAT with it ("netavark: No such file" without it)
  debootstrap           # builds the test bed's Debian image (testbed/image/build-image.sh)
  grub-pc-bin qemu-utils fdisk # the VMs' base image: GRUB boot/core images, qcow2, partition table (images/base/build.sh)
  python3-venv git      # the controller's virtualenv; pip installs from requirements-dev.txt
  bind9-dnsutils        # dig, for checks from the host against lab containers
  bind9-utils           # named-checkzone for the DNS zone tests and bench/bench_dns.py
  shellcheck            # scripts/test.sh lints the shell scripts
  chromium fonts-dejavu-core # headless screenshots of the report and the portals (Vietnamese glyphs)
)

fail() { echo "setup: $*" >&2; exit 3; }
step_start=0
step() { step_name=$1; step_start=$(date +%s.%N); printf '==> %s\n' "$step_name"; }
step_done() { printf '    %s: %s (%.1f s)\n' "$step_name" "${1:-ok}" "$(echo "$(date +%s.%N) - $step_start" | bc 2>/dev/null || echo 0)"; }
# bc may be absent on a minimal machine: fall back to whole seconds with bash only.
command -v bc >/dev/null || step_done() { printf '    %s: %s (%d s)\n' "$step_name" "${1:-ok}" $(( $(date +%s) - ${step_start%.*} )); }

# --- prerequisites that no package can fix -------------------------------------------
step "checking the machine"
[ "$(id -u)" = 0 ] || fail "must run as root (try: sudo $0); podman runs rootful and apt installs packages"
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
fi
if [ "${ID:-}" != debian ] || [ "${VERSION_ID:-}" != 12 ]; then
  if [ "${MERGECTL_ANY_OS:-}" = 1 ]; then
    echo "    warning: not Debian 12 (${PRETTY_NAME:-unknown}); continuing because MERGECTL_ANY_OS=1"
  else
    fail "this script supports Debian 12 (bookworm) only; found ${PRETTY_NAME:-an unknown system}. Set MERGECTL_ANY_OS=1 to try anyway."
  fi
fi
step_done

# --- apt packages ------------------------------------------------------------------------
step "host packages"
missing=()
for package in "${host_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "    installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/tmp/mergectl-apt-update.log 2>&1 || {
    tail -5 /tmp/mergectl-apt-update.log >&2
    fail "apt-get update failed: no Debian mirror reachable. Check /etc/apt/sources.list* and the network, then re-run."; }
  grep -qE '^(W|E): (Failed to fetch|Some index files failed)' /tmp/mergectl-apt-update.log &&
    fail "apt-get update could not fetch the package lists (see /tmp/mergectl-apt-update.log): is a Debian mirror reachable?"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/mergectl-apt-install.log 2>&1 || {
    tail -20 /tmp/mergectl-apt-install.log >&2; fail "apt-get install ${missing[*]} failed (log above)"; }
  step_done "installed ${#missing[@]}"
else
  step_done "all present"
fi

# --- podman configuration ------------------------------------------------------------
# Two settings, written only when this machine needs them, merged into an existing
# /etc/containers/containers.conf (other keys and sections are kept):
# - [engine] runtime = "runc": crun (podman's default) refuses cgroup v1/hybrid hosts.
#   runc is a fully supported OCI runtime everywhere, so this is harmless elsewhere.
# - [containers] default_ulimits = []: podman raises nofile/nproc for every container,
#   which fails with "setrlimit: Operation not permitted" where root lacks
#   CAP_SYS_RESOURCE (nested containers). With [] containers inherit podman's own
#   limits, which is what a process started by hand would get anyway.
step "podman configuration"
needs=()
[ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] || needs+=("engine.runtime=\"runc\"")
cap_eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
(( (16#$cap_eff >> 24) & 1 )) || needs+=("containers.default_ulimits=[]")
if [ ${#needs[@]} -gt 0 ]; then
  python3 - /etc/containers/containers.conf "${needs[@]}" <<'PY'
import os, re, sys
path, wanted = sys.argv[1], sys.argv[2:]
lines = open(path).read().splitlines() if os.path.exists(path) else []
changed = False
for item in wanted:
    dotted, value = item.split("=", 1)
    section, key = dotted.split(".")
    header = f"[{section}]"
    start = next((i for i, line in enumerate(lines) if line.strip() == header), None)
    if start is None:
        lines += ["", header, f"{key} = {value}"]
        changed = True
        continue
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines))
    found = next((i for i in range(start + 1, end) if re.match(rf"\s*{key}\s*=", lines[i])), None)
    if found is None:
        lines.insert(start + 1, f"{key} = {value}")
        changed = True
    elif lines[found].replace(" ", "") != f"{key}={value}".replace(" ", ""):
        print(f"    replacing '{lines[found].strip()}' with '{key} = {value}'")
        lines[found] = f"{key} = {value}"
        changed = True
if changed:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path) and not os.path.exists(path + ".before-mergectl"):
        os.link(path, path + ".before-mergectl")
    tmp = path + ".tmp"
    with open(tmp, "w") as handle:
        handle.write("\n".join(lines).lstrip("\n") + "\n")
    os.replace(tmp, path)
    print("    wrote " + path)
PY
  step_done "required here: ${needs[*]}"
else
  step_done "defaults work here"
fi
# Every container booting systemd takes several inotify instances; the kernel's default
# of 128 per user (all rootful containers count as root) runs out at about a dozen
# containers and systemd then fails with "Too many open files". Raising a cap is
# harmless elsewhere; it is kept in /etc/sysctl.d so a reboot keeps it.
inotify=/proc/sys/fs/inotify/max_user_instances
if [ "$(cat "$inotify")" -lt 1024 ]; then
  echo 1024 >"$inotify" || fail "cannot raise $inotify to 1024 (needed for more than ~12 systemd containers)"
  echo 'fs.inotify.max_user_instances = 1024' >/etc/sysctl.d/60-mergectl-inotify.conf
  echo "    raised fs.inotify.max_user_instances to 1024"
fi
podman info >/dev/null 2>&1 || fail "podman does not work: 'podman info' fails (run it to see why)"

# --- Python virtualenv ------------------------------------------------------------------
# Rebuilt only when a requirements file or pyproject.toml changes (stamp holds their hash).
# requirements-dev.txt: the runtime pins (requirements.txt, which it includes) and the test tools.
step "python venv (.venv)"
venv_hash=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -c1-16)
stamp=.venv/.mergectl-stamp
if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$venv_hash" ] && [ -x .venv/bin/mergectl ]; then
  step_done "current"
else
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt >/tmp/mergectl-pip.log 2>&1 || {
    tail -20 /tmp/mergectl-pip.log >&2; fail "pip install -r requirements-dev.txt failed (is PyPI reachable?)"; }
  .venv/bin/pip install -q --disable-pip-version-check -e . >>/tmp/mergectl-pip.log 2>&1 || {
    tail -20 /tmp/mergectl-pip.log >&2; fail "pip install -e . failed"; }
  echo "$venv_hash" >"$stamp"
  step_done "installed"
fi

# --- test bed image -----------------------------------------------------------------------
step "test bed image"
if [ "${MERGECTL_SKIP_IMAGE:-}" = 1 ]; then
  step_done "skipped (MERGECTL_SKIP_IMAGE=1)"
else
  testbed/image/build-image.sh | sed 's/^/    /'
  step_done
fi

# --- VM base image ------------------------------------------------------------------------
# Built here, not only by the VM scenario, so the image layout tests in pytest run against
# a real image instead of skipping; cached by recipe hash, so a second setup only prints it.
step "VM base image"
if [ "${MERGECTL_SKIP_IMAGE:-}" = 1 ]; then
  step_done "skipped (MERGECTL_SKIP_IMAGE=1)"
else
  images/base/build.sh | sed 's/^/    /'
  step_done
fi
echo "setup: done. Use: export PATH=$repo/.venv/bin:\$PATH"
