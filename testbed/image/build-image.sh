#!/usr/bin/env bash
# Builds the test bed's systemd image with debootstrap + podman import, once per recipe.
# Idempotent: the tag is the recipe's hash; an image with that tag is reused.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=recipe.conf
. "$here/recipe.conf"
recipe_hash=$(cat "$here/recipe.conf" "$here/build-image.sh" | sha256sum | cut -c1-12)
tag="$IMAGE_NAME:$SUITE-$recipe_hash"

if podman image exists "$tag"; then
  podman tag "$tag" "$IMAGE_NAME:$SUITE"
  echo "image $tag is current"
  exit 0
fi

for tool in debootstrap podman; do
  command -v "$tool" >/dev/null || { echo "build-image: $tool is missing; run scripts/setup.sh (apt-get install $tool)" >&2; exit 3; }
done

# Use the mirror this machine's apt already uses, so the build works wherever apt does.
mirror=${MERGECTL_DEBIAN_MIRROR:-$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit} /^deb / && $2 !~ /security/ {print $2; exit}' \
  /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null || true)}
[ -n "$mirror" ] || { echo "build-image: no Debian mirror found in /etc/apt sources; set MERGECTL_DEBIAN_MIRROR" >&2; exit 3; }
security_mirror=${mirror%/debian}/debian-security

rootfs=$(mktemp -d /var/tmp/mergectl-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
start=$(date +%s)
echo "building $tag with debootstrap (about a minute)"
debootstrap --variant="$VARIANT" --include="$INCLUDE" "$SUITE" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 || {
  echo "build-image: debootstrap failed; last lines of $rootfs.log:" >&2; tail -20 "$rootfs.log" >&2; exit 1; }
# debootstrap writes a fixed machine-id; systemd must generate one per container.
: >"$rootfs/etc/machine-id"
# Units that only make sense on real hardware and slow or break container boots.
# binfmt: in a privileged container the binfmt_misc automount can hang systemd-binfmt
# for its 90 s timeout when many containers boot at once (seen with 13 lab containers);
# the ask-password watchers fail in containers and would leave systemd "degraded".
for unit in systemd-udevd.service systemd-udev-trigger.service getty@tty1.service \
            systemd-networkd-wait-online.service apt-daily.timer apt-daily-upgrade.timer \
            systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount \
            systemd-ask-password-console.path systemd-ask-password-wall.path; do
  ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
done
# Allow root login with keys only; the lab injects its key at 'lab up'.
mkdir -p "$rootfs/root/.ssh" && chmod 700 "$rootfs/root/.ssh"
printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
  "$mirror" "$SUITE" "$mirror" "$SUITE" "$security_mirror" "$SUITE" >"$rootfs/etc/apt/sources.list"
# Keep apt quick and small inside test containers.
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$rootfs/etc/apt/apt.conf.d/90mergectl"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | podman import --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3' - "$tag" >/dev/null
podman tag "$tag" "$IMAGE_NAME:$SUITE"
rm -f "$rootfs.log"
echo "built $tag in $(( $(date +%s) - start )) s"
