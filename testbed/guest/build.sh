#!/usr/bin/env bash
# Builds the Integration Centre test guest from Debian packages only: Debian's cloud
# kernel (linux-image-cloud-amd64) and a busybox initramfs whose init applies a NoCloud
# seed (see ./init). Output: DIR/vmlinuz, DIR/initrd.img, DIR/manifest.txt.
# Cached: the output folder is named by a hash of the recipe and the package versions,
# so a second run only prints the folder.
# usage: testbed/guest/build.sh [CACHE_DIR]   (default /var/cache/mergectl/guest)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${MERGECTL_GUEST_CACHE:-/var/cache/mergectl/guest}}
kernel_meta=linux-image-cloud-amd64
# The drivers the guest needs to see its seed disk and its network card.
modules="virtio_pci virtio_blk virtio_net isofs"

for tool in apt-get apt-cache dpkg-deb gzip; do
  command -v "$tool" >/dev/null || { echo "guest build: $tool is missing (Debian host needed)" >&2; exit 3; }
done

kernel_pkg=$(apt-cache depends "$kernel_meta" | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
[ -n "$kernel_pkg" ] || { echo "guest build: cannot resolve $kernel_meta; run apt-get update" >&2; exit 3; }
kernel_version=$(apt-cache policy "$kernel_pkg" | sed -n 's/^ *Candidate: //p')
busybox_version=$(apt-cache policy busybox-static | sed -n 's/^ *Candidate: //p')
recipe=$(cat "$here/build.sh" "$here/init"; echo "$kernel_pkg $kernel_version busybox-static $busybox_version")
tag=$(printf '%s' "$recipe" | sha256sum | cut -c1-12)
out="$cache/$tag"
if [ -f "$out/manifest.txt" ]; then
  ln -sfn "$tag" "$cache/current"
  echo "$out"
  exit 0
fi

start=$(date +%s)
work=$(mktemp -d /var/tmp/mergectl-guest.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download "$kernel_pkg" busybox-static >/dev/null 2>"$work/apt.log") || {
  echo "guest build: apt-get download failed:" >&2; cat "$work/apt.log" >&2; exit 1; }
mkdir -p "$work/kernel" "$work/busybox" "$work/root/bin" "$work/root/lib/modules"
dpkg-deb -x "$work"/linux-image-*.deb "$work/kernel"
dpkg-deb -x "$work"/busybox-static_*.deb "$work/busybox"
kver=$(ls "$work/kernel/lib/modules")
moddir="$work/kernel/lib/modules/$kver"

# Resolve module dependencies from each module's own .modinfo "depends=" (the package
# ships no modules.dep: depmod runs in its postinst), dependencies first, each once.
declare -A seen=()
order=()
add_module() {
  local name=$1 path dep
  path=$(find "$moddir/kernel" -name "$name.ko" -o -name "${name//_/-}.ko" | head -n1)
  [ -n "$path" ] || { echo "guest build: module $name not in $kver" >&2; exit 1; }
  [ -n "${seen[$path]:-}" ] && return
  for dep in $(tr '\0' '\n' <"$path" | sed -n 's/^depends=//p' | tr ',' ' '); do
    add_module "$dep"
  done
  seen[$path]=1
  order+=("$path")
}
for module in $modules; do add_module "$module"; done
: >"$work/root/lib/modules/load-order"
for path in "${order[@]}"; do
  cp "$path" "$work/root/lib/modules/"
  basename "$path" >>"$work/root/lib/modules/load-order"
done

cp "$work/busybox/bin/busybox" "$work/root/bin/busybox"
install -m 0755 "$here/init" "$work/root/init"
mkdir -p "$out.tmp"
# busybox from the package itself writes the archive, so the host needs no cpio.
(cd "$work/root" && find . | "$work/busybox/bin/busybox" cpio -o -H newc 2>/dev/null | gzip -9) >"$out.tmp/initrd.img"
cp "$work/kernel/boot/vmlinuz-$kver" "$out.tmp/vmlinuz"
{
  echo "kernel $kernel_pkg $kernel_version ($kver)"
  echo "busybox-static $busybox_version"
  echo "modules $(tr '\n' ' ' <"$work/root/lib/modules/load-order")"
  echo "built $(date -u +%FT%TZ) in $(( $(date +%s) - start )) s"
} >"$out.tmp/manifest.txt"
rm -rf "$out" && mv "$out.tmp" "$out"
ln -sfn "$tag" "$cache/current"
echo "$out"
